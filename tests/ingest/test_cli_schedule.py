"""``munnav crawl`` / ``--status`` / ``schedule`` job building, against the fixture server."""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest import schedule
from ingest.sources import RegistryError, load_registry, parse_registry
from search_app.cli import main
from tests.ingest.test_faults import PAGE1, serve_good

REGISTRY = """
[defaults]
delay = 0.5
retries = 1
backoff = 0.0
read_timeout = 2.0
withdraw_after = 2

[sources.grants]
type = "html_list"
base_url = "{base}"
kind = "practice"
schedule = "0 4 * * 1"
[sources.grants.options]
list_path = "/public/application/cards"
item = ".cards-item-row"
empty = "h2.application-not-found"
link = ".projects__title a@href"
[sources.grants.options.fields]
title = ".projects__title"
amount_max = ".projects__price"
regions = {{ selector = ".projects__region", strip_label = true }}

[sources.off]
type = "regulation"
base_url = "{base}"
kind = "legal_act"
schedule = "*/5 * * * *"
enabled = false
"""


@pytest.fixture
def registry(tmp_path: Path, server, data_dir) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(REGISTRY.format(base=server.base), encoding="utf-8")
    return path


def test_crawl_then_status(server, registry: Path) -> None:
    serve_good(server)
    runner = CliRunner()
    result = runner.invoke(main, ["crawl", "--sources", str(registry)])
    assert result.exit_code == 0, result.output
    assert "grants: ok — просмотрено 4, новых 4" in result.output
    assert "off:" not in result.output  # disabled sources run only when named
    status = runner.invoke(main, ["crawl", "--status"])
    assert status.exit_code == 0 and "grants: ok" in status.output
    again = runner.invoke(main, ["search", "благоустройство двора"])
    assert "Двор, в котором хочется жить" in again.output  # crawled documents are indexed


def test_failed_crawl_exits_non_zero_with_errors_listed(server, registry: Path) -> None:
    result = CliRunner().invoke(main, ["crawl", "--sources", str(registry), "grants"])
    assert result.exit_code == 1
    assert "grants: failed" in result.output and f"[gather] {server.base}{PAGE1}" in result.output
    status = CliRunner().invoke(main, ["crawl", "--status", "grants"])
    assert "сервер ответил 404" in status.output


def test_unknown_source_and_bad_registry_are_usage_errors(tmp_path: Path, registry: Path) -> None:
    result = CliRunner().invoke(main, ["crawl", "--sources", str(registry), "nope"])
    assert result.exit_code == 2 and "неизвестный источник nope" in result.output
    bad = tmp_path / "bad.toml"
    bad.write_text('[sources.x]\ntype = "ftp"\nbase_url = "http://a"\nkind = "practice"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["crawl", "--sources", str(bad)])
    assert result.exit_code == 2 and "неизвестный тип 'ftp'" in result.output
    assert "Traceback" not in result.output


def test_status_without_runs(data_dir) -> None:
    result = CliRunner().invoke(main, ["crawl", "--status"])
    assert result.exit_code == 0 and "Запусков ещё не было" in result.output


def test_shipped_registry_is_valid() -> None:
    sources = load_registry()
    assert {"pravo-federal-laws", "ips-codes", "regulation-drafts", "pgrants-projects"} <= {
        n for n, s in sources.items() if s.enabled
    }


@pytest.mark.parametrize(("table", "message"), [
    ({"type": "html_list", "base_url": "ftp://x", "kind": "practice", "options": {"list_path": "/", "item": "a", "fields": {}}}, "base_url"),
    ({"type": "pravo_api", "base_url": "http://x", "kind": "news"}, "неизвестный вид"),
    ({"type": "pravo_api", "base_url": "http://x", "kind": "legal_act", "schedule": "61 * * * *"}, "cron"),
    ({"type": "ips", "base_url": "http://x", "kind": "legal_act"}, "documents"),
    ({"type": "pravo_api", "base_url": "http://x", "kind": "legal_act", "dealy": 1}, "неизвестный ключ"),
])
def test_registry_errors_name_the_key(table: dict, message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        parse_registry({"sources": {"s": table}})


def test_crawl_delay_env_overrides_registry(monkeypatch) -> None:
    source = parse_registry({"sources": {"s": {"type": "pravo_api", "base_url": "http://x", "kind": "legal_act",
                                               "delay": 7.0}}})["s"]
    monkeypatch.setenv("MUNNAV_CRAWL_DELAY", "0.25")
    assert source.http_settings().delay == 0.25
    monkeypatch.delenv("MUNNAV_CRAWL_DELAY")
    assert source.http_settings().delay == 7.0


def _sources() -> dict:
    return parse_registry({
        "sources": {
            "daily": {"type": "pravo_api", "base_url": "http://x", "kind": "legal_act", "schedule": "30 6 * * *"},
            "weekly": {"type": "pravo_api", "base_url": "http://x", "kind": "legal_act", "schedule": "0 3 * * 0"},
            "off": {"type": "pravo_api", "base_url": "http://x", "kind": "legal_act", "schedule": "* * * * *",
                    "enabled": False},
            "manual": {"type": "pravo_api", "base_url": "http://x", "kind": "legal_act"},
        }
    })


def test_jobs_built_per_enabled_source_with_catch_up() -> None:
    now = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)  # a Friday
    last = {"daily": now - dt.timedelta(days=2), "weekly": now - dt.timedelta(days=3)}
    scheduler = schedule.make_scheduler()
    due = schedule.add_jobs(scheduler, _sources().values(), lambda name: None, last.get, now)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"daily", "weekly"}
    assert due == ["daily"]  # weekly last ran Tuesday, its Sunday 03:00 has not come yet
    job = jobs["daily"]
    assert job.max_instances == 1 and job.coalesce is True and job.misfire_grace_time == schedule.MISFIRE_GRACE
    assert job.args == ("daily",)
    assert str(job.trigger.timezone) == "Europe/Moscow"
    assert job.trigger.get_next_fire_time(None, now) == dt.datetime(2026, 11, 28, 6, 30,
                                                                     tzinfo=job.trigger.timezone)


def test_never_run_source_is_due() -> None:
    source = _sources()["weekly"]
    assert schedule.is_due(source, None, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


def test_scheduler_stops_cleanly_on_sigterm() -> None:
    scheduler = schedule.make_scheduler()
    stop, busy = threading.Event(), threading.Lock()
    ran: list[str] = []

    def job(name: str) -> None:
        time.sleep(0.2)  # the scheduler's main loop is idle, as when an operator stops it
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop.wait(5)  # a crawl sees the flag between records and winds down
        ran.append(name)

    scheduler.add_job(schedule.guarded(job, busy), "date", run_date=dt.datetime.now(dt.UTC), args=["x"])
    safety = threading.Timer(10, lambda: scheduler.shutdown(wait=False))
    safety.start()
    try:
        schedule.serve(scheduler, stop, busy)
    finally:
        safety.cancel()
    assert ran == ["x"] and stop.is_set() and not scheduler.running
    assert signal.getsignal(signal.SIGTERM) is not None
