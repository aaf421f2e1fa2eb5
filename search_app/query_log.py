"""What officials search for: counts of normalised queries, for autocomplete.

A query becomes a suggestion only when it found documents, was typed by at
least ``MIN_CLIENTS`` distinct clients and is no obscenity; it is stored at
all only when it passes ``clean_query`` (no control characters, a sane
length and alphabet). A client is a salted hash (``search_app.flood``), kept
only until the query has enough clients to be counted. Rows are pruned by age
and by number, the least-used first.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from functools import lru_cache

from sqlalchemy import Connection, Engine, delete, func, select, update

from ingest.clock import now_iso
from ingest.database import upsert_insert
from ingest.tables import query_log, query_log_clients
from search_app.query_text import clean_query

# Counts are kept in memory and written in one transaction every so many
# queries or seconds: a write per search page serialised every worker process
# on the database's write lock. ``flush`` runs when a worker exits, too.
FLUSH_EVERY = 100
FLUSH_SECONDS = 5.0
MIN_CLIENTS = 3
KEEP_DAYS = 180
MAX_ROWS = 50_000
PRUNE_EVERY = 50  # flushes


def normalise_query(text: str) -> str:
    return clean_query(text) or ""


class QueryLog:
    def __init__(self, engine: Engine, is_obscene: Callable[[str], bool] | None = None) -> None:
        self._engine = engine
        if is_obscene is None:
            from search_app.obscenity import obscenity_filter

            is_obscene = obscenity_filter().is_obscene
        self._is_obscene = lru_cache(maxsize=20_000)(is_obscene)
        insert = upsert_insert(engine, query_log)
        self._upsert = insert.on_conflict_do_update(
            index_elements=["text"],
            set_={"count": query_log.c.count + insert.excluded.count, "hits": insert.excluded.hits,
                  "last_seen": insert.excluded.last_seen},
        )
        self._add_client = upsert_insert(engine, query_log_clients).on_conflict_do_nothing(
            index_elements=["text", "client"])
        # text -> (count, hits, last seen, clients seen since the last flush)
        self._pending: dict[str, tuple[int, int, str, frozenset[str]]] = {}
        self._pending_lock = threading.Lock()
        self._flushed_at = time.monotonic()
        self._flushes = 0

    def record(self, text: str, hits: int, client: str = "") -> None:
        """Count a query a user ran; ``client`` is the salted hash of who ran it (empty: unknown)."""
        key = clean_query(text)
        if key is None or self._is_obscene(key):
            return
        with self._pending_lock:
            count, _hits, _seen, clients = self._pending.get(key, (0, 0, "", frozenset()))
            self._pending[key] = (count + 1, hits, now_iso(), clients | {client} if client else clients)
            due = len(self._pending) >= FLUSH_EVERY or time.monotonic() - self._flushed_at >= FLUSH_SECONDS
        if due:
            self.flush()

    def flush(self) -> None:
        """Write the counts kept in memory."""
        with self._pending_lock:
            pending, self._pending = self._pending, {}
            self._flushed_at = time.monotonic()
            self._flushes += 1
            prune = self._flushes % PRUNE_EVERY == 0
        if pending:
            # Sorted: processes flushing at once lock the rows in one order (no deadlock on PostgreSQL).
            rows = [{"text": key, "count": count, "hits": hits, "last_seen": seen}
                    for key, (count, hits, seen, _clients) in sorted(pending.items())]
            with self._engine.begin() as conn:
                conn.execute(self._upsert, rows)
                self._count_clients(conn, {key: v[3] for key, v in pending.items() if v[3]})
        if prune:
            self.prune()

    def _count_clients(self, conn: Connection, clients: dict[str, frozenset[str]]) -> None:
        """Add the clients of each query until it has ``MIN_CLIENTS``; then its hashes are dropped."""
        q, qc = query_log.c, query_log_clients.c
        texts = [t for t, in conn.execute(
            select(q.text).where(q.text.in_(list(clients)), q.clients < MIN_CLIENTS).order_by(q.text))]
        if not texts:
            return
        conn.execute(self._add_client, [{"text": t, "client": c} for t in texts for c in sorted(clients[t])])
        counts = conn.execute(
            select(qc.text, func.count()).where(qc.text.in_(texts)).group_by(qc.text)).all()
        for text, n in counts:
            conn.execute(update(query_log).where(q.text == text, q.clients < n).values(clients=n))
        enough = [text for text, n in counts if n >= MIN_CLIENTS]
        if enough:
            conn.execute(delete(query_log_clients).where(qc.text.in_(enough)))

    def prune(self, keep_days: int = KEEP_DAYS, max_rows: int = MAX_ROWS) -> int:
        """Delete queries not seen for ``keep_days`` and, beyond ``max_rows``, the least used; returns how many."""
        q = query_log.c
        cutoff = (dt.datetime.now(dt.UTC) - dt.timedelta(days=keep_days)).replace(microsecond=0).isoformat()
        with self._engine.begin() as conn:
            removed = conn.execute(delete(query_log).where(q.last_seen < cutoff)).rowcount or 0
            excess = (conn.scalar(select(func.count()).select_from(query_log)) or 0) - max_rows
            if excess > 0:
                victims = select(q.text).order_by(q.clients, q.count, q.last_seen).limit(excess).scalar_subquery()
                removed += conn.execute(delete(query_log).where(q.text.in_(victims))).rowcount or 0
            conn.execute(delete(query_log_clients).where(
                query_log_clients.c.text.not_in(select(q.text))))
        return removed

    def popular(self, prefix: str, limit: int) -> list[str]:
        key = " ".join(prefix.lower().replace("ё", "е").split())
        if not key:
            return []
        q = query_log.c
        if self._engine.dialect.name == "sqlite":
            prefixed = (q.text >= key) & (q.text < key + "\uffff")  # a range: the key's index serves it
        else:  # PostgreSQL compares text by collation: a range would not be a prefix there
            prefixed = q.text.startswith(key, autoescape=True)
        stmt = (
            select(q.text)
            .where(prefixed, q.hits > 0, q.clients >= MIN_CLIENTS)
            .order_by(q.count.desc(), q.text)
            .limit(limit * 2)
        )
        with self._engine.connect() as conn:
            found = list(conn.scalars(stmt))
        # The stop-list may have grown since a query was stored.
        return [text for text in found if not self._is_obscene(text)][:limit]
