"""What officials search for: counts of normalised queries, for autocomplete."""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import AbstractContextManager

from ingest.clock import now_iso
from search_app.analysis.tokenizer import normalize

SCHEMA = """
CREATE TABLE IF NOT EXISTS query_log (
    text       TEXT PRIMARY KEY,
    count      INTEGER NOT NULL DEFAULT 0,
    hits       INTEGER NOT NULL DEFAULT 0,
    last_seen  TEXT NOT NULL
);
"""
MAX_LOGGED_LENGTH = 120
# Counts are kept in memory and written in one transaction every so many
# queries or seconds: a write per search page serialised every worker process
# on the database's write lock. A crash loses at most these few counts.
FLUSH_EVERY = 100
FLUSH_SECONDS = 5.0


def normalise_query(text: str) -> str:
    return " ".join(normalize(text).split())


class QueryLog:
    def __init__(self, db: sqlite3.Connection, lock: AbstractContextManager[object] | None = None) -> None:
        """``lock`` serialises use of ``db`` when other threads share the connection."""
        self._db = db
        self._lock = lock or threading.RLock()
        self._pending: dict[str, tuple[int, int, str]] = {}  # text -> (count, hits, last seen)
        self._pending_lock = threading.Lock()
        self._flushed_at = time.monotonic()
        with self._lock:
            self._db.executescript(SCHEMA)

    def record(self, text: str, hits: int) -> None:
        """Count a query a user ran (only queries that found something are offered later)."""
        key = normalise_query(text)
        if not key or len(key) > MAX_LOGGED_LENGTH:
            return
        with self._pending_lock:
            count = self._pending.get(key, (0, 0, ""))[0]
            self._pending[key] = (count + 1, hits, now_iso())
            due = len(self._pending) >= FLUSH_EVERY or time.monotonic() - self._flushed_at >= FLUSH_SECONDS
        if due:
            self.flush()

    def flush(self) -> None:
        """Write the counts kept in memory."""
        with self._pending_lock:
            pending, self._pending = self._pending, {}
            self._flushed_at = time.monotonic()
        if not pending:
            return
        with self._lock, self._db:
            self._db.executemany(
                "INSERT INTO query_log (text, count, hits, last_seen) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(text) DO UPDATE SET count = count + excluded.count, hits = excluded.hits,"
                " last_seen = excluded.last_seen",
                [(key, count, hits, seen) for key, (count, hits, seen) in pending.items()],
            )

    def popular(self, prefix: str, limit: int) -> list[str]:
        key = normalise_query(prefix)
        if not key:
            return []
        self.flush()
        with self._lock:
            rows = self._db.execute(
                "SELECT text FROM query_log WHERE text >= ? AND text < ? AND hits > 0"
                " ORDER BY count DESC, text LIMIT ?",
                (key, key + "\uffff", limit),
            ).fetchall()
        return [r[0] for r in rows]
