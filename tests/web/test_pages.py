"""HTML pages over the fixture corpus: every route, its content and its error paths."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from html import unescape
from xml.etree import ElementTree as ET

import pytest
from flask import Flask
from flask.testing import FlaskClient

from search_app.backends.base import BackendError
from search_app.web.security import CONTENT_SECURITY_POLICY

ATOM = "{http://www.w3.org/2005/Atom}"


def text_of(html: str) -> str:
    """Visible text with tags dropped and whitespace collapsed."""
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    return " ".join(text.replace(" ", " ").replace(" ", " ").split())


def ids_in(html: str) -> list[str]:
    return re.findall(r'<h3 class="hit__title"><a href="/documents/([^"]+)"', html)


def get(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


# -- headers -----------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/search?q=двор", "/documents/m-yards", "/nope", "/api/v1/search",
                                 "/api/v1/nope", "/static/css/app.css", "/search.atom"])
def test_security_headers_everywhere(client: FlaskClient, url: str) -> None:
    headers = client.get(url).headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_scripts_or_styles(client: FlaskClient) -> None:
    for url in ("/", "/search?q=тос", "/documents/s-yards", "/now", "/solutions"):
        html = get(client, url)
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
        assert " style=" not in html
        # every stylesheet, script and image is served by the app itself (no CDN)
        assets = re.findall(r'<(?:link|script|img)\b[^>]*\b(?:href|src)="([^"]+)"', html)
        assert assets and all(a.startswith("/") for a in assets), assets


# -- home ----------------------------------------------------------------------


def test_home(client: FlaskClient) -> None:
    html = get(client, "/")
    text = text_of(html)
    assert 'role="search"' in html and 'name="q"' in html
    # counts per kind, linked to the search page
    assert "Меры поддержки 3" in text and "Конкурсы 4" in text and "Правовые акты 7" in text
    assert 'href="/search?kind=competition"' in html
    # competitions closing soon: open ones by deadline, the closed one absent
    closing = html[html.index('id="closing-title"'):html.index('id="newest-title"')]
    assert re.findall(r'href="/documents/([^"]+)"', closing) == ["c-open", "c-perm", "c-nko"]
    assert "Осталось 12 дней" in text_of(closing)
    newest = html[html.index('id="newest-title"'):]
    assert re.findall(r'class="compact-item__title" href="/documents/([^"]+)"', newest) == ["m-fed", "m-yards"]
    assert 'href="/search?topic=%D0%B1%D0%BB%D0%B0%D0%B3%D0%BE%D1%83%D1%81%D1%82%D1%80%D0%BE%D0%B9%D1%81%D1%82%D0%B2%D0%BE"' in html


# -- search --------------------------------------------------------------------


def test_search_page_basics(client: FlaskClient) -> None:
    html = get(client, "/search?q=благоустройство")
    text = text_of(html)
    assert "Найдено 10 документов" in text
    assert re.search(r"за \d+\s*мс", text)
    assert "<mark>благоустройств" in html  # highlighted snippets and titles
    assert '<span class="badge badge--measure">Мера поддержки</span>' in html
    assert 'rel="alternate" type="application/atom+xml"' in html
    assert 'href="/search.csv?q=%D0%B1%D0%BB%D0%B0%D0%B3%D0%BE%D1%83%D1%81%D1%82%D1%80%D0%BE%D0%B9%D1%81%D1%82%D0%B2%D0%BE"' in html
    # pagination: 10 results, 10 a page → one page, no pagination
    assert 'class="pagination"' not in html


def test_search_facets_multi_value_and_disjunctive(client: FlaskClient) -> None:
    html = get(client, "/search?kind=competition&kind=legal_act&region=Вологодская+область&open=0&federal=0")
    assert sorted(ids_in(html)) == ["c-closed", "c-open"]
    kind = html[html.index('id="facet-kind"'):html.index('id="facet-region"')]
    options = re.findall(r'<a class="facet-option( is-selected)?" href="([^"]+)"[^>]*>.*?__label">([^<]+)<.*?__count">(\d+)<',
                         kind, re.S)
    # the kind facet is counted without its own selection (disjunctive)
    assert [(bool(sel), label, int(count)) for sel, _, label, count in options] == [
        (True, "Конкурс", 2), (False, "Мера поддержки", 2), (False, "Практика", 2), (True, "Правовой акт", 0)]
    toggle = dict((label, url) for _, url, label, _ in options)
    assert toggle["Конкурс"] == "/search?kind=legal_act&amp;region=%D0%92%D0%BE%D0%BB%D0%BE%D0%B3%D0%BE%D0%B4%D1%81%D0%BA%D0%B0%D1%8F+%D0%BE%D0%B1%D0%BB%D0%B0%D1%81%D1%82%D1%8C&amp;open=0&amp;federal=0"
    # chips with remove links, and «Сбросить все»
    chips = re.findall(r'<a class="chip" href="([^"]+)"[^>]*>([^<]+)<', html)
    assert [label for _, label in chips] == [
        "Вид документа: Конкурс", "Вид документа: Правовой акт", "Регион: Вологодская область", "Без федеральных документов"]
    assert '<a class="chips__clear" href="/search">Сбросить все</a>' in html


def test_choosing_deadline_kinds_changes_no_other_setting(client: FlaskClient) -> None:
    home = get(client, "/search")
    kind = home[home.index('id="facet-kind"'):home.index('id="facet-region"')]
    measures = int(re.search(r'Мера поддержки</span><span class="facet-option__count">(\d+)<', kind).group(1))
    html = get(client, "/search?kind=measure")
    assert f"Найдено {measures} " in text_of(html)  # the count the facet showed is the count listed
    assert "Показаны только открытые сейчас" not in html and "Только открытые сейчас" not in html
    # Deadline sort: open by nearest deadline, then permanent, then finished (latest first).
    shown = get(client, "/search?kind=competition&kind=measure&sort=deadline")
    assert ids_in(shown) == ["c-open", "m-fed", "c-perm", "c-nko", "m-yards", "m-expired", "c-closed"]
    assert "Приём заявок завершён" in shown and "Заявки до 1 марта 2025" in text_of(shown)
    assert 'class="switch is-on"' in shown
    # Open only is the user's choice, shown as a chip that removes it.
    only = get(client, "/search?kind=competition&kind=measure&sort=deadline&open=1")
    assert ids_in(only) == ["c-open", "m-fed", "c-perm", "c-nko", "m-yards"]
    chips = dict((label, url) for url, label in re.findall(r'<a class="chip" href="([^"]+)"[^>]*>([^<]+)<', only))
    assert chips["Только открытые сейчас"] == "/search?kind=competition&amp;kind=measure&amp;sort=deadline"


def test_countdown_and_amount_in_hits(client: FlaskClient) -> None:
    html = get(client, "/search?kind=competition&kind=measure&sort=deadline")
    text = text_of(html)
    assert "Осталось 12 дней" in text  # c-open, 2026-12-09
    assert "Остался 21 день" in text  # m-fed, 2026-12-18
    assert "от 100 000 до 500 000 ₽" in text
    assert "Действует постоянно" in text


def test_amount_range_filter(client: FlaskClient) -> None:
    html = get(client, "/search?amount_from=1000000&open=0")
    assert sorted(ids_in(html)) == ["m-fed", "m-yards"]
    assert "Сумма от 1 000 000 ₽" in text_of(html)


def test_sort_and_pagination_state_in_url(client: FlaskClient) -> None:
    html = get(client, "/search?per_page=5&sort=newest")
    assert 'aria-current="page">1<' in html
    assert '<a class="pagination__link" href="/search?sort=newest&amp;per_page=5&amp;page=2">2</a>' in html
    page2 = get(client, "/search?per_page=5&sort=newest&page=2")
    assert len(ids_in(page2)) == 5 and not set(ids_in(page2)) & set(ids_in(html))
    assert '<option value="newest" selected>' in page2
    assert 'rel="prev"' in page2 and 'href="/search?sort=newest&amp;per_page=5"' in page2


def test_page_past_the_end(client: FlaskClient) -> None:
    html = get(client, "/search?q=благоустройство&page=50")
    assert "На этой странице результатов нет." in html


def test_empty_state_with_tips(client: FlaskClient) -> None:
    html = get(client, "/search?q=космодром&kind=measure&open=1")
    text = text_of(html)
    assert "По запросу «космодром» ничего не найдено" in text
    assert "сбросьте фильтры" in text and "покажите и завершённые" in text
    assert "Возможно, вы имели в виду" not in text


def test_did_you_mean_and_searched_text_are_rendered(app: Flask, client: FlaskClient) -> None:
    engine = app.extensions["munnav"].engine
    real = engine.search

    def with_suggestion(query):  # the query-understanding engineer fills these fields
        result = real(query)
        return replace(result, suggestion="благоустройство", searched_text="благоустройство" if result.total else None)

    engine.search = with_suggestion
    try:
        empty = get(client, "/search?q=космодром")
        assert "Возможно, вы имели в виду:" in empty
        assert '<a href="/search?q=%D0%B1%D0%BB%D0%B0%D0%B3%D0%BE%D1%83%D1%81%D1%82%D1%80%D0%BE%D0%B9%D1%81%D1%82%D0%B2%D0%BE">благоустройство</a>' in empty
        found = get(client, "/search?q=благоустроиство")
        assert "Показаны результаты по запросу «" in found
    finally:
        del engine.search


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/search?page=-1", "Номер страницы: ожидается целое число от 1 до 10000, получено -1."),
        ("/search?page=abc", "Номер страницы: ожидается целое число от 1 до 10000, получено &#39;abc&#39;."),
        ("/search?sort=xyz", "Неизвестная сортировка &#39;xyz&#39;; допустимо: relevance, newest, deadline."),
        ("/search?kind=spaceship", "Неизвестный вид документа &#39;spaceship&#39;."),
        ("/search?q=" + "я" * 10_000, "Запрос слишком длинный (10000 символов); сократите его до 500."),
    ],
)
def test_bad_parameters_give_a_normal_page_with_a_message(client: FlaskClient, url: str, message: str) -> None:
    html = get(client, url, status=400)
    assert "Не удалось выполнить поиск" in html
    assert message in html
    assert 'role="search"' in html  # the search box is still there


@pytest.mark.parametrize("q", ['"', "-", "AND OR NOT ( ) * ~ ^", '<script>alert(1)</script>', "'; DROP TABLE documents; --",
                               "<img src=x onerror=alert(1)>", "%00", "\\"])
def test_hostile_queries_never_fail(client: FlaskClient, q: str) -> None:
    response = client.get("/search", query_string={"q": q})
    assert response.status_code in (200, 400)
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html


def test_unknown_parameters_are_ignored(client: FlaskClient) -> None:
    html = get(client, "/search?q=тос&utm_source=mail&foo=bar&kind=competition&open=1")
    assert "utm_source" not in html and "foo=bar" not in html
    assert sorted(ids_in(html)) == ["c-open", "c-perm"]


# -- documents -----------------------------------------------------------------


def test_measure_page(client: FlaskClient) -> None:
    html = get(client, "/documents/m-yards")
    text = text_of(html)
    assert "Главная Мера поддержки Субсидия на благоустройство" in text
    assert '<a href="/search?kind=measure">Мера поддержки</a>' in html
    for fact in ("Кто предоставляет Правительство Вологодской области", "Кто может получить органы местного самоуправления",
                 "Размер поддержки до 50 000 000 ₽", "Срок подачи заявок без ограничения срока",
                 "Как подать заявку"):
        assert fact in text
    assert 'href="https://vologda-oblast.ru/yards" rel="noopener noreferrer"' in html
    links = re.findall(r'<a class="act-link" href="([^"]+)"[^>]*>([^<]+)</a>', html)
    assert links == [
        ("/documents/act-1710", "постановлению Правительства РФ от 30.12.2017 № 1710"),
        ("/documents/act-131", "ст. 14 Федерального закона от 06.10.2003 № 131-ФЗ"),
        ("/documents/act-44", "44-ФЗ"),
        ("/search?q=%E2%84%96+7-%D0%A4%D0%97&amp;kind=legal_act", "7-ФЗ"),  # two acts share the number
    ]
    assert 'id="related-title"' in html


def test_competition_pages_open_and_closed(client: FlaskClient) -> None:
    open_text = text_of(get(client, "/documents/c-open"))
    assert "до 9 декабря 2026 г., осталось 12 дней" in open_text
    assert "от 100 000 до 500 000 ₽" in open_text
    closed = text_of(get(client, "/documents/c-closed"))
    assert "Приём заявок завершён" in closed and "Срок подачи истёк 1 марта 2025 г." in closed


def test_legal_act_page(client: FlaskClient) -> None:
    text = text_of(get(client, "/documents/act-131"))
    for fact in ("Вид акта Федеральный закон", "Номер 131-ФЗ", "Дата принятия 6 октября 2003 г.",
                 "Статус Утратил силу", "Документ утратил силу", "Официальный текст"):
        assert fact in text
    html = get(client, "/documents/act-131")
    assert 'href="/documents/act-33"' in html  # «№ 33-ФЗ» in the summary is linked …
    assert 'class="act-link" href="/documents/act-131"' not in html  # … but never to the page itself
    assert "Проект документа" in text_of(get(client, "/documents/act-draft"))


def test_practice_and_course_pages(client: FlaskClient) -> None:
    text = text_of(get(client, "/documents/p-yard"))
    assert "Муниципальное образование городской округ Череповец" in text
    assert "Результаты Отремонтировано 120 дворов." in text
    course = text_of(get(client, "/documents/course-msu"))
    assert "Организатор РАНХиГС" in course and "Для кого муниципальные служащие" in course


def test_crawled_html_is_inert(client: FlaskClient) -> None:
    html = get(client, "/documents/crawled-xss")
    assert "<script>alert(1)</script>" not in html
    assert "<iframe" not in html and "<img src=x" not in html and '<a href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    search = get(client, "/search?q=набережной")
    assert ids_in(search) == ["crawled-xss"]
    assert "<script>alert(1)</script>" not in search and "<b>благоустройства</b>" not in search
    assert "&lt;b&gt;" in search


def test_solution_page_flags_stale_references(client: FlaskClient) -> None:
    html = get(client, "/documents/s-yards")
    refs = re.findall(r'<li class="step-ref step-ref--(\w+)">.*?step-ref__title"[^>]*>([^<]+)<.*?</li>', html, re.S)
    assert [(level, title[:30]) for level, title in refs] == [
        ("ok", "Постановление Правительства РФ"),
        ("ok", "Субсидия на благоустройство дв"),
        ("ok", "Конкурс проектов ТОС Вологодск"),
        ("danger", "Конкурс проектов ТОС Вологодск"),
        ("danger", "Федеральный закон от 06.10.200"),
        ("warn", "Проект постановления о порядке"),
        ("info", "Череповец: ремонт дворов с уча"),
        ("danger", "Документ «gone-doc»"),
    ]
    text = text_of(html)
    for label in ("Приём заявок до 9 декабря 2026 г., осталось 12 дней",
                  "Внимание: Приём заявок завершён 1 марта 2025 г.", "Внимание: Утратил силу",
                  "Внимание: Проект, не вступил в силу", "Внимание: Документ отсутствует в базе"):
        assert label in text
    assert "Проверьте актуальность: 4 ссылки требуют внимания" in text
    assert re.findall(r'<li class="step" id="step-(\d)">', html) == ["1", "2", "3", "4"]
    assert '<a href="/solutions">Готовые решения</a>' in html
    # related documents leave out what the steps already list
    related = html[html.index('id="related-title"'):] if 'id="related-title"' in html else ""
    for listed in ("act-1710", "c-open", "gone-doc"):
        assert f'href="/documents/{listed}"' not in related


def test_missing_document_is_a_404_page(client: FlaskClient) -> None:
    html = get(client, "/documents/no-such-doc", status=404)
    assert "Документ не найден" in html and 'href="/search"' in html


def test_solutions_index_by_topic(client: FlaskClient) -> None:
    html = get(client, "/solutions")
    groups = re.findall(r'<h2 id="topic-\d+-title">([^<]+)</h2>', html)
    assert groups == ["Благоустройство", "Местное самоуправление", "ТОС"]
    assert html.count('href="/documents/s-tos"') == 2  # listed under both its topics
    assert "4 шага" in text_of(html)


def test_now_page(client: FlaskClient) -> None:
    html = get(client, "/now?region=Вологодская+область&audience=ТОС")
    assert ids_in(html) == ["c-open"]
    html = get(client, "/now?region=Вологодская+область")
    # regional and federal ones, open only, by deadline
    assert ids_in(html) == ["c-open", "m-fed", "c-nko", "m-yards"]
    assert '<option value="Вологодская область" selected>' in html
    everything = get(client, "/now")
    assert ids_in(everything) == ["c-open", "m-fed", "c-perm", "c-nko", "m-yards"]
    assert "Номер страницы должен быть целым числом." in get(client, "/now?page=x", status=400)


# -- feeds and exports ------------------------------------------------------------


def test_atom_feed(client: FlaskClient) -> None:
    response = client.get("/search.atom?kind=competition&open=0")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.findtext(f"{ATOM}title") == "Муниципальный навигатор: Конкурс"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        "http://localhost/documents/c-nko", "http://localhost/documents/c-open",
        "http://localhost/documents/c-perm", "http://localhost/documents/c-closed"]
    assert entries[0].findtext(f"{ATOM}updated") == "2026-11-01T00:00:00Z"
    assert client.get("/search.atom?sort=bad").status_code == 400


def test_opensearch_description(client: FlaskClient) -> None:
    response = client.get("/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    root = ET.fromstring(response.data)
    ns = "{http://a9.com/-/spec/opensearch/1.1/}"
    urls = {u.get("type"): u.get("template") for u in root.findall(f"{ns}Url")}
    assert urls == {
        "text/html": "http://localhost/search?q={searchTerms}",
        "application/x-suggestions+json": "http://localhost/api/v1/suggest?format=opensearch&q={searchTerms}",
    }


def test_csv_export_streams_every_page(client: FlaskClient) -> None:
    response = client.get("/search.csv?sort=newest&per_page=2")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed
    assert 'attachment; filename="munnav-2026-11-27.csv"' == response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["id", "Вид", "Название"]
    assert len(rows) == 1 + 19  # every document, not just the first page of 2
    assert len({r[0] for r in rows[1:]}) == 19
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["c-open"][12:14] == ["100000", "500000"]
    assert by_id["c-open"][-1] == "http://localhost/documents/c-open"


def test_csv_export_bad_parameters(client: FlaskClient) -> None:
    assert client.get("/search.csv?page=abc").status_code == 400


# -- errors -----------------------------------------------------------------------


def test_unknown_page_is_a_russian_404(client: FlaskClient) -> None:
    html = get(client, "/no/such/page", status=404)
    assert "Страница не найдена" in html


def test_engine_down_is_a_503_page(app: Flask, client: FlaskClient) -> None:
    engine = app.extensions["munnav"].engine

    def down(*args, **kwargs):
        raise BackendError("connection refused")

    engine.search = down
    try:
        html = get(client, "/search?q=тос", status=503)
        assert "Поиск временно недоступен" in html
    finally:
        del engine.search


def test_healthz(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok", "documents": 19, "today": "2026-11-27"}


def test_typo_is_searched_corrected_with_a_way_back(client: FlaskClient) -> None:
    html = client.get("/search?q=конкрс").get_data(as_text=True)
    assert "Показаны результаты по запросу «<a href=\"/search?q=%D0%BA%D0%BE%D0%BD%D0%BA%D1%83%D1%80%D1%81\">конкурс</a>»" in html
    assert "verbatim=1" in html
    verbatim = client.get("/search?q=конкрс&verbatim=1").get_data(as_text=True)
    assert "Показаны результаты по запросу" not in verbatim
