"""Issue 16.6: autocomplete cannot be poisoned by one client, junk or obscenities."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine, func, select

from ingest.store import Store
from ingest.tables import query_log, query_log_clients
from search_app import query_log as query_log_module
from search_app.query_log import MIN_CLIENTS, QueryLog
from search_app.web import create_app
from tests.web.conftest import build_data_dir


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_data_dir(tmp_path_factory.mktemp("poison-data"))


@pytest.fixture
def app(data_dir: Path) -> Iterator[Flask]:
    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True, "ELASTICSEARCH_URL": ""})
    yield app
    engine = app.extensions["munnav"].engine
    with engine.store.engine.begin() as conn:  # each test starts from an empty log
        conn.execute(query_log.delete())
        conn.execute(query_log_clients.delete())
    app.extensions["munnav"].close()


def _search(app: Flask, q: str, address: str) -> int:
    return app.test_client().get("/search", query_string={"q": q},
                                 environ_base={"REMOTE_ADDR": address}).status_code


def _suggestions(app: Flask, prefix: str) -> list[str]:
    app.extensions["munnav"].engine.flush_logs()  # as the flusher thread would within seconds
    data = app.test_client().get("/api/v1/suggest", query_string={"q": prefix}).get_json()
    return [s["text"] for s in data["suggestions"] if s["kind"] == "query"]


def _rows(app: Flask) -> int:
    engine = app.extensions["munnav"].engine
    engine.flush_logs()
    with engine.store.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(query_log))


def test_fifty_requests_of_one_client_plant_no_suggestion(app: Flask) -> None:
    for _ in range(50):
        assert _search(app, "субсидии для дебилов и воров", "198.51.100.7") == 200
    assert "субсидии для дебилов и воров" not in _suggestions(app, "с")
    for n in range(MIN_CLIENTS):  # a query several people typed is offered
        _search(app, "субсидия на благоустройство", f"203.0.113.{n}")
    assert _suggestions(app, "с")[:1] == ["субсидия на благоустройство"]


def test_queries_that_found_nothing_are_never_offered(app: Flask) -> None:
    for n in range(MIN_CLIENTS + 1):
        _search(app, "щзщзщ несуществующее", f"203.0.113.{n}")
    assert _suggestions(app, "щзщзщ") == []


def test_obscenities_are_never_offered_whoever_types_them(app: Flask) -> None:
    for n in range(MIN_CLIENTS + 2):
        _search(app, "благоустройство хуями", f"203.0.113.{n}")
        _search(app, "субсидия жопа", f"203.0.113.{n}")
    assert _suggestions(app, "благоустройство") == [] and _suggestions(app, "субсидия") == []
    assert _rows(app) == 0  # not even stored


@pytest.mark.parametrize("junk", [
    "<script>alert(1)</script>", "'; DROP TABLE query_log; --", "1' OR '1'='1", "субсидия\x00", "грант\x1b[2J",
    "\u202eтос", "а" * 500,
])
def test_junk_is_never_stored(app: Flask, junk: str) -> None:
    for n in range(MIN_CLIENTS + 1):
        _search(app, junk, f"203.0.113.{n}")
    assert _rows(app) == 0


def test_one_client_adds_a_bounded_number_of_rows(app: Flask) -> None:
    for n in range(2000):
        _search(app, f"мусорный запрос {n}", "198.51.100.9")
    assert _rows(app) <= 200  # the flood guard's cap per client and hour


def test_the_log_is_pruned_by_age_and_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(query_log_module, "FLUSH_EVERY", 10_000)
    with Store(tmp_path / "store.sqlite3") as store:
        engine: Engine = store.engine
        log = QueryLog(engine, is_obscene=lambda _t: False)
        for n in range(30):
            for client in ("a", "b", "c")[: 1 + n % 3]:
                log.record(f"запрос {n}", 5, client)
        log.flush()
        with engine.begin() as conn:
            conn.execute(query_log.update().where(query_log.c.text == "запрос 0").values(last_seen="2020-01-01T00:00:00"))
        assert log.prune(keep_days=180, max_rows=20) == 1 + 9  # one too old, then nine too many
        with engine.connect() as conn:
            kept = dict(conn.execute(select(query_log.c.text, query_log.c.clients)).all())
            hashes = conn.scalar(select(func.count()).select_from(query_log_clients))
        assert len(kept) == 20 and "запрос 0" not in kept
        assert sum(1 for c in kept.values() if c == 3) == 10  # every query typed by three clients survived
        # Hashes are kept only while a query still needs clients, and only for queries kept.
        assert hashes == sum(c for c in kept.values() if c < MIN_CLIENTS)
