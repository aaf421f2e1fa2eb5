"""Rollups on PostgreSQL: an event that commits after a later id was rolled up is still counted.

Ids come from a sequence, and transactions commit in any order: the insert
that took id 1 may commit after a refresh already read id 2 and moved the
bookmark past it. The refresh must wait for such inserts (real server: the
race is the server's, no mock can show it).
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import Connection, Engine, func, select, text

from search_app.dialogue import rollups
from search_app.dialogue.tables import ALL_REGIONS, search_daily, search_events

# PostgreSQL only: on SQLite the open insert holds the one write lock, and no later id can commit.
pytestmark = [pytest.mark.postgresql, pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)]


def _event(conn: Connection, searches: int) -> int:
    row = {"minute": "2026-11-20T12:00", "query": "ремонт дорог", "topic": "дороги", "searches": searches}
    return conn.execute(search_events.insert().values(row).returning(search_events.c.id)).scalar_one()


def _waits_for_a_lock(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.scalar(text("SELECT count(*) FROM pg_locks WHERE NOT granted")))


def test_an_event_committed_after_a_later_one_is_rolled_up(db: Engine) -> None:
    pg = db
    slow = pg.connect()
    slow_tx = slow.begin()
    first = _event(slow, 1)  # takes id 1 and holds its transaction open
    with pg.begin() as conn:
        second = _event(conn, 10)  # id 2, committed at once
    assert first < second

    refresher = threading.Thread(target=rollups.refresh, args=(pg,))
    refresher.start()
    deadline = time.monotonic() + 20
    # A correct refresh waits for the open insert; the defect read id 2 at once and moved past id 1.
    while refresher.is_alive() and not _waits_for_a_lock(pg) and time.monotonic() < deadline:
        time.sleep(0.02)
    slow_tx.commit()
    slow.close()
    refresher.join(timeout=30)
    assert not refresher.is_alive()
    rollups.refresh(pg)

    with pg.connect() as conn:
        events = conn.scalar(select(func.sum(search_events.c.searches)))
        rolled = conn.scalar(select(func.sum(search_daily.c.searches)).where(search_daily.c.region == ALL_REGIONS))
    assert (events, rolled) == (11, 11)
