"""Crawl run reports, kept in the store's SQLite database."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import ClassVar

SCHEMA = """
CREATE TABLE IF NOT EXISTS crawl_runs (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    source    TEXT NOT NULL,
    started   TEXT NOT NULL,
    finished  TEXT NOT NULL,
    status    TEXT NOT NULL,
    counts    TEXT NOT NULL,
    counters  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS crawl_runs_source ON crawl_runs (source, id);
CREATE TABLE IF NOT EXISTS crawl_errors (
    run_id   INTEGER NOT NULL REFERENCES crawl_runs (id),
    stage    TEXT NOT NULL,
    url      TEXT NOT NULL,
    message  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS crawl_errors_run ON crawl_errors (run_id);
"""


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
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self._db.executescript(SCHEMA)

    def save(self, report: RunReport) -> int:
        with self._db:
            cursor = self._db.execute(
                "INSERT INTO crawl_runs (source, started, finished, status, counts, counters)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    report.source, report.started, report.finished, report.status,
                    json.dumps(report.counts), json.dumps(report.counters, ensure_ascii=False),
                ),
            )
            run_id = int(cursor.lastrowid or 0)
            self._db.executemany(
                "INSERT INTO crawl_errors (run_id, stage, url, message) VALUES (?, ?, ?, ?)",
                [(run_id, e.stage, e.url, e.message) for e in report.errors],
            )
        report.id = run_id
        return run_id

    def last(self, limit: int = 20, source: str | None = None) -> list[RunReport]:
        sql = "SELECT * FROM crawl_runs"
        args: tuple[object, ...] = ()
        if source:
            sql += " WHERE source = ?"
            args = (source,)
        rows = self._db.execute(sql + " ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
        return [self._report(row) for row in rows]

    def last_started(self, source: str) -> str | None:
        """Start time (ISO, UTC) of the source's latest run, for the scheduler's catch-up."""
        row = self._db.execute(
            "SELECT started FROM crawl_runs WHERE source = ? ORDER BY id DESC LIMIT 1", (source,)
        ).fetchone()
        return row[0] if row else None

    def _report(self, row: sqlite3.Row) -> RunReport:
        errors = [
            ErrorRecord(r[0], r[1], r[2])
            for r in self._db.execute(
                "SELECT stage, url, message FROM crawl_errors WHERE run_id = ? ORDER BY rowid", (row[0],)
            )
        ]
        return RunReport(
            source=row[1], started=row[2], finished=row[3], status=row[4],
            counts=json.loads(row[5]), errors=errors, counters=json.loads(row[6]), id=row[0],
        )
