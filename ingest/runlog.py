"""Crawl run reports, kept in the store's database."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sqlalchemy import Engine, func, select

from ingest.tables import crawl_errors, crawl_runs


@dataclass(frozen=True)
class ErrorRecord:
    stage: str
    url: str
    message: str


@dataclass
class RunReport:
    COUNT_KEYS: ClassVar[tuple[str, ...]] = ("seen", "new", "updated", "unchanged", "withdrawn", "failed")

    source: str
    started: str
    finished: str
    status: str
    counts: dict[str, int]
    errors: list[ErrorRecord] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    id: int | None = None

    def summary(self) -> str:
        c = self.counts
        return (
            f"{self.source}: {self.status} — просмотрено {c['seen']}, новых {c['new']}, "
            f"обновлено {c['updated']}, без изменений {c['unchanged']}, "
            f"снято {c['withdrawn']}, ошибок {c['failed']}"
        )


class RunLog:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def save(self, report: RunReport) -> int:
        with self._engine.begin() as conn:
            run_id = conn.scalar(
                crawl_runs.insert()
                .values(
                    source=report.source, started=report.started, finished=report.finished,
                    status=report.status, counts=json.dumps(report.counts),
                    counters=json.dumps(report.counters, ensure_ascii=False),
                )
                .returning(crawl_runs.c.id)
            )
            assert run_id is not None
            if report.errors:
                conn.execute(
                    crawl_errors.insert(),
                    [{"run_id": run_id, "stage": e.stage, "url": e.url, "message": e.message} for e in report.errors],
                )
        report.id = int(run_id)
        return report.id

    def last(self, limit: int = 20, source: str | None = None) -> list[RunReport]:
        stmt = select(crawl_runs).order_by(crawl_runs.c.id.desc()).limit(limit)
        if source:
            stmt = stmt.where(crawl_runs.c.source == source)
        with self._engine.connect() as conn:
            runs = conn.execute(stmt).all()
            errors: dict[int, list[ErrorRecord]] = {row.id: [] for row in runs}
            if runs:
                e = crawl_errors.c
                for row in conn.execute(
                    select(e.run_id, e.stage, e.url, e.message).where(e.run_id.in_(errors)).order_by(e.id)
                ):
                    errors[row.run_id].append(ErrorRecord(row.stage, row.url, row.message))
        return [_report(row, errors[row.id]) for row in runs]

    def page(
        self, source: str | None = None, status: str | None = None, limit: int = 30, offset: int = 0,
    ) -> tuple[list[RunReport], int]:
        """Runs newest first, filtered by source and status, and how many match in all (no errors loaded)."""
        where = []
        if source:
            where.append(crawl_runs.c.source == source)
        if status:
            where.append(crawl_runs.c.status == status)
        with self._engine.connect() as conn:
            total = conn.scalar(select(func.count()).select_from(crawl_runs).where(*where)) or 0
            rows = conn.execute(
                select(crawl_runs).where(*where).order_by(crawl_runs.c.id.desc()).limit(limit).offset(offset)
            ).all()
        return [_report(row, []) for row in rows], int(total)

    def get(self, run_id: int) -> RunReport | None:
        """One run with its errors (in the order they came)."""
        with self._engine.connect() as conn:
            row = conn.execute(select(crawl_runs).where(crawl_runs.c.id == run_id)).first()
            if row is None:
                return None
            e = crawl_errors.c
            errors = [
                ErrorRecord(r.stage, r.url, r.message)
                for r in conn.execute(select(e.stage, e.url, e.message).where(e.run_id == run_id).order_by(e.id))
            ]
        return _report(row, errors)

    def latest_by_source(self) -> dict[str, RunReport]:
        """The newest run of every source that ran, with its errors."""
        newest = select(func.max(crawl_runs.c.id)).group_by(crawl_runs.c.source).scalar_subquery()
        with self._engine.connect() as conn:
            ids = list(conn.scalars(select(crawl_runs.c.id).where(crawl_runs.c.id.in_(newest))))
        runs = [self.get(run_id) for run_id in ids]
        return {r.source: r for r in runs if r is not None}

    def last_started(self, source: str) -> str | None:
        """Start time (ISO, UTC) of the source's latest run, for the scheduler's catch-up."""
        stmt = (
            select(crawl_runs.c.started)
            .where(crawl_runs.c.source == source)
            .order_by(crawl_runs.c.id.desc())
            .limit(1)
        )
        with self._engine.connect() as conn:
            return conn.scalar(stmt)


def _report(row: Any, errors: list[ErrorRecord]) -> RunReport:
    return RunReport(
        source=row.source, started=row.started, finished=row.finished, status=row.status,
        counts=json.loads(row.counts), errors=errors, counters=json.loads(row.counters), id=row.id,
    )
