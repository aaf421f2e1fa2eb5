"""The problem field's numbers, read from the tables for a period, region and topic.

Published reports are counted from their rollups (``report_rollups``, kept in
the moderation transaction: always current); searches from the daily rollups
of the search log (``rollups``, brought up to date every few minutes). Supply (documents) comes from the search engine and
is handed in by the caller: this module never touches the index.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import Engine, Subquery, func, literal, select

from search_app.dialogue import aggregates, rollups
from search_app.dialogue.aggregates import ProblemStat, QueryStat, Supply
from search_app.dialogue.datatable import Table
from search_app.dialogue.report_rollups import district_areas, span_rows
from search_app.dialogue.spans import DAY, GRAINS, MONTH, WEEK, cover
from search_app.dialogue.tables import (
    ALL_REGIONS,
    DISTRICT_MARK,
    problem_regions,
    problems,
    report_counts,
    search_daily,
    search_queries_monthly,
)

DEFAULT_DAYS = 365
MAX_DAYS = 366 * 5


class FilterError(ValueError):
    """A filter of the URL that cannot be understood; the message is for the user."""


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    region: str = ""
    topic: str = ""
    unit: str = "month"  # growth by "week" or "month"

    @classmethod
    def parse(cls, args: Mapping[str, str], today: date) -> Filters:
        """``from``/``to`` (YYYY-MM-DD), ``region``, ``topic``, ``by`` (week|month); defaults: the last year."""
        try:
            end = date.fromisoformat(args["to"]) if args.get("to") else today
            start = date.fromisoformat(args["from"]) if args.get("from") else end - timedelta(days=DEFAULT_DAYS - 1)
        except ValueError as exc:
            raise FilterError("Даты периода указываются как ГГГГ-ММ-ДД.") from exc
        if start > end:
            raise FilterError("Начало периода позже его конца.")
        if (end - start).days > MAX_DAYS:
            raise FilterError("Период длиннее пяти лет: выберите период короче.")
        unit = args.get("by") or ("week" if (end - start).days <= 120 else "month")
        if unit not in ("week", "month"):
            raise FilterError("Группировка по времени: by=week или by=month.")
        return cls(start, end, (args.get("region") or "").strip(), (args.get("topic") or "").strip(), unit)

    def without_topic(self) -> Filters:
        return replace(self, topic="")


class Analytics:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._counts: dict[Filters, list[tuple[str, str, int]]] = {}

    def freshness(self) -> str | None:
        """When the search rollups were last refreshed (``None``: never)."""
        return rollups.state(self.engine)[1]

    def _report_rows(self, f: Filters, grains: tuple[str, ...], areas: object) -> Subquery:
        """The report counts of ``areas`` covering the period (``spans.cover``), one ``SELECT`` per span
        joined by ``UNION ALL``: each reads one range of the key (an ``OR`` of the spans made SQLite
        read every row of the areas)."""
        c = report_counts.c
        topic = [c.topic == f.topic] if f.topic else []
        return span_rows(cover(f.start, f.end, grains), areas, *topic)

    def report_counts(self, f: Filters) -> list[tuple[str, str, int]]:
        """Published reports of the period by ``(topic, region)``, or ``(topic, federal district)`` when no
        region is chosen (read once per ``Analytics`` and filters)."""
        if f not in self._counts:
            c = report_counts.c
            rows = self._report_rows(f, GRAINS, c.region == f.region if f.region else c.region.in_(district_areas()))
            total = func.sum(rows.c.reports)
            stmt = select(rows.c.topic, rows.c.region, total).group_by(rows.c.topic, rows.c.region).having(total > 0)
            with self.engine.connect() as conn:
                self._counts[f] = [(t, a.removeprefix(DISTRICT_MARK), int(n)) for t, a, n in conn.execute(stmt)]
        return self._counts[f]

    def heat(self, f: Filters) -> Table:
        return aggregates.heat_table(self.report_counts(f), by_region=bool(f.region))

    def growth(self, f: Filters) -> Table:
        c = report_counts.c
        grain = WEEK if f.unit == "week" else MONTH
        # The totals of every region are kept apart: a few rows per span.
        rows = self._report_rows(f, (grain, DAY), c.region == (f.region or ALL_REGIONS))
        total = func.sum(rows.c.reports)
        stmt = select(rows.c.topic, rows.c.period, total).group_by(rows.c.topic, rows.c.period).having(total > 0)
        with self.engine.connect() as conn:
            found = conn.execute(stmt).all()
        return aggregates.growth_table([(t, date.fromisoformat(p), int(n)) for t, p, n in found],
                                       f.start, f.end, f.unit)

    def problem_stats(self, f: Filters, unanswered: bool = False, limit: int = aggregates.TOP_PROBLEMS) -> list[ProblemStat]:
        """Published problems reported during the period, the most municipalities first.

        Counts are of all the problem's published reports (in the region, when one
        is chosen): a problem does not look smaller for a shorter period.
        """
        p = problems.c
        where = [p.status == "published", p.last_day >= f.start.isoformat(), p.first_day <= f.end.isoformat()]
        if f.topic:
            where.append(p.topic == f.topic)
        if unanswered:
            where.append(p.answer == "")
        if f.region:
            r = problem_regions.c
            stmt = (select(p.id, p.title, p.topic, r.municipalities, literal(1), r.reports)
                    .join(problems, p.id == r.problem_id).where(r.region == f.region, *where)
                    .order_by(r.municipalities.desc(), r.reports.desc(), p.id))
        else:
            stmt = (select(p.id, p.title, p.topic, p.municipalities, p.regions, p.reports).where(*where)
                    .order_by(p.municipalities.desc(), p.regions.desc(), p.reports.desc(), p.id))
        with self.engine.connect() as conn:
            return [ProblemStat(*row) for row in conn.execute(stmt.limit(limit))]

    def reports_by_topic(self, f: Filters) -> dict[str, int]:
        totals: dict[str, int] = {}
        for topic, _region, n in self.report_counts(f):
            totals[topic] = totals.get(topic, 0) + n
        return totals

    def searches_by_topic(self, f: Filters) -> dict[str, int]:
        s = search_daily.c
        where = [s.region == (f.region or ALL_REGIONS), s.day >= f.start.isoformat(), s.day <= f.end.isoformat(),
                 s.topic != ""]
        if f.topic:
            where.append(s.topic == f.topic)
        stmt = select(s.topic, func.sum(s.searches)).where(*where).group_by(s.topic)
        with self.engine.connect() as conn:
            return {t: int(n) for t, n in conn.execute(stmt)}

    def demand(self, f: Filters, supply: Mapping[str, Supply]) -> Table:
        return aggregates.demand_table(self.searches_by_topic(f), self.reports_by_topic(f), supply)

    def query_stats(self, f: Filters, limit: int = 2000) -> list[QueryStat]:
        """Per query over the months of the period: searches, searches with nothing found, results, clicks."""
        q = search_queries_monthly.c
        where = [q.region == (f.region or ALL_REGIONS), q.month >= f.start.isoformat()[:7],
                 q.month <= f.end.isoformat()[:7]]
        if f.topic:
            where.append(q.topic == f.topic)
        searches = func.sum(q.searches)
        stmt = (select(q.query, searches, func.sum(q.zero), func.max(q.results), func.sum(q.clicks))
                .where(*where).group_by(q.query)
                .having((func.sum(q.zero) > 0) | (func.max(q.results) <= aggregates.FEW_RESULTS)
                        | (func.sum(q.clicks) == 0))
                .order_by(searches.desc(), q.query).limit(limit))
        with self.engine.connect() as conn:
            return [QueryStat(query, int(s), int(z), int(r), int(c)) for query, s, z, r, c in conn.execute(stmt)]

    def gaps(self, f: Filters) -> Table:
        return aggregates.gaps_table(self.query_stats(f, limit=aggregates.TOP_GAPS))
