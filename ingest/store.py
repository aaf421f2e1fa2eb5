"""SQLite document store: the source of truth every index is rebuilt from."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ingest.clock import now_iso
from ingest.document import Document
from ingest.outcome import Outcome

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    source        TEXT NOT NULL DEFAULT '',
    data          TEXT NOT NULL,
    hash          TEXT NOT NULL,
    first_seen    TEXT NOT NULL,
    last_seen     TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    missing_runs  INTEGER NOT NULL DEFAULT 0,
    withdrawn_at  TEXT
);
CREATE INDEX IF NOT EXISTS documents_source ON documents (source);
-- New and changed documents not yet committed to the index: written in the same
-- transaction as the document, removed once the index has committed it, so an
-- import cut short is finished by the next one (it would see them unchanged).
CREATE TABLE IF NOT EXISTS index_pending (id TEXT PRIMARY KEY);
"""


class Store:
    """Documents as received, with content hash, source and first/last seen."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        # One connection serves every thread of the web server: statements and
        # transactions on it are serialised by this lock (modules sharing the
        # connection take it too).
        self.lock = threading.RLock()
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    @property
    def connection(self) -> sqlite3.Connection:
        """The underlying connection, for modules that keep their own tables here."""
        return self._db

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def upsert(self, doc: Document, source: str = "") -> Outcome:
        """Insert or update one document; same content hash → UNCHANGED."""
        with self.lock:
            return self._upsert(doc, source)

    def _upsert(self, doc: Document, source: str = "") -> Outcome:
        now = now_iso()
        data, digest = _dump_and_hash(doc.to_dict())
        source = source or doc.source
        row = self._db.execute(
            "SELECT hash, withdrawn_at FROM documents WHERE id = ?", (doc.id,)
        ).fetchone()
        with self._db:
            if row is None:
                self._db.execute(
                    "INSERT INTO documents (id, kind, source, data, hash, first_seen, last_seen,"
                    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (doc.id, doc.kind, source, data, digest, now, now, now),
                )
                self._mark_pending([doc.id])
                return Outcome.NEW
            if row["hash"] == digest and row["withdrawn_at"] is None:
                self._db.execute(
                    "UPDATE documents SET last_seen = ?, missing_runs = 0 WHERE id = ?", (now, doc.id)
                )
                return Outcome.UNCHANGED
            self._db.execute(
                "UPDATE documents SET kind = ?, source = ?, data = ?, hash = ?, last_seen = ?,"
                " updated_at = ?, missing_runs = 0, withdrawn_at = NULL WHERE id = ?",
                (doc.kind, source, data, digest, now, now, doc.id),
            )
            self._mark_pending([doc.id])
            return Outcome.UPDATED

    def upsert_many(self, docs: Iterable[Document], source: str = "") -> list[Outcome]:
        """``upsert`` for every document, in one transaction (bulk imports).

        Outcomes are those one-by-one upserts would give, in order (a repeated
        id within ``docs`` sees its earlier copy).
        """
        with self.lock:
            return self._upsert_many(list(docs), source)

    def _upsert_many(self, docs: list[Document], source: str) -> list[Outcome]:
        now = now_iso()
        known: dict[str, tuple[str, bool]] = {}  # id → (hash, withdrawn)
        ids = list(dict.fromkeys(d.id for d in docs))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._db.execute(
                f"SELECT id, hash, withdrawn_at FROM documents WHERE id IN ({marks})", chunk
            ):
                known[row["id"]] = (row["hash"], row["withdrawn_at"] is not None)
        inserts: list[tuple[str, ...]] = []
        touches: list[tuple[str, str]] = []
        updates: list[tuple[str, ...]] = []
        outcomes: list[Outcome] = []
        for doc in docs:
            data, digest = _dump_and_hash(doc.to_dict())
            doc_source = source or doc.source
            state = known.get(doc.id)
            if state is None:
                inserts.append((doc.id, doc.kind, doc_source, data, digest, now, now, now))
                outcomes.append(Outcome.NEW)
            elif state == (digest, False):
                touches.append((now, doc.id))
                outcomes.append(Outcome.UNCHANGED)
            else:
                updates.append((doc.kind, doc_source, data, digest, now, now, doc.id))
                outcomes.append(Outcome.UPDATED)
            known[doc.id] = (digest, False)
        with self._db:
            self._db.executemany(
                "INSERT INTO documents (id, kind, source, data, hash, first_seen, last_seen,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                inserts,
            )
            self._db.executemany(
                "UPDATE documents SET kind = ?, source = ?, data = ?, hash = ?, last_seen = ?,"
                " updated_at = ?, missing_runs = 0, withdrawn_at = NULL WHERE id = ?",
                updates,
            )
            self._db.executemany(
                "UPDATE documents SET last_seen = ?, missing_runs = 0 WHERE id = ?", touches
            )
            self._mark_pending([row[0] for row in inserts] + [row[-1] for row in updates])
        return outcomes

    def _mark_pending(self, ids: list[str]) -> None:
        self._db.executemany("INSERT OR IGNORE INTO index_pending (id) VALUES (?)", [(i,) for i in ids])

    def pending_ids(self) -> list[str]:
        """Documents stored as new or changed whose indexing was not confirmed."""
        with self.lock:
            return [row[0] for row in self._db.execute("SELECT id FROM index_pending ORDER BY id")]

    def clear_pending(self, ids: Iterable[str]) -> None:
        """The index has committed these documents."""
        with self.lock, self._db:
            self._db.executemany("DELETE FROM index_pending WHERE id = ?", [(i,) for i in ids])

    def get(self, doc_id: str, include_withdrawn: bool = False) -> Document | None:
        docs = self.get_many([doc_id], include_withdrawn=include_withdrawn)
        return docs.get(doc_id)

    def get_many(self, ids: Iterable[str], include_withdrawn: bool = False) -> dict[str, Document]:
        """Documents by id (missing ids are simply absent from the result)."""
        ids = list(dict.fromkeys(ids))
        rows: list[sqlite3.Row] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT data FROM documents WHERE id IN ({marks})"
            if not include_withdrawn:
                sql += " AND withdrawn_at IS NULL"
            with self.lock:
                rows += self._db.execute(sql, chunk).fetchall()
        out: dict[str, Document] = {}
        for row in rows:
            doc = _load(row["data"])
            out[doc.id] = doc
        return out

    def iter_documents(self, include_withdrawn: bool = False) -> Iterator[Document]:
        sql = "SELECT data FROM documents"
        if not include_withdrawn:
            sql += " WHERE withdrawn_at IS NULL"
        for row in self._db.execute(sql + " ORDER BY id"):
            yield _load(row["data"])

    def count(self, include_withdrawn: bool = False) -> int:
        sql = "SELECT COUNT(*) FROM documents"
        if not include_withdrawn:
            sql += " WHERE withdrawn_at IS NULL"
        return int(self._db.execute(sql).fetchone()[0])

    def ids_for_source(self, source: str, include_withdrawn: bool = False) -> set[str]:
        sql = "SELECT id FROM documents WHERE source = ?"
        if not include_withdrawn:
            sql += " AND withdrawn_at IS NULL"
        return {row["id"] for row in self._db.execute(sql, (source,))}

    def record_missing(self, source: str, seen_ids: set[str], threshold: int) -> list[str]:
        """After a complete run: count misses for unseen ids; withdraw at ``threshold``.

        Returns the ids withdrawn by this call.
        """
        now = now_iso()
        withdrawn: list[str] = []
        with self._db:
            for doc_id in sorted(self.ids_for_source(source) - seen_ids):
                misses = self._db.execute(
                    "UPDATE documents SET missing_runs = missing_runs + 1 WHERE id = ?"
                    " RETURNING missing_runs",
                    (doc_id,),
                ).fetchone()[0]
                if misses >= threshold:
                    self._db.execute(
                        "UPDATE documents SET withdrawn_at = ? WHERE id = ?", (now, doc_id)
                    )
                    withdrawn.append(doc_id)
        return withdrawn

    def withdraw(self, ids: Iterable[str]) -> None:
        now = now_iso()
        with self.lock, self._db:
            self._db.executemany(
                "UPDATE documents SET withdrawn_at = ? WHERE id = ? AND withdrawn_at IS NULL",
                [(now, i) for i in ids],
            )

    def is_withdrawn(self, doc_id: str) -> bool:
        row = self._db.execute("SELECT withdrawn_at FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row is not None and row["withdrawn_at"] is not None


def _dump_and_hash(record: dict[str, Any]) -> tuple[str, str]:
    """The stored JSON (keys sorted) and ``Document.content_hash``, from one serialisation."""
    payload = json.dumps(record, ensure_ascii=False, sort_keys=True)
    return payload, hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _load(data: str) -> Document:
    return Document.from_stored(json.loads(data))
