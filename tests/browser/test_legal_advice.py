"""Issue 21 in a real browser: an official asks a lawyer, the lawyer answers citing «ст. 17 131-ФЗ»,
the published consultation is found by «полномочия по дорогам» and links to the article."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest import migrate
from ingest.database import database_url, make_engine
from search_app.accounts.service import AccountService
from tests.browser.conftest import ARTEFACTS, LiveServer
from tests.consultations.conftest import add_article
from tests.web.conftest import build_data_dir

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def legal_server(pinned_env: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root = add_article(build_data_dir(tmp_path_factory.mktemp("legal-browser")))
    engine = make_engine(database_url(Path(root)))
    migrate.prepare(engine)
    accounts = AccountService(engine)
    official = accounts.create(None, "official@mo.example.ru", PASSWORD, ["official"])
    accounts.update_profile(official, "Мария Смирнова", "Устьянский муниципальный округ", "Архангельская область")
    accounts.create(None, "lawyer@example.ru", PASSWORD, ["lawyer"])
    engine.dispose()
    with LiveServer(root) as server:
        yield server


def sign_in(page, server: LiveServer, email: str) -> None:
    # Leave the site first: a request of the last page still in flight would set the
    # previous person's session cookie again after the cookies are cleared.
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(server.url + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/login)"))


def test_an_official_asks_a_lawyer_answers_and_the_answer_is_found(page, legal_server) -> None:
    server = legal_server
    sign_in(page, server, "official@mo.example.ru")
    page.click("text=Вопрос юристу")
    page.wait_for_url(re.compile(r"/legal/my$"))
    page.click("text=Задать вопрос")
    page.wait_for_url(re.compile(r"/legal/ask$"))
    page.locator("input[name=title]").press_sequentially("Снег на дороге между сёлами", delay=20)
    # answered consultations on the subject show up as the question is typed
    page.locator('#similar-list a[href="/documents/k-snow"]').wait_for()
    page.fill("input[name=title]", "Полномочия по содержанию дорог между сёлами")
    page.fill("textarea[name=text]", "Я Мария Смирнова, Устьянский округ. Чьи это полномочия — содержать "
                                     "дорогу между двумя сёлами, если она не в перечне дорог?")
    page.click("form#ask-form button[type=submit]")
    page.wait_for_url(re.compile(r"/legal/my/\d+$"))
    qid = page.url.rsplit("/", 1)[1]
    assert "Вопрос ждёт юриста" in page.inner_text("main")

    sign_in(page, server, "lawyer@example.ru")
    page.goto(server.url + "/legal/questions")
    page.locator("tr", has_text="Полномочия по содержанию дорог").locator("button", has_text="Взять в работу").click()
    page.wait_for_url(re.compile(rf"/legal/questions/{qid}$"))
    public = page.input_value("textarea[name=public_text]")
    assert "Смирнова" not in public and "Устьянск" not in public and "[скрыто]" in public
    page.fill("textarea[name=answer]", "Дорожная деятельность в отношении дорог местного значения — вопрос местного "
                                       "значения, а полномочия органов МСУ по его решению закреплены статьёй 17 "
                                       "закона № 131-ФЗ. Включите дорогу в перечень дорог местного значения.")
    page.fill("textarea[name=cites]", "ст. 17 131-ФЗ")
    page.locator("#cite-checks li", has_text="131-ФЗ").wait_for()  # the picker checked the line against the base
    page.click("form#answer-form button[type=submit]")
    page.wait_for_url(re.compile(rf"/documents/legal-q-{qid}$"))

    page.goto(server.url + "/")
    page.fill("#q", "полномочия по дорогам")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    page.locator(f'a[href="/documents/legal-q-{qid}"]').first.click()
    page.wait_for_url(re.compile(rf"/documents/legal-q-{qid}$"))
    link = page.locator(".cited-acts a", has_text="ст. 17, 131-ФЗ")
    assert link.get_attribute("href") == "/documents/act-131:st-17"
    assert "Смирнова" not in page.inner_text("main")
    page.screenshot(path=str(ARTEFACTS / "legal-advice.png"), full_page=True)

    sign_in(page, server, "official@mo.example.ru")
    assert page.locator(".usernav .pill").inner_text() == "1"  # the nav shows the new answer
    page.click("text=Вопрос юристу")
    assert "Новый ответ" in page.inner_text("main")
    assert page.console_errors == []
