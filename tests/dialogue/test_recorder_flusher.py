"""Searches and suggestions never wait for the search log to be written: a flusher thread does it."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, func, select

from ingest.tables import query_log
from search_app import search_recorder
from search_app.dialogue.tables import search_events
from search_app.flood_counts import FloodCounts
from search_app.search_recorder import SearchRecorder


def _rows(db: Engine, table) -> int:  # noqa: ANN001
    with db.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table)) or 0


def test_the_search_that_fills_a_batch_returns_before_the_batch_is_written(
        db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_recorder, "FLUSH_EVERY", 3)
    monkeypatch.setattr(search_recorder, "FLUSH_SECONDS", 3600.0)
    counts = FloodCounts()
    admit = counts.admit
    writing, release = threading.Event(), threading.Event()
    waited_in_vain: list[bool] = []

    def slow_admit(conn, attempts):  # noqa: ANN001, ANN202 - a database that takes its time
        writing.set()
        waited_in_vain.append(not release.wait(timeout=5))
        return admit(conn, attempts)

    monkeypatch.setattr(counts, "admit", slow_admit)
    recorder = SearchRecorder(db, counts=counts)
    for n in range(3):
        assert recorder.search(f"ремонт дорог номер {n}", 5, client=f"client-{n}")
    assert writing.wait(timeout=5)  # the batch is being written…
    release.set()  # …and only now may it finish: had the search waited for it, it would have timed out
    recorder.flush()  # waits for the flusher's batch
    assert waited_in_vain == [False]
    assert _rows(db, search_events) == 3
    recorder.close()


def test_suggestions_read_and_never_write(db: Engine) -> None:
    recorder = SearchRecorder(db)
    recorder.search("ремонт дорог", 5, client="client-1")
    assert recorder.popular("ремонт", 5) == []
    assert _rows(db, query_log) == 0 and _rows(db, search_events) == 0  # kept for the next flush
    recorder.close()
    assert _rows(db, query_log) == 1 and _rows(db, search_events) == 1  # closing writes it
