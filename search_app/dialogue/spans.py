"""A period of days as the fewest calendar spans (months, weeks, days): pure functions.

Rollups keep counts per day, per week (starting on Monday) and per month; a
period from any day to any day is read as its whole months, then the whole
weeks left at its edges, then the days left over. Every span is named by its
first day, so one ``BETWEEN`` on that day per grain selects the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

DAY, WEEK, MONTH = "d", "w", "m"
GRAINS = (MONTH, WEEK, DAY)


def span_start(day: date, grain: str) -> date:
    if grain == MONTH:
        return day.replace(day=1)
    if grain == WEEK:
        return day - timedelta(days=day.weekday())
    return day


def span_end(start: date, grain: str) -> date:
    """The last day of the span that begins on ``start``."""
    if grain == MONTH:
        following = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(
            month=start.month + 1)
        return following - timedelta(days=1)
    if grain == WEEK:
        return start + timedelta(days=6)
    return start


@dataclass(frozen=True)
class Spans:
    """The spans of one grain, by first day: every span starting in ``first``..``last``."""

    grain: str
    first: date
    last: date


def cover(start: date, end: date, grains: Sequence[str] = GRAINS) -> list[Spans]:
    """Whole spans of the coarsest grain inside ``start``..``end``, the edges covered by the finer grains.

    ``grains`` go from coarse to fine and end with days, so any period is covered exactly once.
    """
    if start > end:
        return []
    grain, finer = grains[0], grains[1:]
    if not finer:
        return [Spans(grain, start, end)]
    first = span_start(start, grain)
    if first < start:
        first = span_end(first, grain) + timedelta(days=1)
    last = span_start(end, grain)
    if span_end(last, grain) > end:
        last = span_start(last - timedelta(days=1), grain)
    if first > last:
        return cover(start, end, finer)
    return [*cover(start, first - timedelta(days=1), finer), Spans(grain, first, last),
            *cover(span_end(last, grain) + timedelta(days=1), end, finer)]
