"""Clicks on results and the retention of the search log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select

from search_app.cli import main
from search_app.dialogue.tables import search_events
from search_app.web import create_app
from tests.web.conftest import build_data_dir


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app({"DATA_DIR": str(build_data_dir(tmp_path / "data")), "TESTING": True,
                      "ELASTICSEARCH_URL": ""})
    yield app
    app.extensions["munnav"].close()


def _events(app: Flask) -> list[dict]:
    engine = app.extensions["munnav"].engine
    engine.flush_logs()
    with engine.store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(search_events).order_by(search_events.c.id))]


def test_a_result_opened_from_the_results_counts_as_a_click(app: Flask) -> None:
    client = app.test_client()
    client.get("/search?q=закон о местном самоуправлении")
    client.get("/documents/act-131", headers={"Referer": "http://localhost/search?q=закон+о+местном+самоуправлении"})
    client.get("/documents/act-44")  # typed or bookmarked: no search to credit
    client.get("/documents/act-44", headers={"Referer": "http://evil.example/search?q=спам"})
    clicks = [(e["query"], e["clicked"], e["clicks"]) for e in _events(app) if e["clicks"]]
    assert clicks == [("закон о местном самоуправлении", "act-131", 1)]


def test_rollup_command_refreshes_and_prunes(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUNNAV_DATA_DIR", app.config["DATA_DIR"])
    client = app.test_client()
    client.get("/search?q=благоустройство")
    app.extensions["munnav"].engine.flush_logs()
    result = CliRunner().invoke(main, ["dialogue", "rollup", "--keep-days", "30"])
    assert result.exit_code == 0, result.output
    assert "сводки дополнены: событий 1" in result.output
