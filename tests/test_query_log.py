"""The query log keeps counts in memory and writes them in batches, losing none."""

from __future__ import annotations

import sqlite3

from search_app import query_log
from search_app.query_log import QueryLog


def _counts(db: sqlite3.Connection) -> dict[str, tuple[int, int]]:
    return {t: (c, h) for t, c, h in db.execute("SELECT text, count, hits FROM query_log")}


def test_counts_are_batched_and_summed(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(query_log, "FLUSH_EVERY", 3)
    monkeypatch.setattr(query_log, "FLUSH_SECONDS", 3600.0)
    db = sqlite3.connect(":memory:", check_same_thread=False)
    log = QueryLog(db)
    log.record("Конкурс ТОС", 2)
    log.record("конкурс  тос", 5)
    assert _counts(db) == {}  # still in memory
    log.record("ремонт дорог", 1)
    log.record("субсидия", 0)  # third distinct query: written
    assert _counts(db) == {"конкурс тос": (2, 5), "ремонт дорог": (1, 1), "субсидия": (1, 0)}
    log.record("конкурс тос", 4)
    assert log.popular("конк", 5) == ["конкурс тос"]  # reading writes what is pending first
    assert _counts(db)["конкурс тос"] == (3, 4)
    assert log.popular("субс", 5) == []  # found nothing: never offered


def test_time_bound_flush(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(query_log, "FLUSH_SECONDS", 0.0)
    db = sqlite3.connect(":memory:", check_same_thread=False)
    log = QueryLog(db)
    log.record("благоустройство", 7)
    assert _counts(db) == {"благоустройство": (1, 7)}
