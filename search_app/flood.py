"""Flood capping shared by the search log and autocomplete: how much one client may count.

A client is a salted hash of its address (``client_key``): the address itself
is never kept. Within a window a client counts at most ``per_query`` times for
one query and ``per_client`` times in all, and may bring at most
``new_queries`` queries the query log does not know yet; beyond that its
searches are still answered, only not counted.

The caps hold across processes and hosts through counters in the store
(``search_app.flood_counts``), checked when a process flushes its logs.
``FloodGuard`` is the first line in front of them, in one process's memory:
it turns a flooder away at once, so its searches do not even wait for a flush.
"""
from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

WINDOW_SECONDS = 3600.0
PER_QUERY = 3
PER_CLIENT = 200
NEW_QUERIES = 20
TRACKED_CLIENTS = 50_000


def client_key(salt: bytes, address: str) -> str:
    """A salted hash of the client's address: equal for the same client, useless to find the address."""
    return hmac.new(salt, address.encode("utf-8"), hashlib.sha256).hexdigest()[:24]


@dataclass
class _Window:
    started: float
    total: int = 0
    queries: Counter[str] = field(default_factory=Counter)


class FloodGuard:
    """Counts per client and window, in memory (per process), bounded to ``TRACKED_CLIENTS`` clients."""

    def __init__(self, window: float = WINDOW_SECONDS, per_query: int = PER_QUERY, per_client: int = PER_CLIENT,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self.per_query = per_query
        self.per_client = per_client
        self._clock = clock
        self._windows: OrderedDict[str, _Window] = OrderedDict()
        self._lock = threading.Lock()

    def admit(self, client: str, query: str) -> bool:
        """Whether this search of ``query`` by ``client`` may be counted (and counts it if so)."""
        with self._lock:
            w = self._window(client)
            if w.total >= self.per_client or w.queries[query] >= self.per_query:
                return False
            w.total += 1
            w.queries[query] += 1
            return True

    def _window(self, client: str) -> _Window:
        now = self._clock()
        w = self._windows.get(client)
        if w is None or now - w.started >= self.window:
            w = _Window(now)
            self._windows[client] = w
        self._windows.move_to_end(client)
        while len(self._windows) > TRACKED_CLIENTS:
            self._windows.popitem(last=False)
        return w
