"""Counts of published reports per day, week and month, kept in step with the reports.

A change to which reports are published (publish, merge, split) runs inside
``counted(conn, problem_ids)``: it reads the published reports of those
problems before the change and after it, and adds the difference to
``dialogue_report_counts`` in the same transaction, so the counts are never
stale and never counted twice. The problems' rows are locked first
(PostgreSQL), so two editors moderating one problem take turns.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date

from sqlalchemy import Connection, Subquery, false, func, select, union_all

from ingest.database import upsert_insert
from search_app.dialogue.districts import OTHER, district_of, districts
from search_app.dialogue.spans import GRAINS, Spans, span_start
from search_app.dialogue.tables import ALL_REGIONS, DISTRICT_MARK, problems, report_counts, reports

Cell = tuple[str, str, str]  # (day, topic, region)


def published_cells(conn: Connection, problem_ids: Iterable[int]) -> Counter[Cell]:
    """Published reports of these problems by day, topic and region."""
    ids = sorted(set(problem_ids))
    if not ids:
        return Counter()
    c = reports.c
    rows = conn.execute(select(c.day, c.topic, c.region, func.count())
                        .where(c.problem_id.in_(ids), c.status == "published")
                        .group_by(c.day, c.topic, c.region))
    return Counter({(day, topic, region): n for day, topic, region, n in rows})


def rows_of(delta: Counter[Cell]) -> list[dict[str, object]]:
    """The rows to add for a change of counts: each cell in every grain, in its region, its federal
    district and in all."""
    out: Counter[tuple[str, str, str, str]] = Counter()
    for (day, topic, region), n in delta.items():
        if not n:
            continue
        moment = date.fromisoformat(day)
        for grain in GRAINS:
            period = span_start(moment, grain).isoformat()
            for area in (region, district_area(region), ALL_REGIONS):
                out[(grain, period, area, topic)] += n
    return [{"grain": g, "period": p, "region": r, "topic": t, "reports": n}
            for (g, p, r, t), n in sorted(out.items()) if n]


def district_area(region: str) -> str:
    return DISTRICT_MARK + district_of(region)


def district_areas() -> list[str]:
    return [DISTRICT_MARK + name for name in (*districts(), OTHER)]


def add(conn: Connection, delta: Counter[Cell]) -> None:
    rows = rows_of(delta)
    if not rows:
        return
    stmt = upsert_insert(conn, report_counts)
    conn.execute(stmt.on_conflict_do_update(
        index_elements=["region", "grain", "period", "topic"],
        set_={"reports": report_counts.c.reports + stmt.excluded.reports}), rows)


def rebuild(conn: Connection) -> int:
    """Count every published report again (after ``federal_districts.toml`` moved a region, say);
    returns the number of reports counted."""
    c = reports.c
    cells = Counter({(day, topic, region): n for day, topic, region, n in conn.execute(
        select(c.day, c.topic, c.region, func.count()).where(c.status == "published")
        .group_by(c.day, c.topic, c.region))})
    conn.execute(report_counts.delete())
    add(conn, cells)
    return sum(cells.values())


def lock_problems(conn: Connection, problem_ids: Iterable[int]) -> None:
    """Lock the problems' rows until the transaction ends (PostgreSQL; SQLite's writers take turns anyway)."""
    ids = sorted(set(problem_ids))
    if ids and conn.dialect.name == "postgresql":
        conn.execute(select(problems.c.id).where(problems.c.id.in_(ids)).order_by(problems.c.id).with_for_update())


class Counted:
    """Problems whose reports a change touches; the change may add more (a problem split off)."""

    def __init__(self, problem_ids: Sequence[int]) -> None:
        self.problem_ids = list(problem_ids)

    def also(self, problem_id: int) -> None:
        self.problem_ids.append(problem_id)


@contextmanager
def counted(conn: Connection, problem_ids: Sequence[int]) -> Iterator[Counted]:
    """Keep the report counts right across a change to these problems' reports (in ``conn``'s transaction)."""
    lock_problems(conn, problem_ids)
    scope = Counted(problem_ids)
    before = published_cells(conn, scope.problem_ids)
    yield scope
    after = published_cells(conn, scope.problem_ids)
    after.subtract(before)
    add(conn, after)


def span_rows(spans: Sequence[Spans], *where: object) -> Subquery:
    """The rows of the report counts in ``spans`` (``spans.cover``) that match ``where``, as one
    ``UNION ALL`` of a ``SELECT`` per span."""
    c = report_counts.c
    columns = (c.topic, c.region, c.period, c.reports)
    selects = [select(*columns).where(*where, c.grain == s.grain,
                                      c.period.between(s.first.isoformat(), s.last.isoformat())) for s in spans]
    if not selects:
        return select(*columns).where(false()).subquery()
    return (selects[0] if len(selects) == 1 else union_all(*selects)).subquery()
