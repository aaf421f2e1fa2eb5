"""``munnav schedule``: APScheduler 3 BlockingScheduler, one cron job per enabled source.

Persistence without a new dependency: APScheduler's SQLAlchemyJobStore would
need SQLAlchemy, which the project does not ship. Jobs are rebuilt from the
registry at every start (the registry is their source of truth), and what a
persistent job store would really remember — when each source last ran — is
already persisted in the data dir's SQLite (``crawl_runs``). At start a source
whose cron fired since its last recorded run (or that never ran) is scheduled
to run at once: the missed runs are coalesced into one, as with
``coalesce=True`` over a persistent store.

Jobs run one at a time (a single-thread executor), because all sources write
to the same store and index; ``max_instances=1`` keeps a slow source from
overlapping itself, ``misfire_grace_time`` lets a late job still run.
"""

from __future__ import annotations

import datetime as dt
import signal
import threading
from collections.abc import Callable, Iterable
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from ingest.sources import Source

TIMEZONE = "Europe/Moscow"
MISFIRE_GRACE = 3600


def trigger_for(source: Source, timezone: str = TIMEZONE) -> CronTrigger:
    return CronTrigger.from_crontab(source.schedule, timezone=timezone)


def is_due(source: Source, last_started: dt.datetime | None, now: dt.datetime, timezone: str = TIMEZONE) -> bool:
    """True if the source never ran or its cron fired after its last recorded run."""
    if last_started is None:
        return True
    next_fire = trigger_for(source, timezone).get_next_fire_time(None, last_started)
    return next_fire is not None and next_fire <= now


def add_jobs(
    scheduler: BaseScheduler,
    sources: Iterable[Source],
    run_source: Callable[[str], None],
    last_started: Callable[[str], dt.datetime | None],
    now: dt.datetime,
    timezone: str = TIMEZONE,
) -> list[str]:
    """One job per enabled, scheduled source; returns the names due for an immediate catch-up run."""
    due: list[str] = []
    for source in sources:
        if not source.enabled or not source.schedule:
            continue
        extra = {}
        if is_due(source, last_started(source.name), now, timezone):
            due.append(source.name)
            extra["next_run_time"] = now
        scheduler.add_job(
            run_source,
            trigger_for(source, timezone),
            args=[source.name],
            id=source.name,
            name=f"crawl {source.name}",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=MISFIRE_GRACE,
            replace_existing=True,
            **extra,
        )
    return due


QUEUE_JOB_ID = "queue"
QUEUE_POLL_SECONDS = 5.0


def add_queue_poller(scheduler: BaseScheduler, poll: Callable[[], None], every: float = QUEUE_POLL_SECONDS) -> None:
    """Check the jobs table (crawls, reindex queued from the console) every ``every`` seconds.

    It shares the scheduler's single executor thread with the cron crawls, so a
    queued job never runs at the same time as a scheduled one.
    """
    scheduler.add_job(
        poll, IntervalTrigger(seconds=every), id=QUEUE_JOB_ID, name="jobs queue",
        max_instances=1, coalesce=True, misfire_grace_time=None, replace_existing=True,
        next_run_time=dt.datetime.now(dt.UTC),
    )


def make_scheduler(timezone: str = TIMEZONE) -> BlockingScheduler:
    return BlockingScheduler(
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE},
        timezone=timezone,
    )


def serve(
    scheduler: BlockingScheduler,
    stop: threading.Event,
    busy: threading.Lock,
    on_stop: Callable[[], None] = lambda: None,
) -> None:
    """Block until SIGTERM/SIGINT; then ask the running crawl to stop and wait for it.

    The signal handler only sets ``stop`` and leaves the shutdown to a helper
    thread: the interrupted main thread may hold the scheduler's or the
    executor's (non-reentrant) locks, so shutting down inside the handler
    could deadlock. Jobs
    hold ``busy`` while they run, so taking it afterwards waits for the
    current crawl, which sees ``stop`` between records and ends as failed.
    """

    def handle(signum: int, _frame: FrameType | None) -> None:
        if stop.is_set():
            return
        stop.set()
        on_stop()
        threading.Thread(target=scheduler.shutdown, kwargs={"wait": False}, daemon=True).start()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        scheduler.start()
    except JobLookupError:
        # A shutdown racing the main loop's bookkeeping of a just-submitted job.
        if not stop.is_set():
            raise
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    with busy:
        pass


def guarded(run_source: Callable[[str], None], busy: threading.Lock) -> Callable[[str], None]:
    """Wrap a job so that it holds ``busy`` while it runs."""

    def run(name: str) -> None:
        with busy:
            run_source(name)

    return run
