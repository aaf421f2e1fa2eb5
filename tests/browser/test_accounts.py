"""Accounts in a real browser: an official signs up by the logged link; an editor writes a solution."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import ARTEFACTS, LiveServer
from tests.web.conftest import build_data_dir

PASSWORD = "a long browser password"


@pytest.fixture
def server(pinned_env: None, tmp_path: Path) -> Iterator[LiveServer]:
    """A server of its own: these tests add users and documents."""
    with LiveServer(build_data_dir(tmp_path / "data")) as live:
        yield live


def test_an_official_signs_up_with_the_link_from_the_log(page, server: LiveServer,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="munnav.mail")
    page.goto(server.url + "/")
    page.click("text=Регистрация")
    page.fill("#email", "anna@mo.example.ru")
    page.fill("#password", PASSWORD)
    page.fill("#password_again", PASSWORD)
    page.fill("#name", "Анна Иванова")
    page.fill("#municipality", "городской округ Череповец")
    page.fill("#region", "Вологодская область")
    page.check("#consent")
    page.click("button:has-text('Зарегистрироваться')")
    page.wait_for_selector("h1:has-text('Проверьте почту')")
    # The letter's link is under the configured public address; this server is on a local port.
    paths = re.findall(r"https?://[^/\s]+(/confirm/\S+)", caplog.text)
    assert len(paths) == 1
    page.goto(server.url + paths[0])
    page.wait_for_url(re.compile(r"/login$"))
    assert "Адрес подтверждён" in page.inner_text("main")
    page.fill("#email", "anna@mo.example.ru")
    page.fill("#password", PASSWORD)
    page.click("main button:has-text('Войти')")
    page.wait_for_url(re.compile(r"/account$"))
    stored = page.inner_text("main")
    assert "anna@mo.example.ru" in stored and "ждёт одобрения" in stored and "городской округ Череповец" in stored
    page.screenshot(path=str(ARTEFACTS / "account-signup.png"), full_page=True)
    assert page.console_errors == []


def test_an_editor_writes_a_solution_with_three_steps_and_finds_it(page, server: LiveServer) -> None:
    with server.app.app_context():
        from search_app.web.services import accounts

        accounts().create(None, "editor@example.ru", PASSWORD, ["editor"])
    page.goto(server.url + "/login")
    page.fill("#email", "editor@example.ru")
    page.fill("#password", PASSWORD)
    page.click("main button:has-text('Войти')")
    page.wait_for_url(re.compile(r"/account$"))
    page.click("text=Консоль")
    page.click(".console-nav >> text=Документы")
    page.click("text=Новое готовое решение")
    page.fill("#id", "solution-tos-grant")
    page.fill("#title", "Как получить грант для территориального общественного самоуправления")
    page.fill("#summary", "Три шага: устав, заявка, отчёт.")
    steps = [
        ("Зарегистрируйте устав ТОС", "Порядок — статья 27 закона № 131-ФЗ.", "act-131"),
        ("Подайте заявку на конкурс", "Областной конкурс проектов ТОС.", "c-open"),
        ("Отчитайтесь о гранте", "Отчёт сдаётся в срок, указанный в соглашении.", ""),
    ]
    for n, (title, text, refs) in enumerate(steps):
        page.fill(f"#steps-{n}-title", title)
        page.fill(f"#steps-{n}-text", text)
        page.fill(f"#steps-{n}-refs", refs)
    page.click("button:has-text('Сохранить')")
    page.wait_for_url(re.compile(r"/editor/documents/solution-tos-grant/history$"))
    assert "Документ сохранён" in page.inner_text("main")

    page.goto(server.url + "/search?q=" + "грант устав ТОС")
    first = page.locator(".hit__title").first
    assert "Как получить грант для территориального общественного самоуправления" in first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/documents/solution-tos-grant$"))
    body = page.inner_text("main")
    for title, _, _ in steps:
        assert title in body
    page.screenshot(path=str(ARTEFACTS / "editor-solution.png"), full_page=True)
    assert page.console_errors == []
