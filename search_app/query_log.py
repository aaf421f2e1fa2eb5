"""What officials search for: counts of normalised queries, for autocomplete."""

from __future__ import annotations

import sqlite3
import threading
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


def normalise_query(text: str) -> str:
    return " ".join(normalize(text).split())


class QueryLog:
    def __init__(self, db: sqlite3.Connection, lock: AbstractContextManager[object] | None = None) -> None:
        """``lock`` serialises use of ``db`` when other threads share the connection."""
        self._db = db
        self._lock = lock or threading.RLock()
        with self._lock:
            self._db.executescript(SCHEMA)

    def record(self, text: str, hits: int) -> None:
        """Count a query a user ran (only queries that found something are offered later)."""
        key = normalise_query(text)
        if not key or len(key) > MAX_LOGGED_LENGTH:
            return
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO query_log (text, count, hits, last_seen) VALUES (?, 1, ?, ?)"
                " ON CONFLICT(text) DO UPDATE SET count = count + 1, hits = excluded.hits,"
                " last_seen = excluded.last_seen",
                (key, hits, now_iso()),
            )

    def popular(self, prefix: str, limit: int) -> list[str]:
        key = normalise_query(prefix)
        if not key:
            return []
        with self._lock:
            rows = self._db.execute(
                "SELECT text FROM query_log WHERE text >= ? AND text < ? AND hits > 0"
                " ORDER BY count DESC, text LIMIT ?",
                (key, key + "\uffff", limit),
            ).fetchall()
        return [r[0] for r in rows]
