"""The problem field's numbers, read from the tables for a period, region and topic.

Reports are counted from ``dialogue_reports`` (published ones only); searches
from the daily rollups. Supply (documents) comes from the search engine and
is handed in by the caller: this module never touches the index.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import Engine, func, select

from search_app.dialogue import aggregates, rollups
from search_app.dialogue.aggregates import ProblemStat, QueryStat, Supply
from search_app.dialogue.datatable import Table
from search_app.dialogue.tables import problems, reports, search_daily, search_queries_monthly

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

    def freshness(self) -> str | None:
        """When the search rollups were last refreshed (``None``: never)."""
        return rollups.state(self.engine)[1]

    def _report_filter(self, f: Filters) -> list:
        c = reports.c
        where = [c.status == "published", c.day >= f.start.isoformat(), c.day <= f.end.isoformat()]
        if f.region:
            where.append(c.region == f.region)
        if f.topic:
            where.append(c.topic == f.topic)
        return where

    def heat(self, f: Filters) -> Table:
        c = reports.c
        stmt = (select(c.topic, c.region, func.count()).where(*self._report_filter(f)).group_by(c.topic, c.region))
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return aggregates.heat_table([(t, r, n) for t, r, n in rows], by_region=bool(f.region))

    def growth(self, f: Filters) -> Table:
        c = reports.c
        stmt = select(c.topic, c.day, func.count()).where(*self._report_filter(f)).group_by(c.topic, c.day)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return aggregates.growth_table([(t, date.fromisoformat(d), n) for t, d, n in rows], f.start, f.end, f.unit)

    def problem_stats(self, f: Filters, unanswered: bool = False, limit: int = aggregates.TOP_PROBLEMS) -> list[ProblemStat]:
        """Published problems with their municipalities and regions among the reports of the period."""
        c, p = reports.c, problems.c
        municipalities = func.count(func.distinct(c.region + "/" + c.municipality))
        stmt = (
            select(p.id, p.title, p.topic, municipalities, func.count(func.distinct(c.region)), func.count())
            .join(problems, p.id == c.problem_id)
            .where(*self._report_filter(f), p.status == "published")
            .group_by(p.id, p.title, p.topic)
            .order_by(municipalities.desc(), p.id)
            .limit(limit)
        )
        if unanswered:
            stmt = stmt.where(p.answer == "")
        with self.engine.connect() as conn:
            return [ProblemStat(*row) for row in conn.execute(stmt)]

    def reports_by_topic(self, f: Filters) -> dict[str, int]:
        c = reports.c
        stmt = select(c.topic, func.count()).where(*self._report_filter(f)).group_by(c.topic)
        with self.engine.connect() as conn:
            return dict(conn.execute(stmt).all())

    def searches_by_topic(self, f: Filters) -> dict[str, int]:
        s = search_daily.c
        where = [s.day >= f.start.isoformat(), s.day <= f.end.isoformat(), s.topic != ""]
        if f.region:
            where.append(s.region == f.region)
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
        where = [q.month >= f.start.isoformat()[:7], q.month <= f.end.isoformat()[:7]]
        if f.region:
            where.append(q.region == f.region)
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
