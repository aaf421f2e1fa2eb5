"""Aggregates of the problem field, built from counts the service read: pure functions.

Each builder takes plain tuples (what a ``GROUP BY`` returns) and gives a
``Table``; ordering and the choice of the rows shown are decided here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from search_app.dialogue.datatable import Row, Table
from search_app.dialogue.districts import OTHER, district_of, districts

TOTAL = "Всего"
GROWTH_TOPICS = 8
TOP_PROBLEMS = 15
TOP_GAPS = 20
FEW_RESULTS = 3
# A report says more than a search: an official took the time to write it.
REPORT_WEIGHT = 10


def heat_table(counts: Iterable[tuple[str, str, int]], by_region: bool = False) -> Table:
    """Problems by topic × federal district (or region): ``(topic, region, reports)``."""
    cells: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for topic, region, n in counts:
        cells[topic][region if by_region else district_of(region)] += n
    present = {area for row in cells.values() for area in row}
    if by_region:
        columns = sorted(present)
    else:
        columns = [d for d in districts() if d in present] + ([OTHER] if OTHER in present else [])
    totals = {topic: sum(row.values()) for topic, row in cells.items()}
    rows = tuple(
        Row(topic, (*(cells[topic].get(c, 0) for c in columns), totals[topic]))
        for topic in sorted(cells, key=lambda t: (-totals[t], t))
    )
    return Table("heat", "Проблемы по темам и " + ("регионам" if by_region else "федеральным округам"),
                 "Тема", (*columns, TOTAL), rows)


def period_start(day: date, unit: str) -> date:
    return day - timedelta(days=day.weekday()) if unit == "week" else day.replace(day=1)


def periods(first: date, last: date, unit: str) -> list[date]:
    """Every week (Monday) or month (1st) from ``first`` to ``last``."""
    out: list[date] = []
    current = period_start(first, unit)
    while current <= last:
        out.append(current)
        current = current + timedelta(days=7) if unit == "week" else _next_month(current)
    return out


def _next_month(day: date) -> date:
    return day.replace(year=day.year + 1, month=1) if day.month == 12 else day.replace(month=day.month + 1)


def period_label(start: date, unit: str) -> str:
    return start.isoformat() if unit == "week" else start.strftime("%Y-%m")


def growth_table(counts: Iterable[tuple[str, date, int]], first: date, last: date, unit: str,
                 topics: int = GROWTH_TOPICS) -> Table:
    """Reports per topic per week/month: ``(topic, day, n)``; the topics with most reports."""
    starts = periods(first, last, unit)
    index = {start: i for i, start in enumerate(starts)}
    series: dict[str, list[int]] = defaultdict(lambda: [0] * len(starts))
    for topic, day, n in counts:
        i = index.get(period_start(day, unit))
        if i is not None:
            series[topic][i] += n
    ranked = sorted(series, key=lambda t: (-sum(series[t]), t))[:topics]
    unit_name = "неделям" if unit == "week" else "месяцам"
    return Table("growth", f"Рост тем по {unit_name}", "Тема", tuple(period_label(s, unit) for s in starts),
                 tuple(Row(t, tuple(series[t])) for t in ranked))


@dataclass(frozen=True)
class ProblemStat:
    id: int
    title: str
    topic: str
    municipalities: int
    regions: int
    reports: int
    link: str = ""


def largest_table(problems: Sequence[ProblemStat], limit: int = TOP_PROBLEMS) -> Table:
    ranked = sorted(problems, key=lambda p: (-p.municipalities, -p.regions, -p.reports, p.id))[:limit]
    return Table("largest", "Крупнейшие проблемы: число муниципалитетов", "Проблема",
                 ("Муниципалитетов", "Регионов", "Обращений"),
                 tuple(Row(p.title, (p.municipalities, p.regions, p.reports), p.link) for p in ranked))


def unanswered_table(problems: Sequence[ProblemStat], limit: int = TOP_PROBLEMS) -> Table:
    ranked = sorted(problems, key=lambda p: (-p.municipalities, -p.reports, p.id))[:limit]
    return Table("unanswered", "Проблемы без ответа", "Проблема", ("Муниципалитетов", "Обращений"),
                 tuple(Row(p.title, (p.municipalities, p.reports), p.link) for p in ranked))


@dataclass(frozen=True)
class Supply:
    measures: int = 0  # open measures and competitions
    solutions: int = 0
    practices: int = 0

    @property
    def total(self) -> int:
        return self.measures + self.solutions + self.practices


def gap_score(searches: int, reports: int, supply: int) -> float:
    """Demand per document offered: how badly a topic lacks answers."""
    return round((searches + REPORT_WEIGHT * reports) / (supply + 1), 1)


def demand_table(searches: Mapping[str, int], reports: Mapping[str, int], supply: Mapping[str, Supply]) -> Table:
    """Demand (searches, reports) against supply (documents) per topic, the largest gaps first."""
    topics = {t for t in (*searches, *reports) if searches.get(t, 0) or reports.get(t, 0)}
    rows = []
    for topic in topics:
        offer = supply.get(topic, Supply())
        s, r = searches.get(topic, 0), reports.get(topic, 0)
        rows.append(Row(topic, (s, r, offer.measures, offer.solutions, offer.practices, gap_score(s, r, offer.total))))
    rows.sort(key=lambda row: (-row.values[-1], row.label))
    return Table("demand", "Спрос и предложение по темам", "Тема",
                 ("Поисков", "Обращений", "Открытых мер и конкурсов", "Решений", "Практик", "Разрыв"), tuple(rows),
                 note=f"Разрыв = (поиски + {REPORT_WEIGHT} × обращения) / (документы + 1).")


@dataclass(frozen=True)
class QueryStat:
    query: str
    searches: int
    zero: int  # searches that found nothing
    results: int  # the largest number of results seen
    clicks: int


def gaps_table(queries: Iterable[QueryStat], limit: int = TOP_GAPS) -> Table:
    """Searches the base answers badly: nothing or few found, or nothing opened; most frequent first."""
    poor = [q for q in queries if q.zero or q.results <= FEW_RESULTS or not q.clicks]
    poor.sort(key=lambda q: (-q.searches, q.query))
    return Table("gaps", "Пробелы: поиски без ответа", "Запрос",
                 ("Поисков", "Без результатов", "Результатов (наиб.)", "Переходов"),
                 tuple(Row(q.query, (q.searches, q.zero, q.results, q.clicks)) for q in poor[:limit]),
                 note=f"Запросы, по которым ничего не найдено, найдено не больше {FEW_RESULTS} документов "
                      "или ни один результат не открыт.")
