"""The editors' console: sources and runs, "run now" through the jobs queue, the index page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ingest.jobs import JobQueue
from search_app.accounts import audit
from search_app.web import create_app
from tests.accounts.conftest import ROLE_EMAILS, csrf_token, sign_in
from tests.ingest.conftest import FixtureServer
from tests.ingest.test_cli_schedule import REGISTRY
from tests.ingest.test_faults import serve_good


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    srv = FixtureServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def console_app(app_data_dir: Path, tmp_path: Path, server: FixtureServer,
                monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    registry = tmp_path / "sources.toml"
    registry.write_text(REGISTRY.format(base=server.base), encoding="utf-8")
    monkeypatch.setenv("MUNNAV_DATA_DIR", str(app_data_dir))  # where the worker's commands look
    monkeypatch.delenv("MUNNAV_DATABASE_URL", raising=False)
    app = create_app({"DATA_DIR": str(app_data_dir), "TESTING": True, "ELASTICSEARCH_URL": "",
                      "SOURCES_FILE": str(registry)})
    app.config["REGISTRY_PATH"] = registry
    yield app
    app.extensions["munnav"].close()


@pytest.fixture
def editor(console_app: Flask, people_in) -> FlaskClient:
    client = console_app.test_client()
    assert sign_in(client, ROLE_EMAILS["editor"]).status_code == 302
    return client


@pytest.fixture
def people_in(console_app: Flask) -> dict[str, int]:
    from tests.accounts.conftest import PASSWORD

    with console_app.app_context():
        from search_app.web.services import accounts

        return {role: accounts().create(None, email, PASSWORD, [role]).id for role, email in ROLE_EMAILS.items()}


def worker_for(app: Flask):
    import threading

    from ingest.job_handlers import queue_worker

    engine = app.extensions["munnav"].store.engine
    return queue_worker(engine, app.config["REGISTRY_PATH"], threading.Event())


def test_run_now_queues_a_crawl_the_worker_runs_and_the_console_shows(
    console_app: Flask, editor: FlaskClient, server: FixtureServer,
) -> None:
    serve_good(server)
    page = editor.get("/editor/sources").get_data(as_text=True)
    assert "grants" in page and "не запускался" in page and "Запустить сейчас" in page
    token = csrf_token(editor, "/reset")
    response = editor.post("/editor/sources/grants/run", data={"csrf_token": token})
    assert response.status_code == 302
    job_url = response.headers["Location"]
    job = editor.get(job_url, headers={"Accept": "application/json"}).get_json()
    assert (job["kind"], job["args"], job["state"]) == ("crawl", {"source": "grants"}, "queued")
    again = editor.post("/editor/sources/grants/run", data={"csrf_token": token})
    assert again.headers["Location"] == job_url  # not queued twice
    assert "в очереди" in editor.get("/editor/sources").get_data(as_text=True)

    done = worker_for(console_app).run_once()
    assert done.state == "done" and done.result.startswith("grants: ok — просмотрено 4, новых 4")
    assert done.progress["done"] == 4
    shown = editor.get(job_url + "?format=json").get_json()
    assert shown["state"] == "done" and shown["state_label"] == "выполнено"

    runs = editor.get("/editor/runs?source=grants").get_data(as_text=True)
    assert "grants" in runs and "pill--ok" in runs
    assert "Запусков: 0" in editor.get("/editor/runs?status=failed").get_data(as_text=True)
    assert editor.get("/editor/runs?status=bogus").status_code == 400
    sources = editor.get("/editor/sources").get_data(as_text=True)
    assert "новых 4" in sources
    entries, _ = audit.entries(console_app.extensions["munnav"].store.engine, audit.AuditFilter(action="job.enqueue"))
    assert len(entries) == 1 and entries[0].after == {"kind": "crawl", "source": "grants"}


def test_a_failed_run_lists_its_errors_with_addresses(console_app: Flask, editor: FlaskClient, server) -> None:
    editor.post("/editor/sources/grants/run", data={"csrf_token": csrf_token(editor, "/reset")})
    job = worker_for(console_app).run_once()
    assert job.state == "done" and "grants: failed" in job.result
    runs = editor.get("/editor/runs?status=failed").get_data(as_text=True)
    run_id = runs.split("/editor/runs/")[1].split('"')[0]
    detail = editor.get(f"/editor/runs/{run_id}").get_data(as_text=True)
    assert "сервер ответил 404" in detail and server.base in detail
    assert editor.get("/editor/runs/99999").status_code == 404


def test_unknown_source_is_404_and_only_editors_queue(console_app: Flask, editor: FlaskClient) -> None:
    token = csrf_token(editor, "/reset")
    assert editor.post("/editor/sources/nope/run", data={"csrf_token": token}).status_code == 404
    lawyer = console_app.test_client()
    sign_in(lawyer, ROLE_EMAILS["lawyer"])
    response = lawyer.post("/editor/sources/grants/run", data={"csrf_token": csrf_token(lawyer, "/reset")})
    assert response.status_code == 403
    assert JobQueue(console_app.extensions["munnav"].store.engine).recent() == []


def test_index_page_and_a_confirmed_reindex(console_app: Flask, editor: FlaskClient) -> None:
    page = editor.get("/editor/index").get_data(as_text=True)
    store_count = console_app.extensions["munnav"].store.count()
    assert f"<dd>{store_count}</dd>" in page and "Ждут индексации" in page
    token = csrf_token(editor, "/reset")
    refused = editor.post("/editor/index/reindex", data={"csrf_token": token})
    assert refused.status_code == 400 and "Отметьте подтверждение" in refused.get_data(as_text=True)
    queued = editor.post("/editor/index/reindex", data={"csrf_token": token, "reindex-confirm": "y"})
    assert queued.status_code == 302
    job = worker_for(console_app).run_once()
    assert job.kind == "reindex" and job.state == "done", job.error
    assert job.result.startswith(f"переиндексация завершена: {store_count} документов")
    assert job.progress["done"] == store_count == job.progress["total"]
    rollback = editor.post("/editor/index/rollback", data={"csrf_token": token, "rollback-confirm": "y"})
    assert rollback.status_code == 302
    back = worker_for(console_app).run_once()
    assert back.state == "done" and back.result.startswith("откат выполнен")
    assert "Откат индекса" in editor.get("/editor/index").get_data(as_text=True)
