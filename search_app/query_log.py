"""What officials search for: counts of normalised queries, for autocomplete."""

from __future__ import annotations

import threading
import time

from sqlalchemy import Engine, select

from ingest.clock import now_iso
from ingest.database import upsert_insert
from ingest.tables import query_log
from search_app.analysis.tokenizer import normalize

MAX_LOGGED_LENGTH = 120
# Counts are kept in memory and written in one transaction every so many
# queries or seconds: a write per search page serialised every worker process
# on the database's write lock. A crash loses at most these few counts.
FLUSH_EVERY = 100
FLUSH_SECONDS = 5.0


def normalise_query(text: str) -> str:
    return " ".join(normalize(text).split())


class QueryLog:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        insert = upsert_insert(engine, query_log)
        self._upsert = insert.on_conflict_do_update(
            index_elements=["text"],
            set_={"count": query_log.c.count + insert.excluded.count, "hits": insert.excluded.hits,
                  "last_seen": insert.excluded.last_seen},
        )
        self._pending: dict[str, tuple[int, int, str]] = {}  # text -> (count, hits, last seen)
        self._pending_lock = threading.Lock()
        self._flushed_at = time.monotonic()

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
        rows = [
            {"text": key, "count": count, "hits": hits, "last_seen": seen}
            for key, (count, hits, seen) in pending.items()
        ]
        with self._engine.begin() as conn:
            conn.execute(self._upsert, rows)

    def popular(self, prefix: str, limit: int) -> list[str]:
        key = normalise_query(prefix)
        if not key:
            return []
        self.flush()
        q = query_log.c
        if self._engine.dialect.name == "sqlite":
            prefixed = (q.text >= key) & (q.text < key + "\uffff")  # a range: the key's index serves it
        else:  # PostgreSQL compares text by collation: a range would not be a prefix there
            prefixed = q.text.startswith(key, autoescape=True)
        stmt = (
            select(q.text)
            .where(prefixed, q.hits > 0)
            .order_by(q.count.desc(), q.text)
            .limit(limit)
        )
        with self._engine.connect() as conn:
            return list(conn.scalars(stmt))
