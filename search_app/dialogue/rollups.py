"""Daily rollups of the search log: what /dialogue reads instead of a million events.

``refresh`` reads the events added since the last refresh (events are only
appended) and adds their counts to ``search_daily`` (day × topic × region)
and ``search_queries_monthly`` (month × query × region); every event counts
once under ``ALL_REGIONS`` and once more under its region filter, if any, so
the page reads a year of totals from a few thousand rows. Two processes
refreshing at once cannot count an event twice: the first statement moves
the bookmark from the value this refresh read, and a refresh that finds it
moved gives up.

Reading "events after the bookmark" is only safe when no event with a smaller
id can still appear. On PostgreSQL ids come from a sequence and inserts commit
in any order, so the refresh first takes ``SHARE`` on ``search_events``: it
waits for the inserting transactions in flight to commit and holds new ones
back until it commits (flushes wait that long, at most one batch). SQLite
needs nothing: a writer holds the database's one write lock from its insert
to its commit, so ids become visible in order.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, Engine, func, select, text, update

from ingest.clock import now_iso
from ingest.database import upsert_insert
from search_app.dialogue.tables import (
    ALL_REGIONS,
    rollup_state,
    search_daily,
    search_events,
    search_queries_monthly,
)

NAME = "search"
# Not a rollup: a counter every change to reports and problems moves (their
# aggregates are read live), so cached tables know when they are outdated.
REPORTS = "reports"
BATCH = 100_000


def state(engine: Engine) -> tuple[int, str | None]:
    """The last event read and when the rollups were refreshed (``None``: never)."""
    with engine.connect() as conn:
        row = conn.execute(select(rollup_state.c.last_event, rollup_state.c.refreshed_at)
                           .where(rollup_state.c.name == NAME)).first()
    return (row[0], row[1]) if row else (0, None)


def version(engine: Engine) -> tuple[tuple[str, int], ...]:
    """What the aggregates were computed from: the search bookmark and the reports' change counter."""
    with engine.connect() as conn:
        rows = conn.execute(select(rollup_state.c.name, rollup_state.c.last_event).order_by(rollup_state.c.name))
        return tuple((name, last) for name, last in rows)


def bump_reports(conn: Connection) -> None:
    """Record a change to reports or problems (in the caller's transaction)."""
    stmt = upsert_insert(conn, rollup_state).values(name=REPORTS, last_event=1, refreshed_at=now_iso())
    conn.execute(stmt.on_conflict_do_update(
        index_elements=["name"],
        set_={"last_event": rollup_state.c.last_event + 1, "refreshed_at": stmt.excluded.refreshed_at}))


def refresh(engine: Engine, batch: int = BATCH) -> int:
    """Add the events not rolled up yet; returns how many events were read."""
    total = 0
    while True:
        done = _refresh_batch(engine, batch)
        total += done
        if done < batch:
            return total


def _refresh_batch(engine: Engine, batch: int) -> int:
    e = search_events.c
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"LOCK TABLE {search_events.name} IN SHARE MODE"))
        _ensure_state(conn)
        last = conn.scalar(select(rollup_state.c.last_event).where(rollup_state.c.name == NAME)) or 0
        rows = conn.execute(
            select(e.id, e.minute, e.query, e.region, e.topic, e.searches, e.results, e.clicks)
            .where(e.id > last).order_by(e.id).limit(batch)
        ).all()
        newest = rows[-1].id if rows else last
        moved = conn.execute(update(rollup_state).where(rollup_state.c.name == NAME, rollup_state.c.last_event == last)
                             .values(last_event=newest, refreshed_at=now_iso())).rowcount
        if not moved:  # another process refreshed meanwhile: its counts stand
            conn.rollback()
            return 0
        daily: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        monthly: dict[tuple[str, str, str], list[Any]] = defaultdict(lambda: ["", 0, 0, 0, 0])
        for r in rows:
            zero = r.searches if r.results == 0 else 0
            for region in (ALL_REGIONS, r.region) if r.region else (ALL_REGIONS,):
                d = daily[(r.minute[:10], r.topic, region)]
                d[0] += r.searches
                d[1] += zero
                d[2] += r.clicks
                m = monthly[(r.minute[:7], r.query, region)]
                m[0] = m[0] or r.topic
                m[1] += r.searches
                m[2] += zero
                m[3] = max(m[3], r.results)
                m[4] += r.clicks
        _add_daily(conn, daily)
        _add_monthly(conn, monthly)
    return len(rows)


def _ensure_state(conn: Connection) -> None:
    stmt = upsert_insert(conn, rollup_state).values(name=NAME, last_event=0, refreshed_at=now_iso())
    conn.execute(stmt.on_conflict_do_nothing(index_elements=["name"]))


def _add_daily(conn: Connection, daily: dict[tuple[str, str, str], list[int]]) -> None:
    if not daily:
        return
    stmt = upsert_insert(conn, search_daily)
    c = search_daily.c
    stmt = stmt.on_conflict_do_update(
        index_elements=["region", "day", "topic"],
        set_={"searches": c.searches + stmt.excluded.searches, "zero": c.zero + stmt.excluded.zero,
              "clicks": c.clicks + stmt.excluded.clicks},
    )
    conn.execute(stmt, [{"day": d, "topic": t, "region": r, "searches": v[0], "zero": v[1], "clicks": v[2]}
                        for (d, t, r), v in daily.items()])


def _add_monthly(conn: Connection, monthly: dict[tuple[str, str, str], list[Any]]) -> None:
    if not monthly:
        return
    stmt = upsert_insert(conn, search_queries_monthly)
    c = search_queries_monthly.c
    stmt = stmt.on_conflict_do_update(
        index_elements=["region", "month", "query"],
        set_={"searches": c.searches + stmt.excluded.searches, "zero": c.zero + stmt.excluded.zero,
              "results": func.max(c.results, stmt.excluded.results) if conn.dialect.name == "sqlite"
              else func.greatest(c.results, stmt.excluded.results),
              "clicks": c.clicks + stmt.excluded.clicks},
    )
    conn.execute(stmt, [{"month": mo, "query": q, "region": r, "topic": v[0], "searches": v[1], "zero": v[2],
                         "results": v[3], "clicks": v[4]} for (mo, q, r), v in monthly.items()])
