"""The editors' console as a service: runs and sources to show, jobs to queue, the index to describe.

Views call this; it reads the run log and the registry, queues jobs (with an
audit record in the same transaction) and asks the engine about the index.
Nothing here runs a crawl or a reindex: the ``munnav schedule`` worker does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from ingest.database import SQLITE_BEGIN
from ingest.jobs import Job, JobQueue
from ingest.runlog import RunLog, RunReport
from ingest.sources import Source
from search_app.accounts import audit
from search_app.accounts.model import User
from search_app.engine import SearchEngine


@dataclass(frozen=True)
class SourceRow:
    source: Source
    last: RunReport | None
    job: Job | None  # a queued or running crawl of this source


@dataclass(frozen=True)
class IndexState:
    lines: list[tuple[str, str]]  # what serves now, what a rebuild would do
    store_count: int
    index_count: int | None
    pending: int
    can_rollback: bool
    jobs: list[Job]


class ConsoleService:
    def __init__(self, engine: Engine, registry: Callable[[], dict[str, Source]]) -> None:
        self.engine = engine
        self.registry = registry
        self.runs = RunLog(engine)
        self.jobs = JobQueue(engine)

    def sources(self) -> list[SourceRow]:
        latest = self.runs.latest_by_source()
        active = {j.args.get("source"): j for j in reversed(self.jobs.recent(200, kind="crawl", active_only=True))}
        return [SourceRow(s, latest.get(s.name), active.get(s.name)) for s in self.registry().values()]

    def source(self, name: str) -> Source | None:
        return self.registry().get(name)

    def enqueue(self, actor: User, kind: str, args: dict[str, Any] | None = None) -> tuple[Job, bool]:
        """Queue a job for the worker, recorded in the audit log; an identical active job is reused."""
        with self.engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"}).begin() as conn:
            job, created = self.jobs.enqueue(kind, args, created_by=actor.id, conn=conn)
            if created:
                audit.record(conn, actor.id, "job.enqueue", f"job:{job.id}", after={"kind": kind, **(args or {})})
        return job, created

    def index_state(self, search: SearchEngine) -> IndexState:
        """What serves now and what a rebuild would do (the lines of ``munnav reindex --dry-run``)."""
        from search_app.cli.reindex import describe

        try:
            index_count: int | None = search.backend.count()
        except Exception:  # noqa: BLE001 - no index yet, or the cluster is down: shown as unknown
            index_count = None
        return IndexState(
            lines=describe(search),
            store_count=search.store.count(),
            index_count=index_count,
            pending=len(search.store.pending_ids()),
            can_rollback=hasattr(search.backend, "rollback"),
            jobs=[j for j in self.jobs.recent(20) if j.kind in ("reindex", "rollback")],
        )
