"""Deadline reminders for followed competitions: 7, 3 and 1 days before (pure).

A run on a given day sends the reminder of the nearest stage reached; a stage
missed (the job did not run that day) is not sent late once a nearer one is
due. Each reminder has a key that includes the deadline, so a moved deadline
gets its own reminders.
"""

from __future__ import annotations

import datetime as dt

REMINDER_DAYS: tuple[int, ...] = (7, 3, 1)


def reminder_stage(deadline: dt.date | None, today: dt.date) -> int | None:
    """The stage (days before) due on ``today``, or ``None`` (no deadline, too early, passed)."""
    if deadline is None:
        return None
    days_left = (deadline - today).days
    if days_left < 0:
        return None
    reached = [days for days in REMINDER_DAYS if days_left <= days]
    return min(reached) if reached else None


def reminder_key(doc_id: str, deadline: dt.date, stage: int) -> str:
    return f"reminder:{doc_id}:{deadline.isoformat()}:{stage}"

