"""The document store: the source of truth every index is rebuilt from.

One relational database (SQLite in the data dir, or PostgreSQL) through
SQLAlchemy Core; the tables are in ``ingest.tables``, created and changed by
migrations (``munnav db upgrade``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, func, select, update

from ingest import migrate, overrides
from ingest.clock import now_iso
from ingest.database import SQLITE_BEGIN, database_url, make_engine, upsert_insert
from ingest.document import Document
from ingest.outcome import Outcome
from ingest.overrides import Override
from ingest.tables import document_overrides, document_versions, documents, index_pending
from ingest.writer_lock import WriterLock

CHUNK = 500  # ids per IN (…) list
# pg_advisory_xact_lock key: upserts decide NEW/UPDATED/UNCHANGED from what they
# read, so document writers take turns (SQLite: BEGIN IMMEDIATE does the same).
DOCUMENT_WRITES = 0x6D756E0002

_ids = bindparam("ids", expanding=True)
_CORRECTED = (
    select(document_overrides.c.document_id).where(document_overrides.c.document_id == documents.c.id).exists()
)
_STATE = select(
    documents.c.id, documents.c.hash, documents.c.withdrawn_at, _CORRECTED.label("corrected")
).where(documents.c.id.in_(_ids))
_DATA = select(documents.c.data).where(documents.c.id.in_(_ids))
_DATA_LIVE = _DATA.where(documents.c.withdrawn_at.is_(None))
_TOUCH = (
    update(documents)
    .where(documents.c.id == bindparam("doc_id"))
    .values(last_seen=bindparam("now"), missing_runs=0)
)
_WITHDRAW = (
    update(documents)
    .where(documents.c.id == bindparam("doc_id"), documents.c.withdrawn_at.is_(None))
    .values(withdrawn_at=bindparam("now"))
)


@dataclass(frozen=True)
class Stored:
    """What storing a record did, and the document as published (with editors' corrections)."""

    outcome: Outcome
    document: Document
    raised: tuple[str, ...] = ()  # corrected fields the source changed (conflicts raised or moved)
    withdrawn: bool = False  # stored, but not published (not to be indexed)

    @property
    def to_index(self) -> bool:
        return self.outcome in (Outcome.NEW, Outcome.UPDATED) and not self.withdrawn


@dataclass(frozen=True)
class _Current:
    """A stored document's row, read inside a writing transaction."""

    data: str
    hash: str
    withdrawn: bool

    @property
    def record(self) -> dict[str, Any]:
        return json.loads(self.data)


@dataclass(frozen=True)
class DocumentVersion:
    """One content a document has had (``outcome``: new or updated)."""

    version: int
    hash: str
    stored_at: str
    outcome: Outcome
    document: Document


class Store:
    """Documents as received, with content hash, source, first/last seen and history."""

    def __init__(self, target: Path | str | Engine) -> None:
        """``target``: a SQLite file, a database URL or an engine (left open on ``close``).

        A new, empty database is created; one at an older schema raises
        ``ingest.migrate.SchemaOutdated``.
        """
        if isinstance(target, Engine):
            self._engine, self._owned = target, False
        else:
            url = f"sqlite:///{target}" if isinstance(target, Path) else target
            self._engine, self._owned = make_engine(url), True
        try:
            migrate.prepare(self._engine)
        except Exception:
            self.close()
            raise
        self._writer_lock = WriterLock(self._engine)

    @classmethod
    def open(cls, data_dir: Path) -> Store:
        """The store of a data dir: ``MUNNAV_DATABASE_URL``, else SQLite in ``data_dir``."""
        return cls(database_url(data_dir))

    @property
    def engine(self) -> Engine:
        """The database engine, for services that keep their own tables beside the documents."""
        return self._engine

    def close(self) -> None:
        if self._owned:
            self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def writer_lock(self, on_wait: Callable[[], None] | None = None) -> contextlib.AbstractContextManager[None]:
        """The reindex/import lock, across processes and hosts (``ingest.writer_lock``)."""
        return self._writer_lock.hold(on_wait)

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[StoreSnapshot]:
        """Reads that see one state of the store, whatever is written meanwhile."""
        with self._engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield StoreSnapshot(conn)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A transaction that decides from what it reads: one such writer at a time."""
        with self._engine.connect() as conn:
            conn.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({DOCUMENT_WRITES})")
                yield conn

    # -- writing -----------------------------------------------------------

    def upsert(self, doc: Document, source: str = "") -> Outcome:
        """Insert or update one document; same content hash → UNCHANGED."""
        return self.receive(doc, source).outcome

    def upsert_many(self, docs: Iterable[Document], source: str = "") -> list[Outcome]:
        """``upsert`` for every document, in one transaction (``receive_many``'s outcomes)."""
        return [stored.outcome for stored in self.receive_many(docs, source)]

    def receive(self, doc: Document, source: str = "") -> Stored:
        return self.receive_many([doc], source)[0]

    def receive_many(self, docs: Iterable[Document], source: str = "") -> list[Stored]:
        """Store the records of a source (a crawl, a file, the console), in one transaction.

        What is published is each record with the editors' corrections of its
        document on top (``ingest.overrides``); a record changing a corrected
        field leaves the correction published and raises a conflict. Outcomes
        are those one-by-one calls would give, in order (a repeated id within
        ``docs`` sees its earlier copy). Every NEW or UPDATED published content
        is kept in the document's history.
        """
        docs = list(docs)
        if not docs:
            return []
        now = now_iso()
        with self._writing() as conn:
            known: dict[str, tuple[str, bool]] = {}  # id → (hash, withdrawn)
            corrected_ids: list[str] = []  # the documents editors corrected
            ids = list(dict.fromkeys(d.id for d in docs))
            for start in range(0, len(ids), CHUNK):
                for row in conn.execute(_STATE, {"ids": ids[start : start + CHUNK]}):
                    known[row.id] = (row.hash, row.withdrawn_at is not None)
                    if row.corrected:
                        corrected_ids.append(row.id)
            corrections = _overrides_of(conn, corrected_ids) if corrected_ids else {}
            corrected: set[str] = set()  # ids whose overrides the records changed
            writes: dict[str, dict[str, Any]] = {}  # the last content per id
            versions: list[dict[str, Any]] = []
            touches: list[dict[str, str]] = []
            stored: list[Stored] = []
            for doc in docs:
                raised: tuple[str, ...] = ()
                if doc.id in corrections:
                    record = doc.to_dict()
                    result = overrides.reconcile(record, corrections[doc.id], now)
                    if result.overrides != corrections[doc.id]:
                        corrections[doc.id] = result.overrides
                        corrected.add(doc.id)
                    doc = Document.from_stored(overrides.published(record, result.overrides))
                    raised = result.raised
                data, digest = _dump_and_hash(doc.to_dict())
                state = known.get(doc.id)
                if state == (digest, False):
                    touches.append({"doc_id": doc.id, "now": now})
                    stored.append(Stored(Outcome.UNCHANGED, doc, raised))
                    continue
                outcome = Outcome.NEW if state is None else Outcome.UPDATED
                writes[doc.id] = _row(doc, source or doc.source, data, digest, now)
                versions.append(_version(doc.id, data, digest, now, outcome))
                stored.append(Stored(outcome, doc, raised))
                known[doc.id] = (digest, False)
            if writes:
                conn.execute(_upsert_documents(conn), list(writes.values()))
                conn.execute(document_versions.insert(), versions)
                self._mark_pending(conn, list(writes))
            if touches:
                conn.execute(_TOUCH, touches)
            for doc_id in sorted(corrected):
                _replace_overrides(conn, doc_id, corrections[doc_id])
        return stored

    # -- editors' corrections of documents from sources ----------------------

    def correct(self, edited: Document, editor_id: int | None) -> Stored:
        """An editor changed a document from a source: each changed field becomes an override.

        The source's next records no longer overwrite these fields (``receive_many``).
        Raises ``KeyError`` for an unknown document.
        """
        now = now_iso()
        with self._writing() as conn:
            current, held = _published_and_overrides(conn, edited.id)
            new = overrides.corrected(current.record, edited.to_dict(), held, editor_id, now)
            if new != held:
                _replace_overrides(conn, edited.id, new)
            source = overrides.source_record(current.record, held)
            return self._republish(conn, current, overrides.published(source, new), now)

    def keep_override(self, doc_id: str, field: str, editor_id: int | None) -> tuple[Override, Override] | None:
        """Resolve a conflict by keeping the correction; ``(before, after)``, ``None`` without a conflict."""
        with self._writing() as conn:
            _, held = _published_and_overrides(conn, doc_id)
            before = next((o for o in held if o.field == field and o.conflict), None)
            if before is None:
                return None
            after = before.kept(editor_id, now_iso())
            _replace_overrides(conn, doc_id, tuple(after if o is before else o for o in held))
        return before, after

    def drop_override(self, doc_id: str, field: str) -> tuple[Override, Stored] | None:
        """Publish the source's value of ``field`` again, dropping the editor's (``None``: no override)."""
        now = now_iso()
        with self._writing() as conn:
            current, held = _published_and_overrides(conn, doc_id)
            dropped = next((o for o in held if o.field == field), None)
            if dropped is None:
                return None
            rest = tuple(o for o in held if o is not dropped)
            _replace_overrides(conn, doc_id, rest)
            source = overrides.source_record(current.record, held)
            return dropped, self._republish(conn, current, overrides.published(source, rest), now)

    def restore(self, doc_id: str) -> Stored | None:
        """Publish a withdrawn document again, as it was (``None``: unknown or not withdrawn)."""
        now = now_iso()
        with self._writing() as conn:
            try:
                current, _ = _published_and_overrides(conn, doc_id)
            except KeyError:
                return None
            if not current.withdrawn:
                return None
            conn.execute(update(documents).where(documents.c.id == doc_id)
                         .values(withdrawn_at=None, missing_runs=0, updated_at=now))
            conn.execute(document_versions.insert(),
                         [_version(doc_id, current.data, current.hash, now, Outcome.UPDATED)])
            self._mark_pending(conn, [doc_id])
            return Stored(Outcome.UPDATED, _load(current.data))

    def overrides_of(self, doc_id: str) -> list[Override]:
        """The editors' corrections of a document, by field."""
        with self._engine.connect() as conn:
            return sorted(_overrides_of(conn, [doc_id]).get(doc_id, ()), key=lambda o: o.field)

    def source_record(self, doc_id: str) -> Document | None:
        """The source's last record of a document: what is published, without the editors' corrections."""
        with self._engine.connect() as conn:
            try:
                current, held = _published_and_overrides(conn, doc_id)
            except KeyError:
                return None
        return Document.from_stored(overrides.source_record(current.record, held))

    def conflicts(self) -> dict[str, list[Override]]:
        """Documents whose source changed a field under a correction: id → those overrides,
        the most recent change first."""
        o = document_overrides.c
        stmt = select(document_overrides).where(o.changed_at.is_not(None)).order_by(o.changed_at.desc(), o.field)
        out: dict[str, list[Override]] = {}
        with self._engine.connect() as conn:
            for row in conn.execute(stmt):
                out.setdefault(row.document_id, []).append(_override(row))
        return out

    def _republish(self, conn: Connection, current: _Current, record: dict[str, Any], now: str) -> Stored:
        """Write ``record`` as the published content of a stored document (withdrawn stays withdrawn)."""
        doc = Document.from_stored(record)
        data, digest = _dump_and_hash(doc.to_dict())
        if digest == current.hash:
            return Stored(Outcome.UNCHANGED, doc, withdrawn=current.withdrawn)
        conn.execute(update(documents).where(documents.c.id == doc.id)
                     .values(kind=doc.kind, data=data, hash=digest, updated_at=now))
        conn.execute(document_versions.insert(), [_version(doc.id, data, digest, now, Outcome.UPDATED)])
        if not current.withdrawn:
            self._mark_pending(conn, [doc.id])
        return Stored(Outcome.UPDATED, doc, withdrawn=current.withdrawn)

    @staticmethod
    def _mark_pending(conn: Connection, ids: list[str]) -> None:
        stmt = upsert_insert(conn, index_pending).on_conflict_do_nothing(index_elements=["id"])
        conn.execute(stmt, [{"id": i} for i in ids])

    def pending_ids(self) -> list[str]:
        """Documents stored as new or changed whose indexing was not confirmed."""
        with self.snapshot() as snapshot:
            return snapshot.pending_ids()

    def clear_pending(self, ids: Iterable[str]) -> None:
        """The index has committed these documents."""
        rows = [{"doc_id": i} for i in ids]
        if not rows:
            return
        with self._engine.begin() as conn:
            conn.execute(index_pending.delete().where(index_pending.c.id == bindparam("doc_id")), rows)

    def record_missing(self, source: str, seen_ids: set[str], threshold: int) -> list[str]:
        """After a complete run: count misses for unseen ids; withdraw at ``threshold``.

        Returns the ids withdrawn by this call.
        """
        now = now_iso()
        withdrawn: list[str] = []
        with self._writing() as conn:
            stored = set(conn.scalars(_ids_for_source(source, include_withdrawn=False)))
            for doc_id in sorted(stored - seen_ids):
                misses = conn.scalar(
                    update(documents)
                    .where(documents.c.id == doc_id)
                    .values(missing_runs=documents.c.missing_runs + 1)
                    .returning(documents.c.missing_runs)
                )
                if misses is not None and misses >= threshold:
                    conn.execute(update(documents).where(documents.c.id == doc_id).values(withdrawn_at=now))
                    withdrawn.append(doc_id)
        return withdrawn

    def withdraw(self, ids: Iterable[str]) -> None:
        now = now_iso()
        rows = [{"doc_id": i, "now": now} for i in ids]
        if not rows:
            return
        with self._engine.begin() as conn:
            conn.execute(_WITHDRAW, rows)

    # -- reading -----------------------------------------------------------

    def get(self, doc_id: str, include_withdrawn: bool = False) -> Document | None:
        docs = self.get_many([doc_id], include_withdrawn=include_withdrawn)
        return docs.get(doc_id)

    def get_many(self, ids: Iterable[str], include_withdrawn: bool = False) -> dict[str, Document]:
        """Documents by id (missing ids are simply absent from the result); one query a page."""
        ids = list(dict.fromkeys(ids))
        stmt = _DATA if include_withdrawn else _DATA_LIVE
        out: dict[str, Document] = {}
        if not ids:
            return out
        with self._engine.connect() as conn:
            for start in range(0, len(ids), CHUNK):
                for data in conn.scalars(stmt, {"ids": ids[start : start + CHUNK]}):
                    doc = _load(data)
                    out[doc.id] = doc
        return out

    def iter_documents(self, include_withdrawn: bool = False) -> Iterator[Document]:
        with self._engine.connect() as conn:
            yield from _iter_documents(conn, include_withdrawn)

    def iter_records(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """``(id, stored JSON)`` of the live documents of one kind (cheaper than ``Document``)."""
        stmt = select(documents.c.id, documents.c.data).where(
            documents.c.kind == kind, documents.c.withdrawn_at.is_(None)
        )
        with self._engine.connect() as conn:
            for row in conn.execute(stmt):
                yield row.id, json.loads(row.data)

    def count(self, include_withdrawn: bool = False) -> int:
        with self._engine.connect() as conn:
            return _count(conn, include_withdrawn)

    def source_of(self, doc_id: str) -> str | None:
        """The source a stored document comes from (``None``: no such document)."""
        with self._engine.connect() as conn:
            return conn.scalar(select(documents.c.source).where(documents.c.id == doc_id))

    def ids_for_source(self, source: str, include_withdrawn: bool = False) -> set[str]:
        with self._engine.connect() as conn:
            return set(conn.scalars(_ids_for_source(source, include_withdrawn)))

    def is_withdrawn(self, doc_id: str) -> bool:
        with self._engine.connect() as conn:
            row = conn.execute(select(documents.c.withdrawn_at).where(documents.c.id == doc_id)).first()
        return row is not None and row.withdrawn_at is not None

    def versions(self, doc_id: str) -> list[DocumentVersion]:
        """Every content the document has had, oldest first."""
        v = document_versions.c
        stmt = select(v.version, v.hash, v.stored_at, v.outcome, v.data).where(v.id == doc_id).order_by(v.version)
        with self._engine.connect() as conn:
            return [
                DocumentVersion(row.version, row.hash, row.stored_at, Outcome(row.outcome), _load(row.data))
                for row in conn.execute(stmt)
            ]


class StoreSnapshot:
    """The store as one transaction sees it (``Store.snapshot``)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def count(self, include_withdrawn: bool = False) -> int:
        return _count(self._conn, include_withdrawn)

    def pending_ids(self) -> list[str]:
        return list(self._conn.scalars(select(index_pending.c.id).order_by(index_pending.c.id)))

    def iter_documents(self, include_withdrawn: bool = False) -> Iterator[Document]:
        return _iter_documents(self._conn, include_withdrawn)


def _row(doc: Document, source: str, data: str, digest: str, now: str) -> dict[str, Any]:
    return {
        "id": doc.id, "kind": doc.kind, "source": source, "data": data, "hash": digest,
        "first_seen": now, "last_seen": now, "updated_at": now, "missing_runs": 0, "withdrawn_at": None,
    }


def _version(doc_id: str, data: str, digest: str, now: str, outcome: Outcome) -> dict[str, Any]:
    return {"id": doc_id, "hash": digest, "data": data, "stored_at": now, "outcome": outcome.value}


def _published_and_overrides(conn: Connection, doc_id: str) -> tuple[_Current, tuple[Override, ...]]:
    row = conn.execute(
        select(documents.c.data, documents.c.hash, documents.c.withdrawn_at).where(documents.c.id == doc_id)
    ).first()
    if row is None:
        raise KeyError(doc_id)
    current = _Current(row.data, row.hash, row.withdrawn_at is not None)
    return current, _overrides_of(conn, [doc_id]).get(doc_id, ())


_OVERRIDES = select(document_overrides).where(document_overrides.c.document_id.in_(_ids))


def _overrides_of(conn: Connection, ids: list[str]) -> dict[str, tuple[Override, ...]]:
    """The overrides of the documents among ``ids`` that have any."""
    found: dict[str, list[Override]] = {}
    for start in range(0, len(ids), CHUNK):
        for row in conn.execute(_OVERRIDES, {"ids": ids[start : start + CHUNK]}):
            found.setdefault(row.document_id, []).append(_override(row))
    return {doc_id: tuple(held) for doc_id, held in found.items()}


def _override(row: Any) -> Override:
    return Override(
        doc_id=row.document_id, field=row.field, value=json.loads(row.value),
        source_value=json.loads(row.source_value), editor_id=row.editor_id, at=row.at,
        source_new=None if row.source_new is None else json.loads(row.source_new), changed_at=row.changed_at,
    )


def _replace_overrides(conn: Connection, doc_id: str, held: Iterable[Override]) -> None:
    conn.execute(delete(document_overrides).where(document_overrides.c.document_id == doc_id))
    rows = [
        {"document_id": doc_id, "field": o.field, "value": overrides.dumps(o.value),
         "source_value": overrides.dumps(o.source_value),
         "source_new": overrides.dumps(o.source_new) if o.conflict else None,
         "changed_at": o.changed_at, "editor_id": o.editor_id, "at": o.at}
        for o in held
    ]
    if rows:
        conn.execute(document_overrides.insert(), rows)


def _upsert_documents(conn: Connection) -> Any:
    stmt = upsert_insert(conn, documents)
    keep = {"id", "first_seen"}  # a document keeps its identity and when it was first seen
    return stmt.on_conflict_do_update(
        index_elements=["id"],
        set_={c.name: stmt.excluded[c.name] for c in documents.columns if c.name not in keep},
    )


def _ids_for_source(source: str, include_withdrawn: bool) -> Any:
    stmt = select(documents.c.id).where(documents.c.source == source)
    return stmt if include_withdrawn else stmt.where(documents.c.withdrawn_at.is_(None))


def _count(conn: Connection, include_withdrawn: bool) -> int:
    stmt = select(func.count()).select_from(documents)
    if not include_withdrawn:
        stmt = stmt.where(documents.c.withdrawn_at.is_(None))
    return int(conn.scalar(stmt) or 0)


def _iter_documents(conn: Connection, include_withdrawn: bool) -> Iterator[Document]:
    stmt = select(documents.c.data).order_by(documents.c.id)
    if not include_withdrawn:
        stmt = stmt.where(documents.c.withdrawn_at.is_(None))
    # Streamed (a server-side cursor on PostgreSQL): a reindex never holds the whole store.
    for data in conn.execution_options(yield_per=1000).scalars(stmt):
        yield _load(data)


def _dump_and_hash(record: dict[str, Any]) -> tuple[str, str]:
    """The stored JSON (keys sorted) and ``Document.content_hash``, from one serialisation."""
    payload = json.dumps(record, ensure_ascii=False, sort_keys=True)
    return payload, hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _load(data: str) -> Document:
    return Document.from_stored(json.loads(data))
