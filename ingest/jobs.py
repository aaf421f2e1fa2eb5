"""Work longer than a request (crawl now, reindex, rollback): a queue in the database.

The web process only enqueues and reads progress; the ``munnav schedule``
worker claims jobs one at a time. A claim is a lease: the worker renews it
(``heartbeat``, also carrying progress) while the job runs. A job whose lease
ran out — its worker was killed, its host died — is put back in the queue by
the next claim (up to ``MAX_ATTEMPTS`` tries, then it fails). A worker whose
job was taken back learns it from its next heartbeat and stops.

States: ``queued`` → ``running`` → ``done`` | ``failed``.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)

from ingest.clock import now_iso
from ingest.database import SQLITE_BEGIN, metadata

LEASE_SECONDS = 60.0
MAX_ATTEMPTS = 3
KINDS: dict[str, str] = {"crawl": "Сбор источника", "reindex": "Переиндексация", "rollback": "Откат индекса"}
STATE_LABELS: dict[str, str] = {
    "queued": "в очереди", "running": "выполняется", "done": "выполнено", "failed": "ошибка",
}

jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(30), nullable=False),
    Column("args", Text, nullable=False, server_default="{}"),  # JSON
    Column("state", String(10), nullable=False, server_default="queued"),
    Column("created_at", String(32), nullable=False),
    Column("created_by", Integer),  # a user id; NULL: the command line or the scheduler
    Column("started_at", String(32)),
    Column("finished_at", String(32)),
    Column("worker", String(200)),
    Column("lease_until", Float),  # UNIX time; a running job past it is taken back
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("progress", Text),  # JSON: {"done": n, "total": m, "message": "…"}
    Column("result", Text),
    Column("error", Text),
    Index("ix_jobs_state_id", "state", "id"),
)


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    args: dict[str, Any]
    state: str
    created_at: str
    created_by: int | None
    started_at: str | None
    finished_at: str | None
    worker: str | None
    attempts: int
    progress: dict[str, Any]
    result: str | None
    error: str | None

    @property
    def label(self) -> str:
        target = self.args.get("source")
        return KINDS.get(self.kind, self.kind) + (f" «{target}»" if target else "")

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)

    @property
    def percent(self) -> int | None:
        done, total = self.progress.get("done"), self.progress.get("total")
        if not isinstance(done, int) or not isinstance(total, int) or total <= 0:
            return None
        return min(100, done * 100 // total)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "label": self.label, "args": self.args, "state": self.state,
            "state_label": self.state_label, "created_at": self.created_at, "started_at": self.started_at,
            "finished_at": self.finished_at, "attempts": self.attempts, "progress": self.progress,
            "percent": self.percent, "result": self.result, "error": self.error,
        }


def _job(row: Any) -> Job:
    return Job(
        id=row.id, kind=row.kind, args=json.loads(row.args or "{}"), state=row.state,
        created_at=row.created_at, created_by=row.created_by, started_at=row.started_at,
        finished_at=row.finished_at, worker=row.worker, attempts=row.attempts,
        progress=json.loads(row.progress) if row.progress else {}, result=row.result, error=row.error,
    )


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


class JobQueue:
    def __init__(self, engine: Engine, lease: float = LEASE_SECONDS, clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.lease = lease
        self.clock = clock

    def _writing(self):  # noqa: ANN202 - a connection context in one write transaction
        # SQLite: take the write lock at BEGIN, so a read-then-update cannot interleave.
        return self.engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"}).begin()

    # -- the web side ---------------------------------------------------------

    def enqueue(
        self, kind: str, args: dict[str, Any] | None = None, created_by: int | None = None,
        conn: Connection | None = None,
    ) -> tuple[Job, bool]:
        """Queue a job; the same job already queued or running is returned instead (``False``).

        ``conn``: the caller's transaction (begun with ``SQLITE_BEGIN="IMMEDIATE"``),
        so that an audit record commits with the job.
        """
        if kind not in KINDS:
            raise ValueError(f"unknown job kind {kind!r}")
        if conn is None:
            with self._writing() as own:
                return self.enqueue(kind, args, created_by, own)
        payload = json.dumps(args or {}, ensure_ascii=False, sort_keys=True)
        row = conn.execute(select(jobs).where(
            jobs.c.kind == kind, jobs.c.args == payload, jobs.c.state.in_(("queued", "running")),
        ).order_by(jobs.c.id).limit(1)).first()
        if row is not None:
            return _job(row), False
        job_id = conn.execute(insert(jobs).values(
            kind=kind, args=payload, state="queued", created_at=now_iso(), created_by=created_by,
        )).inserted_primary_key[0]
        return _job(conn.execute(select(jobs).where(jobs.c.id == job_id)).one()), True

    def get(self, job_id: int) -> Job | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(jobs).where(jobs.c.id == job_id)).first()
        return _job(row) if row else None

    def recent(self, limit: int = 20, kind: str | None = None, active_only: bool = False) -> list[Job]:
        query = select(jobs).order_by(jobs.c.id.desc()).limit(limit)
        if kind:
            query = query.where(jobs.c.kind == kind)
        if active_only:
            query = query.where(jobs.c.state.in_(("queued", "running")))
        with self.engine.connect() as conn:
            return [_job(r) for r in conn.execute(query)]

    # -- the worker side -------------------------------------------------------

    def claim(self, worker: str, kinds: tuple[str, ...] | None = None) -> Job | None:
        """Take the oldest queued job (after taking back those whose lease ran out)."""
        now = self.clock()
        with self._writing() as conn:
            self._take_back_expired(conn, now)
            query = select(jobs).where(jobs.c.state == "queued").order_by(jobs.c.id).limit(1)
            if kinds:
                query = query.where(jobs.c.kind.in_(kinds))
            row = conn.execute(query).first()
            if row is None:
                return None
            claimed = conn.execute(update(jobs).where(jobs.c.id == row.id, jobs.c.state == "queued").values(
                state="running", worker=worker, lease_until=now + self.lease, started_at=now_iso(),
                attempts=jobs.c.attempts + 1, error=None,
            )).rowcount
            if not claimed:  # another worker won the race (PostgreSQL re-checks the WHERE)
                return None
            return _job(conn.execute(select(jobs).where(jobs.c.id == row.id)).one())

    def _take_back_expired(self, conn: Any, now: float) -> None:
        expired = jobs.c.state == "running", jobs.c.lease_until < now
        conn.execute(update(jobs).where(*expired, jobs.c.attempts >= MAX_ATTEMPTS).values(
            state="failed", finished_at=now_iso(), lease_until=None,
            error=f"Обработчик задания перестал отвечать (попыток: {MAX_ATTEMPTS}).",
        ))
        conn.execute(update(jobs).where(*expired).values(
            state="queued", worker=None, lease_until=None,
            error="Обработчик задания перестал отвечать; задание возвращено в очередь.",
        ))

    def heartbeat(self, job_id: int, worker: str, progress: dict[str, Any] | None = None) -> bool:
        """Renew the lease (and store progress); ``False``: the job is no longer this worker's."""
        values: dict[str, Any] = {"lease_until": self.clock() + self.lease}
        if progress is not None:
            values["progress"] = json.dumps(progress, ensure_ascii=False)
        with self.engine.begin() as conn:
            return bool(conn.execute(update(jobs).where(
                jobs.c.id == job_id, jobs.c.worker == worker, jobs.c.state == "running",
            ).values(**values)).rowcount)

    def release(self, job_id: int, worker: str) -> bool:
        """Give a running job back to the queue (the worker is shutting down)."""
        with self.engine.begin() as conn:
            return bool(conn.execute(update(jobs).where(
                jobs.c.id == job_id, jobs.c.worker == worker, jobs.c.state == "running",
            ).values(state="queued", worker=None, lease_until=None,
                     error="Обработчик остановлен; задание возвращено в очередь.")).rowcount)

    def finish(self, job_id: int, worker: str, result: str, progress: dict[str, Any] | None = None) -> bool:
        return self._end(job_id, worker, "done", result=result, progress=progress)

    def fail(self, job_id: int, worker: str, error: str, progress: dict[str, Any] | None = None) -> bool:
        return self._end(job_id, worker, "failed", error=error, progress=progress)

    def _end(self, job_id: int, worker: str, state: str, progress: dict[str, Any] | None = None, **values: Any) -> bool:
        if progress is not None:
            values["progress"] = json.dumps(progress, ensure_ascii=False)
        with self.engine.begin() as conn:
            return bool(conn.execute(update(jobs).where(
                jobs.c.id == job_id, jobs.c.worker == worker, jobs.c.state == "running",
            ).values(state=state, finished_at=now_iso(), lease_until=None, **values)).rowcount)


