"""The query log keeps counts in memory and writes them in batches, losing none."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from ingest.store import Store
from search_app import query_log
from search_app.query_log import QueryLog


@pytest.fixture
def db(tmp_path: Path) -> Engine:
    with Store(tmp_path / "store.sqlite3") as store:
        yield store.engine


def _counts(db: Engine) -> dict[str, tuple[int, int]]:
    with db.connect() as conn:
        return {t: (c, h) for t, c, h in conn.execute(text("SELECT text, count, hits FROM query_log"))}


def test_counts_are_batched_and_summed(monkeypatch, db) -> None:  # noqa: ANN001
    monkeypatch.setattr(query_log, "FLUSH_EVERY", 3)
    monkeypatch.setattr(query_log, "FLUSH_SECONDS", 3600.0)
    log = QueryLog(db)
    log.record("Конкурс ТОС", 2, "client-a")
    log.record("конкурс  тос", 5, "client-b")
    assert _counts(db) == {}  # still in memory
    log.record("ремонт дорог", 1)
    log.record("субсидия", 0, "client-a")  # third distinct query: written
    assert _counts(db) == {"конкурс тос": (2, 5), "ремонт дорог": (1, 1), "субсидия": (1, 0)}
    assert log.popular("конк", 5) == []  # two clients typed it: not enough yet
    log.record("конкурс тос", 4, "client-c")
    assert log.popular("конк", 5) == []  # reading writes nothing: the third client is still in memory
    log.flush()
    assert log.popular("конк", 5) == ["конкурс тос"]
    assert _counts(db)["конкурс тос"] == (3, 4)
    assert log.popular("субс", 5) == []  # found nothing: never offered


def test_time_bound_flush(monkeypatch, db) -> None:  # noqa: ANN001
    monkeypatch.setattr(query_log, "FLUSH_SECONDS", 0.0)
    log = QueryLog(db)
    log.record("благоустройство", 7)
    assert _counts(db) == {"благоустройство": (1, 7)}
