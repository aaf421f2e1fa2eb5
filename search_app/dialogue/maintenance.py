"""Keeping the search log's rollups current: one pass, and the scheduler's job that repeats it.

A pass adds the search events not rolled up yet and deletes events older
than the retention (``MUNNAV_SEARCH_LOG_DAYS``; the rollups keep their
counts). ``munnav schedule`` runs a pass every ``EVERY`` seconds on the
scheduler host; ``munnav dialogue rollup`` runs one (cron); the page runs one
when it finds the rollups older than that and nothing else did.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine

from search_app.dialogue import rollups
from search_app.dialogue.search_log import SearchLog
from search_app.settings import SETTINGS, setting

EVERY = 300.0
JOB_ID = "dialogue-rollup"


def search_log_days() -> int:
    """How long search events are kept (``MUNNAV_SEARCH_LOG_DAYS``); rolled-up counts stay."""
    try:
        return max(1, int(setting("search_log_days")))
    except ValueError:
        return int(SETTINGS["search_log_days"].default)


@dataclass(frozen=True)
class Pass:
    added: int  # events rolled up
    removed: int  # events deleted by age
    keep_days: int

    def summary(self) -> str:
        return (f"сводки дополнены: событий {self.added}; "
                f"удалено событий старше {self.keep_days} дн.: {self.removed}")


def run_pass(db: Engine, keep_days: int | None = None, log: SearchLog | None = None) -> Pass:
    """Roll up the new events, then delete the old ones (never before they are rolled up)."""
    days = keep_days or search_log_days()
    added = rollups.refresh(db)
    removed = (log or SearchLog(db, lambda _text: None)).prune(days)
    return Pass(added, removed, days)


def add_job(scheduler: BaseScheduler, run: Callable[[str], None], every: float = EVERY) -> None:
    """A pass every ``every`` seconds (``run(JOB_ID)``), the first one at the scheduler's start."""
    scheduler.add_job(run, IntervalTrigger(seconds=every), args=[JOB_ID], id=JOB_ID, name="dialogue rollup",
                      max_instances=1, coalesce=True, replace_existing=True)
