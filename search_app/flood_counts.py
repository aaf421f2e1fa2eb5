"""Flood caps shared by every process and host: the counters live in the store (``flood_counts``).

A client (the salted hash of its address, ``search_app.flood.client_key``)
counts within a window at most ``per_query`` times for one query and
``per_client`` times in all; of those, at most ``new_queries`` distinct
queries the query log does not know yet reach it (autocomplete's table), the
rest count for analytics only. Beyond the caps searches are still answered,
only not counted.

``FloodCounts.admit`` decides a batch of attempts (one flush of a process's
logs) in the caller's transaction. Each counter is moved by an upsert that
returns the new count, so two processes flushing at once (PostgreSQL, READ
COMMITTED) never admit more than the cap between them: the second upsert of a
row waits for the first transaction and adds to its result. Rows are locked
in one order (the statements run in a fixed order, each over rows sorted by
key), so flushes cannot deadlock. A counter counts attempts, the refused
ones too. Windows are fixed (``UNIX time // window``): at a window's edge a
client may count twice the cap within a short time, never more per window.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from sqlalchemy import Connection, delete

from ingest.database import upsert_insert
from ingest.tables import flood_counts
from search_app.flood import NEW_QUERIES, PER_CLIENT, PER_QUERY, WINDOW_SECONDS

TOTAL = "*"  # the counter of every search of a client
NEW = "+"  # the counter of its queries new to the query log

Key = tuple[str, str]  # client, counter


class Verdict(Enum):
    REFUSED = "refused"  # over a cap: not counted at all
    ANALYTICS = "analytics"  # counted in the search log; too many new queries for the query log
    COUNTED = "counted"  # counted in the search log and the query log


@dataclass(frozen=True)
class Attempt:
    """One search (or click) of a client: ``query`` is what the per-query cap counts,
    ``new`` says whether the query log does not know its text yet."""

    client: str
    query: str
    new: bool = False


def query_counter(query: str) -> str:
    """A query's counter: a digest (the table ties no readable query to a client)."""
    return hashlib.blake2b(query.encode("utf-8"), digest_size=12).hexdigest()


class FloodCounts:
    def __init__(self, window: float = WINDOW_SECONDS, per_query: int = PER_QUERY, per_client: int = PER_CLIENT,
                 new_queries: int = NEW_QUERIES, clock: Callable[[], float] = time.time) -> None:
        self.window = window
        self.per_query = per_query
        self.per_client = per_client
        self.new_queries = new_queries
        self._clock = clock
        self._pruned: int | None = None  # the window whose predecessors this process deleted

    def admit(self, conn: Connection, attempts: Sequence[Attempt]) -> list[Verdict]:
        """Count ``attempts`` (in order) against the shared counters; the verdict of each."""
        period = self._period(conn)
        queries = [(a.client, query_counter(a.query)) for a in attempts]
        fit_query = _take(queries, self._add(conn, period, queries, self.per_query))
        clients = [(a.client, TOTAL) if ok else None for a, ok in zip(attempts, fit_query, strict=True)]
        counted = _take(clients, self._add(conn, period, clients, self.per_client))
        # A client's new queries: each distinct text takes one place, its repeats follow it.
        new = list(dict.fromkeys((a.client, a.query) for a, ok in zip(attempts, counted, strict=True) if ok and a.new))
        places = [(client, NEW) for client, _query in new]
        logged = {key for key, ok in zip(new, _take(places, self._add(conn, period, places, self.new_queries)),
                                         strict=True) if ok}
        return [Verdict.REFUSED if not ok else Verdict.ANALYTICS if a.new and (a.client, a.query) not in logged
                else Verdict.COUNTED for a, ok in zip(attempts, counted, strict=True)]

    def _period(self, conn: Connection) -> int:
        """The current window's number; the first time a process sees it, older windows' rows are deleted."""
        period = int(self._clock() // self.window)
        if self._pruned != period:
            conn.execute(delete(flood_counts).where(flood_counts.c.period < period))
            self._pruned = period
        return period

    def _add(self, conn: Connection, period: int, keys: Sequence[Key | None], cap: int) -> dict[Key, int]:
        """Add one per key to the counters (``None``: skipped); how many of each key fit under ``cap``."""
        wanted = Counter(key for key in keys if key is not None)
        if not wanted:
            return {}
        t = flood_counts.c
        stmt = upsert_insert(conn, flood_counts).values(
            [{"period": period, "client": c, "counter": k, "count": n} for (c, k), n in sorted(wanted.items())])
        stmt = stmt.on_conflict_do_update(index_elements=["period", "client", "counter"],
                                          set_={"count": t.count + stmt.excluded.count})
        fit = {}
        for client, counter, total in conn.execute(stmt.returning(t.client, t.counter, t.count)):
            n = wanted[(client, counter)]
            fit[(client, counter)] = max(0, min(n, cap - (total - n)))
        return fit


def _take(keys: Sequence[Key | None], fit: dict[Key, int]) -> list[bool]:
    """Admit attempts in order while their key has places left (``None``: refused already)."""
    left = dict(fit)
    taken = []
    for key in keys:
        ok = key is not None and left.get(key, 0) > 0
        if ok:
            left[key] -= 1  # type: ignore[index]
        taken.append(ok)
    return taken
