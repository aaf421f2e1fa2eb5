"""The search log as a time series: one row per minute bucket of identical searches.

A row holds the normalised query, the spelling actually searched, the chosen
filters, the region filter and the query's topic, how many searches and
results, and clicks on a result; never a user, a session or an address.
Rows are kept in memory and written together every ``FLUSH_EVERY`` searches
or ``FLUSH_SECONDS`` (and when the process exits: ``flush``).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from urllib.parse import urlencode

from sqlalchemy import Engine, delete

from ingest.clock import today
from search_app.dialogue.tables import search_events
from search_app.query_text import clean_query

FLUSH_EVERY = 200
FLUSH_SECONDS = 10.0
FACETS_LENGTH = 500
# Filters that describe what was searched (paging and sorting do not).
FACET_FIELDS = ("kind", "regions", "topics", "audience", "status", "year", "issuer", "open")

Key = tuple[str, str, str, str, str, str, str]  # minute, query, corrected, facets, region, topic, clicked


def utc_now() -> dt.datetime:
    """Now, on the day ``ingest.clock.today`` says (a pinned ``MUNNAV_TODAY`` moves the log with the pages)."""
    now = dt.datetime.now(dt.UTC)
    return dt.datetime.combine(today(), now.time(), tzinfo=dt.UTC)


def minute_of(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def facets_text(filters: Sequence[tuple[str, str]]) -> str:
    """The chosen filters, sorted and URL-encoded (cut to the column's size)."""
    pairs = sorted((f, v) for f, v in filters if f in FACET_FIELDS)
    return urlencode(pairs)[:FACETS_LENGTH]


class SearchLog:
    def __init__(self, engine: Engine, topic_of: Callable[[str], str | None],
                 now: Callable[[], dt.datetime] = utc_now) -> None:
        self._engine = engine
        self._topic_of = lru_cache(maxsize=8192)(topic_of)
        self.now = now
        self._pending: dict[Key, list[int]] = {}  # key -> [searches, results, clicks]
        self._count = 0
        self._lock = threading.Lock()
        self._flushed_at = time.monotonic()

    def record(self, query: str, results: int, corrected: str = "",
               filters: Sequence[tuple[str, str]] = (), at: dt.datetime | None = None) -> None:
        """Count one search (``query`` as typed; ``corrected`` when the speller changed it; ``at``: when, if not now)."""
        text = clean_query(query)
        if text is None:
            return
        fixed = clean_query(corrected) or ""
        region = next((v for f, v in filters if f == "regions"), "")[:200]
        topic = self._topic_of(fixed or text) or ""
        key = (minute_of(at or self.now()), text, "" if fixed == text else fixed, facets_text(filters), region, topic, "")
        self._add(key, 1, results, 0)

    def record_click(self, query: str, doc_id: str, at: dt.datetime | None = None) -> None:
        """Count a result of ``query`` opened."""
        text = clean_query(query)
        if text is None or not doc_id:
            return
        key = (minute_of(at or self.now()), text, "", "", "", self._topic_of(text) or "", doc_id[:300])
        self._add(key, 0, 0, 1)

    def _add(self, key: Key, searches: int, results: int, clicks: int) -> None:
        with self._lock:
            row = self._pending.setdefault(key, [0, 0, 0])
            row[0] += searches
            row[1] = max(row[1], results)
            row[2] += clicks
            self._count += 1
            due = self._count >= FLUSH_EVERY or time.monotonic() - self._flushed_at >= FLUSH_SECONDS
        if due:
            self.flush()

    def flush(self) -> int:
        """Write the buckets kept in memory; returns how many rows were written."""
        with self._lock:
            pending, self._pending = self._pending, {}
            self._count = 0
            self._flushed_at = time.monotonic()
        if not pending:
            return 0
        rows = [
            {"minute": k[0], "query": k[1], "corrected": k[2], "facets": k[3], "region": k[4], "topic": k[5],
             "clicked": k[6], "searches": v[0], "results": v[1], "clicks": v[2]}
            for k, v in pending.items()
        ]
        with self._engine.begin() as conn:
            conn.execute(search_events.insert(), rows)
        return len(rows)

    def prune(self, keep_days: int) -> int:
        """Delete events older than ``keep_days`` (the daily rollups keep their counts)."""
        cutoff = minute_of(self.now() - dt.timedelta(days=keep_days))
        with self._engine.begin() as conn:
            return conn.execute(delete(search_events).where(search_events.c.minute < cutoff)).rowcount or 0
