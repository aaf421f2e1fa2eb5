"""An official saves a search in a real browser; a new competition comes; the counter and the letter show it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.document import Document
from tests.accounts.conftest import PASSWORD, cheap_hashes  # noqa: F401 - fixture
from tests.alerts import smtp_server
from tests.browser.conftest import LiveServer
from tests.web.conftest import build_data_dir

EMAIL = "official@mo.example.ru"
NEW = {"id": "c-tos-2028", "kind": "competition", "title": "Конкурс проектов ТОС: гранты на 2028 год",
       "summary": "Гранты территориальному общественному самоуправлению.", "status": "open",
       "deadline": "2027-03-01", "regions": ["Вологодская область"], "topics": ["ТОС"]}


@pytest.fixture
def server(pinned_env: None, tmp_path: Path, cheap_hashes: None) -> Iterator[LiveServer]:  # noqa: F811
    with LiveServer(build_data_dir(tmp_path / "data")) as live:
        with live.app.app_context():
            from search_app.web.services import accounts

            accounts().create(None, EMAIL, PASSWORD, ["official"])
        yield live


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[smtp_server.Recorder]:
    recorder = smtp_server.Recorder()
    controller = smtp_server.start(recorder)
    monkeypatch.setenv("MUNNAV_SMTP_URL", f"smtp://127.0.0.1:{controller.port}")
    yield recorder
    controller.stop()


def new_count(page) -> str:
    return page.locator(".saved-searches__new").first.inner_text()


def test_save_a_search_import_a_competition_see_the_counter_and_the_letter(
    page, server: LiveServer, smtp: smtp_server.Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    page.goto(server.url + "/login")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.goto(server.url + "/search?q=ТОС&kind=competition&region=Вологодская+область")
    page.fill("#save-search-name", "Гранты ТОС")
    page.click("button:has-text('Сохранить поиск')")
    page.wait_for_url(re.compile(r"/account/searches$"))
    assert page.locator("text=Гранты ТОС").count() >= 1
    assert new_count(page) == "0"

    with server.app.app_context():
        from search_app.web.engine_ext import get_engine

        engine = get_engine()
        engine.import_documents([Document.from_dict(NEW)])
    page.reload()
    assert new_count(page) == "1"

    monkeypatch.setenv("MUNNAV_PUBLIC_URL", server.url)
    from search_app.alerts.job import run_alerts

    with server.app.app_context():
        report = run_alerts(engine=engine)
    assert (report.letters, report.delivery.sent) == (1, 1)
    [letter] = smtp.accepted
    assert letter["To"] == EMAIL
    text = letter.get_body(("plain",)).get_content()
    assert NEW["title"] in text and f"{server.url}/documents/c-tos-2028" in text
    assert "Конкурс проектов ТОС 2027" not in text  # matched before the search was saved

    page.goto(server.url + "/account/notifications")
    assert page.locator(f"text={NEW['title']}").count() == 1

    unsubscribe = letter["List-Unsubscribe"].strip("<>")
    page.goto(unsubscribe)
    page.click("button:has-text('Отписаться')")
    assert page.locator("h1").inner_text() == "Вы отписались от писем"
    assert page.console_errors == []
