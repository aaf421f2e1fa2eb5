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

from sqlalchemy import Connection, Engine, bindparam, func, select, update

from ingest import migrate
from ingest.clock import now_iso
from ingest.database import SQLITE_BEGIN, database_url, make_engine, upsert_insert
from ingest.document import Document
from ingest.outcome import Outcome
from ingest.tables import document_versions, documents, index_pending
from ingest.writer_lock import WriterLock

CHUNK = 500  # ids per IN (…) list
# pg_advisory_xact_lock key: upserts decide NEW/UPDATED/UNCHANGED from what they
# read, so document writers take turns (SQLite: BEGIN IMMEDIATE does the same).
DOCUMENT_WRITES = 0x6D756E0002

_ids = bindparam("ids", expanding=True)
_STATE = select(documents.c.id, documents.c.hash, documents.c.withdrawn_at).where(documents.c.id.in_(_ids))
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
        return self.upsert_many([doc], source)[0]

    def upsert_many(self, docs: Iterable[Document], source: str = "") -> list[Outcome]:
        """``upsert`` for every document, in one transaction (bulk imports).

        Outcomes are those one-by-one upserts would give, in order (a repeated
        id within ``docs`` sees its earlier copy). Every NEW or UPDATED content
        is kept in the document's history.
        """
        docs = list(docs)
        if not docs:
            return []
        now = now_iso()
        with self._writing() as conn:
            known: dict[str, tuple[str, bool]] = {}  # id → (hash, withdrawn)
            ids = list(dict.fromkeys(d.id for d in docs))
            for start in range(0, len(ids), CHUNK):
                for row in conn.execute(_STATE, {"ids": ids[start : start + CHUNK]}):
                    known[row.id] = (row.hash, row.withdrawn_at is not None)
            writes: dict[str, dict[str, Any]] = {}  # the last content per id
            versions: list[dict[str, Any]] = []
            touches: list[dict[str, str]] = []
            outcomes: list[Outcome] = []
            for doc in docs:
                data, digest = _dump_and_hash(doc.to_dict())
                state = known.get(doc.id)
                if state == (digest, False):
                    touches.append({"doc_id": doc.id, "now": now})
                    outcomes.append(Outcome.UNCHANGED)
                    continue
                outcome = Outcome.NEW if state is None else Outcome.UPDATED
                writes[doc.id] = {
                    "id": doc.id, "kind": doc.kind, "source": source or doc.source, "data": data,
                    "hash": digest, "first_seen": now, "last_seen": now, "updated_at": now,
                    "missing_runs": 0, "withdrawn_at": None,
                }
                versions.append({"id": doc.id, "hash": digest, "data": data, "stored_at": now,
                                 "outcome": outcome.value})
                outcomes.append(outcome)
                known[doc.id] = (digest, False)
            if writes:
                conn.execute(_upsert_documents(conn), list(writes.values()))
                conn.execute(document_versions.insert(), versions)
                self._mark_pending(conn, list(writes))
            if touches:
                conn.execute(_TOUCH, touches)
        return outcomes

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
