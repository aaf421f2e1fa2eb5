"""Issue 20's scenario in a real browser: an official reports a problem and is offered a matching
solution, submits anyway; an editor merges the report into an existing problem; the counter of that
problem on /dialogue goes up."""

from __future__ import annotations

from search_app.dialogue.problems import ProblemService, Reporter

PASSWORD = "correct horse battery"
OFFICIAL = "dialogue-official@mo.example.ru"
EDITOR = "dialogue-editor@example.ru"
EXISTING = "Не знаем, как зарегистрировать ТОС юридическим лицом для получения гранта"


def _accounts(live_server) -> None:  # noqa: ANN001
    app = live_server.app
    with app.app_context():
        from search_app.web.services import accounts

        service = accounts()
        if service.by_email(OFFICIAL) is None:
            official = service.create(None, OFFICIAL, PASSWORD, ["official"])
            service.update_profile(official, "Служащая", "Сокольский муниципальный округ", "Вологодская область")
            service.create(None, EDITOR, PASSWORD, ["editor"])


def _sign_in(page, live_server, email: str) -> None:  # noqa: ANN001
    page.goto(live_server.url + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def _counter(page, live_server, title: str) -> int:  # noqa: ANN001
    page.goto(live_server.url + "/dialogue")
    row = page.locator("#largest tr", has_text=title)
    return int(row.locator("td").first.inner_text())


def test_report_offered_a_solution_then_merged_by_an_editor(browser, live_server) -> None:  # noqa: ANN001
    _accounts(live_server)
    problems = ProblemService(live_server.app.extensions["munnav"].engine.store.engine)
    existing = problems.submit(Reporter(9001, "Кунгурский округ", "Пермский край"), EXISTING, "ТОС").problem_id
    problems.publish(existing)
    title = problems.problem(existing).title

    official = browser.new_context(locale="ru-RU").new_page()
    assert _counter(official, live_server, title) == 1
    _sign_in(official, live_server, OFFICIAL)
    official.goto(live_server.url + "/dialogue/report")
    official.fill("textarea[name=text]", "Как создать ТОС в поселении: жители хотят, а порядка регистрации мы не знаем")
    official.click("input[name=check]")
    matches = official.locator(".dialogue-matches")
    matches.wait_for()
    assert "Как создать ТОС" in matches.inner_text()  # the solution of the corpus is offered
    assert official.locator("select[name=topic]").input_value() == "ТОС"  # topic suggested from the text
    official.click("input[name=send]")
    official.wait_for_url("**/dialogue/mine")
    assert "на рассмотрении у редактора" in official.locator("main").inner_text()
    mine = problems.reports_of(_official_id(live_server))
    new_problem = mine[0].problem_id
    if new_problem == existing:  # the clustering already joined them: the editor still has to publish
        new_problem = problems.split(existing, [mine[0].id]).id

    editor = browser.new_context(locale="ru-RU").new_page()
    _sign_in(editor, live_server, EDITOR)
    editor.goto(live_server.url + "/editor/dialogue/")
    section = editor.locator(f"#problem-{new_problem}")
    section.locator("input[name=target]").fill(str(existing))
    section.locator("form", has=editor.locator("input[name=target]")).locator("button").click()
    editor.wait_for_load_state()
    assert "перенесены" in editor.locator("main").inner_text()

    assert _counter(official, live_server, title) == 2


def _official_id(live_server) -> int:  # noqa: ANN001
    with live_server.app.app_context():
        from search_app.web.services import accounts

        return accounts().by_email(OFFICIAL).id
