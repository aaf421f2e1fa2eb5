"""What the ``munnav schedule`` worker does for each kind of queued job.

Each handler opens what it needs, reports progress, returns a one-line summary
and raises on failure (the worker records the error on the job).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from ingest.jobs import Handler, Job, JobQueue, Progress, Worker
from ingest.sources import Source


def make_handlers(registry: Callable[[], dict[str, Source]]) -> dict[str, Handler]:
    """Handlers for crawl, reindex and rollback; ``registry`` is read when a crawl job starts.

    A handler learns that it must stop (the worker is shutting down, or its job
    was taken back) from ``progress.cancelled``.
    """

    def crawl(job: Job, progress: Progress) -> str:
        from ingest.cli import run_sources

        name = str(job.args.get("source", ""))
        sources = registry()
        if name not in sources:
            raise ValueError(f"источника «{name}» нет в реестре")
        progress.message = f"сбор «{name}»: просмотрено записей"
        # The pipeline stops between records when the job is taken back or the worker stops.
        [report] = run_sources([sources[name]], stop=progress.cancelled, progress=progress.add)
        return report.summary()

    def reindex(job: Job, progress: Progress) -> str:
        from search_app.engine import SearchEngine

        engine = SearchEngine.open()
        try:
            progress.total = engine.store.count()
            progress.message = "проиндексировано документов"
            name = engine.reindex(progress=progress.advance)
            return f"переиндексация завершена: {engine.backend.count()} документов, индекс {name}"
        finally:
            engine.close()

    def rollback(job: Job, progress: Progress) -> str:
        from search_app.engine import SearchEngine

        engine = SearchEngine.open()
        try:
            switch_back = getattr(engine.backend, "rollback", None)
            if switch_back is None:
                raise ValueError("этот движок не поддерживает откат")
            target = switch_back()
            if target is None:
                raise ValueError("откат невозможен: предыдущего индекса нет")
            return f"откат выполнен: обслуживает {target}"
        finally:
            engine.close()

    return {"crawl": crawl, "reindex": reindex, "rollback": rollback}


def registry_reader(path: Path | str | None) -> Callable[[], dict[str, Source]]:
    """Reads the registry each time (an edited sources.toml is seen without a restart)."""
    registry = Path(path) if path else None

    def read() -> dict[str, Source]:
        from ingest.sources import load_registry

        return load_registry(registry)

    return read


def queue_worker(engine: Engine, registry: Path | str | None, stop: threading.Event) -> Worker:
    """The worker that runs what the console queued: crawl now, reindex, rollback."""
    return Worker(JobQueue(engine), make_handlers(registry_reader(registry)), stop=stop)


def guarded_poll(worker: Worker, busy: threading.Lock, say: Callable[[str], object] = print) -> Callable[[], None]:
    """One poll of the queue for the scheduler: run queued jobs while holding the crawl lock."""

    def poll() -> None:
        with busy:
            for job in iter(worker.run_once, None):
                say(f"задание {job.id} ({job.label}): {job.state_label} — {job.result or job.error or ''}")
                if worker.stop.is_set():
                    return

    return poll
