"""Digest frequencies and the period a digest belongs to (pure).

One letter per user per day at most: a run on ``day`` gathers the searches
due that day (daily ones every day, weekly ones once per ISO week). The
sent-record key ``(user, day)`` makes a second run the same day a no-op.
"""

from __future__ import annotations

import datetime as dt

DAILY = "daily"
WEEKLY = "weekly"
NEVER = "never"  # the search is kept (counter, feed, notifications page) but not mailed
FREQUENCIES: tuple[str, ...] = (DAILY, WEEKLY, NEVER)
FREQUENCY_LABELS: dict[str, str] = {
    DAILY: "раз в день",
    WEEKLY: "раз в неделю",
    NEVER: "не присылать",
}


def period_key(frequency: str, day: dt.date) -> str | None:
    """The period ``day`` falls in for ``frequency`` (``None``: never mailed)."""
    if frequency == DAILY:
        return day.isoformat()
    if frequency == WEEKLY:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if frequency == NEVER:
        return None
    raise ValueError(f"unknown frequency {frequency!r}")


def is_due(frequency: str, last_period: str | None, day: dt.date) -> bool:
    """A search is due once per period: when its last digest was in an earlier one."""
    period = period_key(frequency, day)
    return period is not None and period != last_period


def letter_key(day: dt.date) -> str:
    """The sent-record key of a user's letter on ``day``."""
    return day.isoformat()
