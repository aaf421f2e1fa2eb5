"""Every search a person runs, counted once for analytics and autocomplete, within the flood caps.

A search of a known client passes the process's ``FloodGuard`` at once, then
waits in memory with the others; every ``FLUSH_EVERY`` searches or
``FLUSH_SECONDS`` (and before autocomplete reads, and when the process exits)
the batch is decided against the counters every process shares
(``FloodCounts``) in one transaction, and what is admitted goes to the logs.
No database round-trip per search.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import Engine, select

from ingest.database import SQLITE_BEGIN
from ingest.tables import query_log
from search_app.dialogue.search_log import SearchLog
from search_app.dialogue.topics import topic_suggester
from search_app.flood import FloodGuard
from search_app.flood_counts import Attempt, FloodCounts, Verdict
from search_app.query_log import QueryLog
from search_app.query_text import clean_query

FLUSH_EVERY = 100
FLUSH_SECONDS = 5.0


@dataclass(frozen=True)
class _Pending:
    attempt: Attempt
    logged: str  # the query log's text ("" for a click)
    write: Callable[[bool], None]  # to the logs once admitted (``True``: the query log too)


class SearchRecorder:
    """The search log (time series) and the query log (autocomplete) behind the flood caps."""

    def __init__(self, engine: Engine, guard: FloodGuard | None = None, counts: FloodCounts | None = None) -> None:
        self._engine = engine
        self.guard = guard or FloodGuard()
        self.counts = counts or FloodCounts()
        self.query_log = QueryLog(engine)
        self.search_log = SearchLog(engine, lambda text: topic_suggester().suggest(text))
        self._pending: list[_Pending] = []
        self._lock = threading.Lock()
        self._flushed_at = time.monotonic()

    def search(self, text: str, total: int, searched: str | None = None,
               filters: Sequence[tuple[str, str]] = (), client: str = "") -> bool:
        """Count a search (``searched``: the spelling the engine ran); ``False`` when it is not counted
        (a search of a known client may still be refused at the flush, by the caps of all processes)."""
        key = clean_query(text)
        if key is None:
            return False
        moment = self.search_log.now()

        def write(to_query_log: bool) -> None:
            self.search_log.record(text, total, corrected=searched or "", filters=filters, at=moment)
            if to_query_log:
                self.query_log.record(searched or text, total, client)

        return self._count(client, key, clean_query(searched or text) or "", write)

    def click(self, text: str, doc_id: str, client: str = "") -> bool:
        """Count a result opened from the results of ``text``."""
        key = clean_query(text)
        if key is None:
            return False
        moment = self.search_log.now()
        return self._count(client, "\x00click " + key, "",
                           lambda _query_log: self.search_log.record_click(text, doc_id, at=moment))

    def _count(self, client: str, key: str, logged: str, write: Callable[[bool], None]) -> bool:
        if not client:  # no address to cap (commands, tests)
            write(True)
            return True
        if not self.guard.admit(client, key):
            return False
        with self._lock:
            self._pending.append(_Pending(Attempt(client, key), logged, write))
            due = len(self._pending) >= FLUSH_EVERY or time.monotonic() - self._flushed_at >= FLUSH_SECONDS
        if due:
            self.admit_pending()
        return True

    def admit_pending(self) -> int:
        """Decide the searches kept in memory against the shared caps; the admitted go to the logs."""
        with self._lock:
            pending, self._pending = self._pending, []
            self._flushed_at = time.monotonic()
        if not pending:
            return 0
        texts = list({p.logged for p in pending if p.logged})
        # IMMEDIATE: on SQLite the transaction reads the query log, then writes the counters.
        with self._engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"}).begin() as conn:
            known = set(conn.scalars(select(query_log.c.text).where(query_log.c.text.in_(texts)))) if texts else set()
            attempts = [replace(p.attempt, new=bool(p.logged) and p.logged not in known) for p in pending]
            verdicts = self.counts.admit(conn, attempts)
        for p, verdict in zip(pending, verdicts, strict=True):
            if verdict is not Verdict.REFUSED:
                p.write(verdict is Verdict.COUNTED)
        return sum(v is not Verdict.REFUSED for v in verdicts)

    def popular(self, prefix: str, limit: int) -> list[str]:
        """Autocomplete's popular queries, with the searches kept in memory counted first."""
        self.admit_pending()
        return self.query_log.popular(prefix, limit)

    def flush(self) -> None:
        self.admit_pending()
        self.search_log.flush()
        self.query_log.flush()
