"""``munnav alerts run`` over a data dir with accounts, a real SMTP server on loopback, and the scheduler job."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from click.testing import CliRunner

from search_app.accounts.service import AccountService
from search_app.alerts import job
from search_app.alerts.service import AlertService
from search_app.cli import main
from search_app.engine import SearchEngine
from tests.accounts.conftest import PASSWORD
from tests.alerts import smtp_server
from tests.alerts.test_service import TOS, tos_competition


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[smtp_server.Recorder]:
    recorder = smtp_server.Recorder()
    controller = smtp_server.start(recorder)
    monkeypatch.setenv("MUNNAV_SMTP_URL", f"smtp://127.0.0.1:{controller.port}")
    monkeypatch.setenv("MUNNAV_PUBLIC_URL", "https://munnav.example")
    yield recorder
    controller.stop()


@pytest.fixture
def official(engine: SearchEngine) -> int:
    return AccountService(engine.store.engine).create(None, "official@mo.example.ru", PASSWORD, ["official"]).id


def test_alerts_run_sends_the_letter_once(
    engine: SearchEngine, alerts: AlertService, official: int, smtp: smtp_server.Recorder, data_dir: Path
) -> None:
    alerts.save_search(official, TOS, "Гранты ТОС")
    runner = CliRunner()
    nothing = runner.invoke(main, ["alerts", "run"])
    assert nothing.exit_code == 0, nothing.output
    assert "писем 0" in nothing.output and smtp.accepted == []  # nothing new: no e-mail
    tos_competition(engine)
    dry = runner.invoke(main, ["alerts", "run", "--dry-run"])
    assert "Было бы отправлено писем: 0" in dry.output  # today's pass is done; tomorrow's letter
    tomorrow = runner.invoke(main, ["alerts", "run"], env={"MUNNAV_TODAY": "2026-11-28"})
    assert "писем 1 (пунктов 1)" in tomorrow.output and "отправлено 1" in tomorrow.output
    [letter] = smtp.accepted
    assert letter["To"] == "official@mo.example.ru"
    assert "https://munnav.example/documents/c-tos-new" in letter.get_body(("plain",)).get_content()
    assert letter["List-Unsubscribe"].startswith("<https://munnav.example/alerts/unsubscribe/")
    again = runner.invoke(main, ["alerts", "run"], env={"MUNNAV_TODAY": "2026-11-28"})
    assert "писем 0" in again.output and len(smtp.accepted) == 1


def test_a_disabled_account_gets_nothing(
    engine: SearchEngine, alerts: AlertService, official: int, smtp: smtp_server.Recorder
) -> None:
    accounts = AccountService(engine.store.engine)
    alerts.save_search(official, TOS)
    accounts.disable(None, accounts.get(official))  # type: ignore[arg-type]
    tos_competition(engine)
    result = CliRunner().invoke(main, ["alerts", "run"], env={"MUNNAV_TODAY": "2026-11-28"})
    assert "пропущено 1" in result.output and smtp.accepted == []


def test_without_smtp_the_letter_goes_to_the_log(
    engine: SearchEngine, alerts: AlertService, official: int, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.delenv("MUNNAV_SMTP_URL", raising=False)
    alerts.save_search(official, TOS)
    tos_competition(engine)
    caplog.set_level("WARNING", logger="munnav.mail")
    result = CliRunner().invoke(main, ["alerts", "run"], env={"MUNNAV_TODAY": "2026-11-28"})
    assert "отправлено 1" in result.output
    assert "Конкурс проектов ТОС: малые гранты 2027" in caplog.text
    assert "official@mo.example.ru" not in caplog.text  # no address in the log


def test_a_bad_smtp_url_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, engine: SearchEngine) -> None:
    monkeypatch.setenv("MUNNAV_SMTP_URL", "http://mail.example")
    result = CliRunner().invoke(main, ["alerts", "run"])
    assert result.exit_code == 2 and "MUNNAV_SMTP_URL" in result.output


@pytest.mark.parametrize("hour, at_once", [(6, False), (8, True)])
def test_scheduler_runs_a_missed_pass_at_once(hour: int, at_once: bool) -> None:
    scheduler = BackgroundScheduler(timezone="Europe/Moscow")
    now = dt.datetime(2026, 11, 27, hour - 3, 30, tzinfo=dt.UTC)  # Moscow is UTC+3
    assert job.add_jobs(scheduler, now, lambda name: None, "Europe/Moscow") is at_once
    jobs = {j.id: j for j in scheduler.get_jobs()}
    assert set(jobs) == {"alerts", "alerts-retry"}
    assert str(jobs["alerts"].trigger) == "cron[month='*', day='*', day_of_week='*', hour='7', minute='0']"


def test_scheduler_job_reports_errors_instead_of_crashing(
    engine: SearchEngine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ingest.cli import _alerts_job

    monkeypatch.setenv("MUNNAV_SMTP_URL", "http://not-smtp")
    _alerts_job("alerts")
    assert "alerts: запуск не выполнен" in capsys.readouterr().err
    monkeypatch.delenv("MUNNAV_SMTP_URL")
    _alerts_job("alerts-retry")  # nothing waiting: silent
    _alerts_job("alerts")
    assert "Уведомления на 2026-11-27" in capsys.readouterr().out


def test_a_deleted_account_takes_its_alerts_along(
    engine: SearchEngine, alerts: AlertService, official: int
) -> None:
    accounts = AccountService(engine.store.engine)
    alerts.save_search(official, TOS)
    alerts.follow(official, "c-tos-open")
    alerts.set_email(official, False)
    accounts.delete_account(accounts.get(official))  # type: ignore[arg-type]
    assert alerts.searches(official) == [] and alerts.follows(official) == []
    assert alerts.email_enabled(official)  # no preference row left either
