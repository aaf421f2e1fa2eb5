"""Flood caps hold across processes and hosts: counters in the store, checked when a process flushes.

Each «host» is a recorder with its own engine (its own connections) on the same
database, the SQLite file and a real PostgreSQL: what one client counts through
all of them together stays within the caps.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, func, select

from ingest.database import make_engine
from ingest.tables import flood_counts, query_log
from search_app import search_recorder
from search_app.dialogue.tables import search_events
from search_app.flood import NEW_QUERIES, PER_CLIENT, PER_QUERY, WINDOW_SECONDS, FloodGuard
from search_app.flood_counts import FloodCounts
from search_app.search_recorder import SearchRecorder


class Clock:
    def __init__(self) -> None:
        self.now = 500_000 * WINDOW_SECONDS  # the start of a window

    def __call__(self) -> float:
        return self.now


Host = Callable[[], SearchRecorder]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def host(store_url: str, db: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Host]:
    """A new «host»: a recorder on its own engine, writing every 7 searches."""
    monkeypatch.setattr(search_recorder, "FLUSH_EVERY", 7)
    monkeypatch.setattr(search_recorder, "FLUSH_SECONDS", 3600.0)
    engines: list[Engine] = []

    def make() -> SearchRecorder:
        engines.append(make_engine(store_url))
        return SearchRecorder(engines[-1], FloodGuard(clock=clock), FloodCounts(clock=clock))

    yield make
    for engine in engines:
        engine.dispose()


def _searches(db: Engine, *recorders: SearchRecorder) -> dict[str, int]:
    for recorder in recorders:
        recorder.flush()
    e = search_events.c
    with db.connect() as conn:
        return dict(conn.execute(select(e.query, func.sum(e.searches)).group_by(e.query)).all())


def _logged(db: Engine) -> dict[str, int]:
    with db.connect() as conn:
        return dict(conn.execute(select(query_log.c.text, query_log.c.count)).all())


def test_one_client_counts_the_cap_through_every_host_and_others_count_as_usual(db: Engine, host: Host) -> None:
    a, b = host(), host()
    for n in range(300):
        (a, b)[n % 2].search("Субсидии на благоустройство", 5, client="flooder")
    for n in range(10):
        (a, b)[n % 2].search("субсидии на благоустройство", 5, client=f"person-{n}")
    assert _searches(db, a, b) == {"субсидии на благоустройство": PER_QUERY + 10}
    assert _logged(db) == {"субсидии на благоустройство": PER_QUERY + 10}


def test_autocomplete_cannot_be_poisoned_through_several_hosts(db: Engine, host: Host) -> None:
    a, b = host(), host()
    for person in ("p1", "p2", "p3"):
        for _ in range(2):
            a.search("грант на ремонт дорог", 4, client=person)  # three people, twice each: 6
    for person in ("q1", "q2"):
        b.search("грант для тос", 4, client=person)
    for n in range(300):  # a third client, a flooder, through both hosts
        (a, b)[n % 2].search("грант для тос", 4, client="flooder")
    a.flush()  # both hosts write what they keep (they would within FLUSH_SECONDS)
    b.flush()
    # Each host alone would have let the flooder count PER_QUERY: the query would lead with 2 + 6.
    assert b.popular("грант", 5) == ["грант на ремонт дорог", "грант для тос"]
    assert _logged(db)["грант для тос"] == 2 + PER_QUERY


def test_new_queries_reach_autocomplete_within_their_cap_and_analytics_within_the_client_cap(
        db: Engine, host: Host) -> None:
    a, b = host(), host()
    for n in range(150):
        a.search(f"мусор номер {n}", 1, client="flooder")
        b.search(f"другой мусор {n}", 1, client="flooder")
    assert sum(_searches(db, a, b).values()) == PER_CLIENT
    assert len(_logged(db)) == NEW_QUERIES  # rows one client may add to autocomplete's table


def test_a_window_that_is_over_lets_the_client_count_again(db: Engine, host: Host, clock: Clock) -> None:
    a, b = host(), host()
    for n in range(20):
        (a, b)[n % 2].search("отчет по 131-фз", 3, client="flooder")
    assert _searches(db, a, b) == {"отчет по 131-фз": PER_QUERY}
    clock.now += WINDOW_SECONDS
    for n in range(20):
        (a, b)[n % 2].search("отчет по 131-фз", 3, client="flooder")
    assert _searches(db, a, b) == {"отчет по 131-фз": 2 * PER_QUERY}
    with db.connect() as conn:  # the last window's counters are gone
        assert set(conn.scalars(select(flood_counts.c.period))) == {int(clock.now // WINDOW_SECONDS)}


def test_hosts_flushing_at_once_admit_exactly_the_cap(db: Engine, host: Host,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_recorder, "FLUSH_EVERY", 10_000)
    a, b = host(), host()
    clients = [f"client-{n:02}" for n in range(20)]
    for _ in range(PER_QUERY + 2):  # each host alone lets PER_QUERY through its own guard
        for client in clients:
            a.search("ремонт кровли", 2, client=client)
        for client in reversed(clients):  # the other host in the other order: no deadlock
            b.search("ремонт кровли", 2, client=client)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def flush(recorder: SearchRecorder) -> None:
        start.wait()
        try:
            recorder.admit_pending()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=flush, args=(r,)) for r in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert _searches(db, a, b) == {"ремонт кровли": PER_QUERY * len(clients)}
