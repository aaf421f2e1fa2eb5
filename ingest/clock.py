"""The one place that says what "today" is (pinnable with MUNNAV_TODAY)."""

from __future__ import annotations

import datetime as dt
import os


class ClockError(ValueError):
    """MUNNAV_TODAY holds something that is not a date."""


def today() -> dt.date:
    """Return today's date, or the date pinned by ``MUNNAV_TODAY=YYYY-MM-DD``."""
    pinned = os.environ.get("MUNNAV_TODAY", "").strip()
    if not pinned:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(pinned)
    except ValueError as exc:
        raise ClockError(f"MUNNAV_TODAY: ожидается дата ГГГГ-ММ-ДД, получено {pinned!r}") from exc


def now_iso() -> str:
    """Current UTC timestamp as ISO 8601 (for store bookkeeping, never pinned)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
