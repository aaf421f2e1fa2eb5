"""The jobs queue: claims, leases, progress, and a worker killed in the middle of a job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from ingest import migrate
from ingest.database import make_engine
from ingest.jobs import MAX_ATTEMPTS, JobCancelled, JobQueue, Progress, Worker


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def db(store_url: str) -> tuple[str, Engine]:
    """On both dialects: claims rely on BEGIN IMMEDIATE (SQLite) and a re-checked UPDATE (PostgreSQL)."""
    url = store_url
    engine = make_engine(url)
    migrate.prepare(engine)
    yield url, engine
    engine.dispose()


def test_enqueue_reuses_an_active_identical_job(db) -> None:
    queue = JobQueue(db[1])
    first, created = queue.enqueue("crawl", {"source": "grants"}, created_by=7)
    again, created_again = queue.enqueue("crawl", {"source": "grants"})
    other, _ = queue.enqueue("crawl", {"source": "other"})
    assert created and not created_again and again.id == first.id and other.id != first.id
    assert (first.state, first.created_by, first.label) == ("queued", 7, "Сбор источника «grants»")
    with pytest.raises(ValueError):
        queue.enqueue("format-disk")


def test_claim_heartbeat_finish(db) -> None:
    clock = Clock()
    queue = JobQueue(db[1], lease=60, clock=clock)
    job, _ = queue.enqueue("reindex")
    claimed = queue.claim("w1")
    assert claimed is not None and claimed.id == job.id and claimed.state == "running" and claimed.attempts == 1
    assert queue.claim("w2") is None  # nothing else queued
    assert queue.heartbeat(job.id, "w1", {"done": 5, "total": 10, "message": "m"})
    assert queue.get(job.id).percent == 50
    assert not queue.heartbeat(job.id, "w2")  # not w2's job
    assert queue.finish(job.id, "w1", "готово")
    done = queue.get(job.id)
    assert (done.state, done.result, done.state_label) == ("done", "готово", "выполнено")
    # Finished: the same job may be queued again.
    assert queue.enqueue("reindex")[1]


def test_an_expired_lease_puts_the_job_back_and_the_old_worker_loses_it(db) -> None:
    clock = Clock()
    queue = JobQueue(db[1], lease=60, clock=clock)
    job, _ = queue.enqueue("reindex")
    queue.claim("w1")
    clock.now += 59
    assert queue.heartbeat(job.id, "w1")  # renewed until now + 60
    clock.now += 61
    again = queue.claim("w2")
    assert again is not None and again.id == job.id and again.worker == "w2" and again.attempts == 2
    assert not queue.heartbeat(job.id, "w1") and not queue.finish(job.id, "w1", "late")
    for n in range(MAX_ATTEMPTS - 2):
        clock.now += 61
        assert queue.claim(f"w{n + 3}").attempts == n + 3
    clock.now += 61
    assert queue.claim("last") is None
    failed = queue.get(job.id)
    assert failed.state == "failed" and "перестал отвечать" in failed.error


def test_worker_records_success_failure_and_progress(db) -> None:
    queue = JobQueue(db[1], lease=0.3)

    def counting(job, progress: Progress) -> str:
        progress.total = 3
        for _ in range(3):
            progress.advance()
            time.sleep(0.15)
        return "три шага"

    def broken(job, progress: Progress) -> str:
        raise ValueError("нет такого источника")

    worker = Worker(queue, {"reindex": counting, "crawl": broken}, name="w")
    queue.enqueue("reindex")
    queue.enqueue("crawl", {"source": "x"})
    ok = worker.run_once()
    assert (ok.state, ok.result, ok.progress["done"], ok.percent) == ("done", "три шага", 3, 100)
    bad = worker.run_once()
    assert bad.state == "failed" and bad.error == "ValueError: нет такого источника"
    assert worker.run_once() is None


def test_a_stopped_worker_gives_its_job_back(db) -> None:
    queue = JobQueue(db[1], lease=0.3)

    def long(job, progress: Progress) -> str:
        worker.stop.set()  # SIGTERM arrives while the job runs
        while True:
            progress.advance()
            time.sleep(0.05)

    worker = Worker(queue, {"reindex": long}, name="w")
    job, _ = queue.enqueue("reindex")
    assert worker.run_once().state == "queued"
    assert queue.get(job.id).error.startswith("Обработчик остановлен")


def test_a_worker_that_lost_its_job_stops_working_on_it(db) -> None:
    queue = JobQueue(db[1], lease=0.3)
    seen: list[str] = []

    def long(job, progress: Progress) -> str:
        with db[1].begin() as conn:  # another worker took it over (as after an expired lease)
            from sqlalchemy import update

            from ingest.jobs import jobs

            conn.execute(update(jobs).where(jobs.c.id == job.id).values(worker="someone-else"))
        try:
            while True:
                progress.advance()
                time.sleep(0.05)
        except JobCancelled:
            seen.append("cancelled")
            raise

    job, _ = queue.enqueue("reindex")
    result = Worker(queue, {"reindex": long}, name="w").run_once()
    assert seen == ["cancelled"] and result.state == "running" and result.worker == "someone-else"


WORKER_SCRIPT = textwrap.dedent("""
    import sys, time
    from ingest.database import make_engine
    from ingest.jobs import JobQueue, Worker

    def slow(job, progress):
        progress.total = 1000
        while True:
            progress.advance()
            time.sleep(0.05)

    queue = JobQueue(make_engine(sys.argv[1]), lease=float(sys.argv[2]))
    Worker(queue, {"reindex": slow}, name="doomed").run_once()
""")


def test_a_killed_worker_s_job_is_run_again_by_the_next_worker(db) -> None:
    url, engine = db
    queue = JobQueue(engine, lease=1.0)
    job, _ = queue.enqueue("reindex")
    proc = subprocess.Popen([sys.executable, "-c", WORKER_SCRIPT, url, "1.0"], cwd=Path(__file__).resolve().parents[2])
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            state = queue.get(job.id)
            if state.state == "running" and state.progress.get("done", 0) > 0:
                break
            time.sleep(0.1)
        else:
            pytest.fail("the worker never started the job")
        assert state.worker == "doomed"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    assert queue.claim("next") is None  # the lease is still running: not yet taken back
    time.sleep(1.2)
    finished = Worker(queue, {"reindex": lambda job, progress: "сделано"}, name="next").run_once()
    assert finished is not None and finished.id == job.id
    assert (finished.state, finished.worker, finished.attempts, finished.result) == ("done", "next", 2, "сделано")


def test_the_scheduler_polls_the_queue_under_the_crawl_lock(db) -> None:
    import threading

    from ingest import schedule
    from ingest.job_handlers import guarded_poll

    queue = JobQueue(db[1], lease=5)
    queue.enqueue("reindex")
    queue.enqueue("crawl", {"source": "grants"})
    ran: list[str] = []
    worker = Worker(queue, {"reindex": lambda j, p: ran.append("reindex") or "ok",
                            "crawl": lambda j, p: ran.append("crawl") or "ok"}, name="sched")
    scheduler = schedule.make_scheduler()
    busy = threading.Lock()
    schedule.add_queue_poller(scheduler, guarded_poll(worker, busy, lambda line: None))
    [job] = scheduler.get_jobs()
    assert job.id == schedule.QUEUE_JOB_ID and job.max_instances == 1
    with busy:  # a scheduled crawl is running: the poll waits for it
        poller = threading.Thread(target=job.func)
        poller.start()
        time.sleep(0.2)
        assert ran == []
    poller.join(5)
    assert ran == ["reindex", "crawl"] and [j.state for j in queue.recent()] == ["done", "done"]