class JobCancelled(RuntimeError):
    """The job was taken back from this worker (its lease ran out): stop working on it."""


@dataclass
class Progress:
    """What a running handler reports; the heartbeat thread stores it with the lease."""

    done: int = 0
    total: int | None = None
    message: str = ""
    cancelled: threading.Event = field(default_factory=threading.Event)

    def add(self, n: int = 1) -> None:
        """Count work done (for handlers that watch ``cancelled`` themselves)."""
        self.done += n

    def advance(self, n: int = 1) -> None:
        """Count work done; raise ``JobCancelled`` once the job is no longer ours."""
        if self.cancelled.is_set():
            raise JobCancelled("задание остановлено")
        self.done += n

    def as_dict(self) -> dict[str, Any]:
        return {"done": self.done, "total": self.total, "message": self.message}


Handler = Callable[[Job, Progress], str]


class Worker:
    """Claims and runs jobs with ``handlers`` (kind → function returning a summary)."""

    def __init__(
        self, queue: JobQueue, handlers: dict[str, Handler], name: str | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.queue = queue
        self.handlers = handlers
        self.name = name or worker_name()
        self.stop = stop or threading.Event()  # set on shutdown: the running job is told to stop

    def run_once(self) -> Job | None:
        """Claim one job and run it to the end; ``None`` when the queue is empty."""
        job = self.queue.claim(self.name, tuple(self.handlers))
        if job is None:
            return None
        progress = Progress()
        stop_beating = threading.Event()
        beat = threading.Thread(target=self._beat, args=(job, progress, stop_beating), daemon=True)
        beat.start()
        summary: str | None = None
        error: str | None = None
        try:
            summary = self.handlers[job.kind](job, progress)
        except JobCancelled:
            pass
        except Exception as exc:  # noqa: BLE001 - any failure of a job is its outcome, shown in the console
            error = f"{type(exc).__name__}: {exc}"
        finally:
            stop_beating.set()
            beat.join()
        if self.stop.is_set():
            self.queue.release(job.id, self.name)  # run again after the restart
        elif error is not None:
            self.queue.fail(job.id, self.name, error, progress.as_dict())
        elif summary is not None:
            self.queue.finish(job.id, self.name, summary, progress.as_dict())
        return self.queue.get(job.id)

    def run_all(self) -> int:
        """Run jobs until the queue is empty (or the worker is stopped); returns how many ran."""
        count = 0
        while not self.stop.is_set() and self.run_once() is not None:
            count += 1
        return count

    def _beat(self, job: Job, progress: Progress, done: threading.Event) -> None:
        interval = max(0.05, self.queue.lease / 3)
        while not done.wait(interval):
            if self.stop.is_set() or not self.queue.heartbeat(job.id, self.name, progress.as_dict()):
                progress.cancelled.set()
                return
