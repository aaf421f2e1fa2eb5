"""An official's session in a real browser: search, facets, documents, a solution, back."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from tests.browser.conftest import ARTEFACTS


def text(locator) -> str:
    """Visible text with no-break spaces as plain ones."""
    return " ".join(locator.inner_text().replace("\u00a0", " ").replace("\u202f", " ").split())


def query_of(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


def facet_option(page, facet: str, label: str):
    return page.locator(f'section[aria-labelledby="facet-{facet}"] a.facet-option').filter(
        has=page.locator(".facet-option__label", has_text=re.compile(f"^{re.escape(label)}$"))
    )


def facet_counts(page, facet: str) -> dict[str, tuple[int, bool]]:
    out = {}
    for option in page.locator(f'section[aria-labelledby="facet-{facet}"] a.facet-option').all():
        label = option.locator(".facet-option__label").inner_text()
        count = int(option.locator(".facet-option__count").inner_text())
        out[label] = (count, "is-selected" in (option.get_attribute("class") or ""))
    return out


def test_search_facets_document_solution_and_back(page, live_server) -> None:
    page.goto(live_server.url + "/")
    page.fill("#q", "благоустройство")
    page.click("button[type=submit]:has-text('Найти')")
    page.wait_for_url(re.compile(r"/search\?q="))
    assert text(page.locator("#results-title")).startswith("Найдено 10 документов")

    # two values of one facet …
    facet_option(page, "kind", "Конкурс").click()
    page.wait_for_url(re.compile("kind=competition"))
    facet_option(page, "kind", "Мера поддержки").click()
    page.wait_for_url(re.compile("kind=measure"))
    # … and one of another
    facet_option(page, "region", "Вологодская область").click()
    page.wait_for_url(re.compile("region="))

    assert query_of(page.url) == [
        ("q", "благоустройство"), ("kind", "competition"), ("kind", "measure"), ("region", "Вологодская область")]
    # the region's own documents, then the federal measure (badged); closed ones are not hidden silently
    assert text(page.locator("#results-title")).startswith("Найдено 4 документа")
    kinds = facet_counts(page, "kind")
    assert (kinds["Конкурс"], kinds["Мера поддержки"]) == ((2, True), (2, True))
    assert facet_counts(page, "region")["Вологодская область"] == (3, True)
    assert facet_counts(page, "region")["Российская Федерация"] == (1, False)
    assert page.locator(".hit").last.locator(".badge--federal").inner_text() == "федеральная"
    chips = page.locator(".chip").all_inner_texts()
    assert [c.split("×")[0].strip() for c in chips] == [
        "Вид документа: Конкурс", "Вид документа: Мера поддержки", "Регион: Вологодская область"]
    assert page.locator(".switch").inner_text().strip().startswith("Показать завершённые")
    search_url = page.url

    # open a document, then come back with the state intact
    page.locator(".hit__title a", has_text="Конкурс проектов ТОС Вологодской области 2027").click()
    page.wait_for_url(re.compile("/documents/c-open$"))
    assert page.locator("h1").inner_text() == "Конкурс проектов ТОС Вологодской области 2027"
    assert "осталось 12 дней" in text(page.locator(".facts"))
    page.go_back()
    page.wait_for_url(search_url)
    assert facet_counts(page, "kind")["Конкурс"] == (2, True)
    assert page.locator("#q").input_value() == "благоустройство"

    # «Показать завершённые» off: only open ones, as a chip that brings the closed competition back
    closed = page.locator(".hit__title a", has_text="Конкурс проектов ТОС Вологодской области 2025")
    assert closed.count() == 1
    page.locator(".switch").click()
    page.wait_for_url(re.compile("open=1"))
    assert closed.count() == 0
    page.locator(".chip", has_text="Только открытые сейчас").click()
    page.wait_for_url(re.compile(r"^(?!.*open=)"))
    assert closed.count() == 1

    # a solution: follow a step's link, then back
    page.click("nav.nav >> text=Готовые решения")
    page.wait_for_url(re.compile("/solutions$"))
    page.locator(".solution-card__title", has_text="Как благоустроить двор").first.click()
    page.wait_for_url(re.compile("/documents/s-yards$"))
    step2 = page.locator("#step-2")
    assert "Приём заявок завершён" in step2.locator(".step-ref--danger").inner_text()
    solution_url = page.url
    step2.locator("a.step-ref__title", has_text="2027").click()
    page.wait_for_url(re.compile("/documents/c-open$"))
    page.go_back()
    page.wait_for_url(solution_url)
    assert page.locator("h1").inner_text() == "Как благоустроить двор по программе городской среды"

    assert page.console_errors == []  # no CSP violations, no script errors


def test_sort_selector_and_pagination_keep_state_in_url(page, live_server) -> None:
    page.goto(live_server.url + "/search?per_page=5&kind=legal_act")
    page.select_option("#sort", "newest")  # submits by itself with JS
    page.wait_for_url(re.compile("sort=newest"))
    assert ("kind", "legal_act") in query_of(page.url)
    page.click(".pagination__next")
    page.wait_for_url(re.compile("page=2"))
    assert query_of(page.url) == [("kind", "legal_act"), ("sort", "newest"), ("per_page", "5"), ("page", "2")]
    page.go_back()
    page.wait_for_url(re.compile(r"sort=newest(?!.*page=2)"))
    assert page.console_errors == []


def test_autocomplete(page, live_server) -> None:
    page.goto(live_server.url + "/")
    page.locator("#q").press_sequentially("конкурс", delay=30)
    listbox = page.locator("[role=listbox]")
    listbox.locator("[role=option]").first.wait_for()
    assert page.locator("#q").get_attribute("aria-expanded") == "true"
    options = listbox.locator("[role=option]").all_inner_texts()
    assert options[0].startswith("Конкурс\n")  # kind label, then the title
    page.press("#q", "ArrowDown")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile("/documents/c-"))
    assert page.console_errors == []


def test_crawled_script_does_not_run(page, live_server) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(live_server.url + "/documents/crawled-xss")
    page.goto(live_server.url + "/search?q=набережной")
    assert dialogs == []
    assert "<script>alert(1)</script>" in page.locator(".hit__title").inner_text()


def test_works_without_javascript(browser, live_server) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/search?kind=competition")
    page.select_option("#sort", "deadline")
    page.click(".sort-form button[type=submit]")
    page.wait_for_url(re.compile("sort=deadline"))
    assert query_of(page.url) == [("kind", "competition"), ("sort", "deadline")]
    context.close()


def test_screenshots(browser, live_server) -> None:
    """Home, search and solution pages at desktop and phone widths, for a human to look at."""
    ARTEFACTS.mkdir(exist_ok=True)
    pages = {
        "home": "/",
        "search": "/search?q=благоустройство&kind=competition&kind=measure",
        "solution": "/documents/s-yards",
        "document": "/documents/m-yards",
    }
    for device, width in (("desktop", 1280), ("phone", 375)):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="ru-RU")
        page = context.new_page()
        for name, path in pages.items():
            page.goto(live_server.url + path)
            target = ARTEFACTS / f"{name}-{device}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 10_000
            # nothing is wider than the screen
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        context.close()
