"""Every search a person runs, counted once for analytics and autocomplete, within the flood caps.

A search of a known client passes the process's ``FloodGuard`` at once, then
waits in memory with the others; every ``FLUSH_EVERY`` searches or
``FLUSH_SECONDS`` (and when the process exits) the batch is decided against
the counters every process shares (``FloodCounts``) in one transaction, and
what is admitted goes to the logs. That work runs in a flusher thread of the
process, so no search or suggestion waits for the database's write lock;
autocomplete reads what was written (its suggestions need several clients
anyway, a few seconds late changes nothing).
"""

from __future__ import annotations

import logging
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

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Pending:
    attempt: Attempt
    logged: str  # the query log's text ("" for a click)
    write: Callable[[bool], None]  # to the logs once admitted (``True``: the query log too)


class SearchRecorder:
    """The search log (time series) and the query log (autocomplete) behind the flood caps."""

    def __init__(self, engine: Engine, guard: FloodGuard | None = None, counts: FloodCounts | None = None,
                 background: bool = True) -> None:
        """``background``: flush in the process's flusher thread (``False``: in the caller, for tests)."""
        self._engine = engine
        self._background = background
        self._wake = threading.Event()
        self._flushing = threading.Lock()  # one flush at a time: an explicit flush waits for the thread's
        self._flusher: threading.Thread | None = None
        self._closed = False
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
            self._flush_soon()
        return True

    def _flush_soon(self) -> None:
        """Have the batch written without the caller waiting (the flusher starts at the first need)."""
        if not self._background:
            self.flush()
            return
        with self._lock:
            if self._closed:
                return
            if self._flusher is None or not self._flusher.is_alive():  # first need, or a forked child
                self._flusher = threading.Thread(target=self._flush_loop, name="munnav-search-log", daemon=True)
                self._flusher.start()
        self._wake.set()

    def _flush_loop(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._closed:
                return
            try:
                self.flush()
            except Exception as exc:  # noqa: BLE001 - the thread must live; no query text in the log
                log.error("search log not written: %s", type(exc).__name__)

    def close(self) -> None:
        """Write what is kept and stop the flusher thread."""
        self.flush()
        with self._lock:
            self._closed = True
            flusher = self._flusher
        self._wake.set()
        if flusher is not None and flusher is not threading.current_thread():
            flusher.join(timeout=10)

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
        """Autocomplete's popular queries, as written (a read: nothing is flushed here)."""
        return self.query_log.popular(prefix, limit)

    def flush(self) -> None:
        """Write everything recorded so far (waiting for the flusher thread's batch, if it is writing one)."""
        with self._flushing:
            self.admit_pending()
            self.search_log.flush()
            self.query_log.flush()
