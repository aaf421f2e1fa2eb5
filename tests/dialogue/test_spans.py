"""A period read as months, weeks and days covers every day exactly once."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from search_app.dialogue.spans import DAY, MONTH, WEEK, cover, span_end, span_start


def days_of(start: date, end: date, grains: tuple[str, ...]) -> list[date]:
    out: list[date] = []
    for spans in cover(start, end, grains):
        first = spans.first
        while first <= spans.last:
            assert span_start(first, spans.grain) == first, spans
            last = span_end(first, spans.grain)
            out.extend(first + timedelta(days=i) for i in range((last - first).days + 1))
            first = last + timedelta(days=1)
    return out


@pytest.mark.parametrize("grains", [(MONTH, WEEK, DAY), (MONTH, DAY), (WEEK, DAY), (DAY,)])
def test_every_day_of_a_period_is_covered_once(grains: tuple[str, ...]) -> None:
    rng = random.Random(7)
    for _ in range(500):
        start = date(2023, 1, 1) + timedelta(days=rng.randrange(1500))
        end = start + timedelta(days=rng.randrange(800))
        assert days_of(start, end, grains) == [start + timedelta(days=i) for i in range((end - start).days + 1)]


def test_a_year_is_read_mostly_as_months() -> None:
    spans = cover(date(2025, 12, 7), date(2026, 12, 6))
    assert [(s.grain, s.first.isoformat(), s.last.isoformat()) for s in spans] == [
        (DAY, "2025-12-07", "2025-12-07"),
        (WEEK, "2025-12-08", "2025-12-22"),  # Monday 8th to Sunday 28th
        (DAY, "2025-12-29", "2025-12-31"),
        (MONTH, "2026-01-01", "2026-11-01"),
        (DAY, "2026-12-01", "2026-12-06"),
    ]


def test_weeks_never_cross_a_month_when_months_are_the_buckets() -> None:
    assert [s.grain for s in cover(date(2026, 9, 8), date(2026, 12, 6), (MONTH, DAY))] == [DAY, MONTH, DAY]
    assert cover(date(2026, 12, 6), date(2026, 12, 1)) == []
    assert span_end(date(2024, 2, 1), MONTH) == date(2024, 2, 29)
    assert span_end(date(2026, 12, 1), MONTH) == date(2026, 12, 31)
