"""Pure pieces of the web app, tested without the app: parse, facets, links, formats."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.document import Document
from search_app.query import FacetValue, QueryError, SearchQuery
from search_app.web.act_index import ActEntry, choose
from search_app.web.acts import (
    ActLink,
    ActRef,
    find_references,
    link_acts,
    normalize_number,
    render_text,
)
from search_app.web.export import safe_cell
from search_app.web.facets import build_chips, build_facets, clear_all_url
from search_app.web.formatting import amount_range, countdown, plural, russian_date
from search_app.web.pagination import paginate
from search_app.web.params import parse_search
from search_app.web.refs import ref_status
from search_app.web.search_page import open_switch
from search_app.web.urlstate import UrlState

TODAY = dt.date(2026, 11, 27)


def state(query: str) -> UrlState:
    from urllib.parse import parse_qsl

    return UrlState.from_pairs(parse_qsl(query, keep_blank_values=True))


# -- formatting ------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "дней"), (1, "день"), (2, "дня"), (4, "дня"), (5, "дней"), (11, "дней"), (12, "дней"),
     (14, "дней"), (21, "день"), (22, "дня"), (25, "дней"), (101, "день"), (111, "дней"), (112, "дней")],
)
def test_plural(n: int, expected: str) -> None:
    assert plural(n, ("день", "дня", "дней")) == expected


@pytest.mark.parametrize(
    ("days", "expected"),
    [(12, "осталось 12\u00a0дней"), (1, "остался 1\u00a0день"), (21, "остался 21\u00a0день"),
     (3, "осталось 3\u00a0дня"), (0, "последний день"), (None, ""), (-1, "")],
)
def test_countdown(days: int | None, expected: str) -> None:
    assert countdown(days) == expected


def test_dates_and_amounts() -> None:
    assert russian_date(dt.date(2003, 10, 6)) == "6\u00a0октября 2003\u00a0г."
    assert amount_range(100000, 500000) == "от 100\u202f000 до 500\u202f000\u00a0₽"
    assert amount_range(None, 50_000_000) == "до 50\u202f000\u202f000\u00a0₽"
    assert amount_range(1000, None) == "от 1\u202f000\u00a0₽"
    assert amount_range(7, 7) == "7\u00a0₽"
    assert amount_range(None, None) == ""


# -- URL state and parameters ------------------------------------------------


def test_url_state_keeps_known_params_in_order() -> None:
    s = state("utm_source=x&page=2&kind=measure&q=двор&kind=measure&sort=newest&sort=deadline&region=")
    assert s.pairs == (("q", "двор"), ("kind", "measure"), ("sort", "newest"), ("page", "2"))


def test_url_state_changes_reset_page_except_paging() -> None:
    s = state("q=двор&kind=measure&page=3")
    assert s.toggle("kind", "competition").url("/search") == "/search?q=%D0%B4%D0%B2%D0%BE%D1%80&kind=measure&kind=competition"
    assert s.toggle("kind", "measure").pairs == (("q", "двор"),)
    assert s.replace("page", "4").pairs == (("q", "двор"), ("kind", "measure"), ("page", "4"))
    assert s.replace("sort", "newest").get("page") == ""


def test_parse_search_full() -> None:
    q = parse_search(state(
        "q=+субсидия+&kind=measure&region=Вологодская+область&region=Российская+Федерация&topic=ТОС"
        "&year=2026&year_from=2020&year_to=2027&amount_from=100+000&amount_to=5000000,50&sort=deadline&page=2&per_page=20"
    ))
    assert q == SearchQuery(
        text="субсидия",
        filters={"kind": ("measure",), "regions": ("Вологодская область", "Российская Федерация"),
                 "topics": ("ТОС",), "year": ("2026",)},
        year_from=2020, year_to=2027, amount_from=100000.0, amount_to=5000000.5, open_now=False,
        sort="deadline", page=2, per_page=20,
    )


@pytest.mark.parametrize(
    ("query", "open_now"),
    [("", False), ("kind=measure", False), ("kind=competition&kind=measure", False),
     ("kind=competition&kind=legal_act", False), ("kind=measure&open=0", False), ("open=1", True),
     ("kind=legal_act&open=1", True), ("kind=measure&open=1", True)],
)
def test_open_now_only_when_asked(query: str, open_now: bool) -> None:
    assert parse_search(state(query)).open_now is open_now


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=abc", "Номер страницы: ожидается целое число от 1 до 10000, получено 'abc'."),
        ("page=-1", "Номер страницы: ожидается целое число от 1 до 10000, получено -1."),
        ("page=0", "Номер страницы: ожидается целое число от 1 до 10000, получено 0."),
        ("per_page=1000", "Размер страницы: ожидается целое число от 1 до 100, получено 1000."),
        ("sort=xyz", "Неизвестная сортировка 'xyz'; допустимо: relevance, newest, deadline."),
        ("kind=spaceship", "Неизвестный вид документа 'spaceship'."),
        ("status=sleeping", "Неизвестный статус 'sleeping'."),
        ("year=20x6", "Год должен быть числом из четырёх цифр, получено '20x6'."),
        ("amount_from=много", "Сумма «от»: ожидается сумма в рублях, получено 'много'."),
        ("amount_from=-5", "Сумма «от»: сумма не может быть отрицательной."),
        ("amount_to=1e999", "Сумма «до»: ожидается сумма в рублях, получено '1e999'."),
        ("amount_from=10&amount_to=5", "Минимальная сумма больше максимальной."),
        ("year_from=2027&year_to=2020", "Начальный год больше конечного."),
        ("open=maybe", "Параметр open принимает 1 или 0, получено 'maybe'."),
        ("q=" + "а" * 10_000, "Запрос слишком длинный (10000 символов); сократите его до 500."),
    ],
)
def test_parse_search_errors(query: str, message: str) -> None:
    with pytest.raises(QueryError) as err:
        parse_search(state(query))
    assert str(err.value) == message


# -- facets and chips --------------------------------------------------------


def test_facets_view_model() -> None:
    s = state("q=тос&kind=competition&region=Пермский+край")
    facets = build_facets(
        {"kind": [FacetValue("competition", 3, True), FacetValue("measure", 2)],
         "regions": [FacetValue("Пермский край", 1, True)], "topics": []},
        s, "/search", visible=1,
    )
    assert [(f.field, f.param, f.title) for f in facets] == [("kind", "kind", "Вид документа"), ("regions", "region", "Регион")]
    kind = facets[0]
    assert [(i.value, i.label, i.count, i.selected) for i in kind.items] == [
        ("competition", "Конкурс", 3, True), ("measure", "Мера поддержки", 2, False)]
    assert kind.items[0].toggle_url == "/search?q=%D1%82%D0%BE%D1%81&region=%D0%9F%D0%B5%D1%80%D0%BC%D1%81%D0%BA%D0%B8%D0%B9+%D0%BA%D1%80%D0%B0%D0%B9"
    assert kind.items[1].toggle_url.endswith("&kind=competition&kind=measure&region=%D0%9F%D0%B5%D1%80%D0%BC%D1%81%D0%BA%D0%B8%D0%B9+%D0%BA%D1%80%D0%B0%D0%B9")
    assert [i.value for i in kind.shown] == ["competition"]
    assert [i.value for i in kind.folded] == ["measure"]


def test_long_facet_renders_its_head_and_opens_whole_by_link() -> None:
    values = [FacetValue(f"Регион {i:02d}", 100 - i) for i in range(40)]
    values[30] = FacetValue("Регион 30", 70, True)  # selected beyond the head: still rendered
    s = state("q=двор&region=Регион+30")
    (regions,) = build_facets({"regions": values}, s, "/search", visible=6, folded=14)
    assert [i.value for i in regions.items] == [f"Регион {i:02d}" for i in range(20)] + ["Регион 30"]
    assert regions.total_values == 40
    assert regions.more_url.endswith("&expand=region")
    assert not regions.less_url
    opened = state(regions.more_url.split("?", 1)[1])
    (whole,) = build_facets({"regions": values}, opened, "/search", visible=6, folded=14)
    assert len(whole.items) == 40 and not whole.more_url
    assert whole.less_url == "/search?q=%D0%B4%D0%B2%D0%BE%D1%80&region=%D0%A0%D0%B5%D0%B3%D0%B8%D0%BE%D0%BD+30"
    # toggling a value keeps the facet open
    assert whole.items[0].toggle_url.endswith("&expand=region")


def test_chips_and_clear_all() -> None:
    s = state("q=двор&kind=measure&status=open&amount_from=1000&year_from=2020&sort=newest&page=2")
    q = parse_search(s)
    chips = build_chips(q, s, "/search")
    assert [c.label for c in chips] == [
        "Вид документа: Мера поддержки", "Статус: Приём заявок", "Годы: 2020 – …", "Сумма от 1\u202f000\u00a0₽"]
    assert chips[0].remove_url == "/search?q=%D0%B4%D0%B2%D0%BE%D1%80&status=open&year_from=2020&amount_from=1000&sort=newest"
    assert clear_all_url(s, "/search") == "/search?q=%D0%B4%D0%B2%D0%BE%D1%80&sort=newest"


def test_open_switch_urls() -> None:
    s = state("kind=measure")  # a kind never turns «open now» on by itself
    switch = open_switch(parse_search(s), s, "/search")
    assert (switch.show_finished, switch.url) == (True, "/search?kind=measure&open=1")
    s = state("kind=measure&open=1")
    assert open_switch(parse_search(s), s, "/search").url == "/search?kind=measure"
    s = state("q=x")
    assert open_switch(parse_search(s), s, "/search").url == "/search?q=x&open=1"


def test_pagination() -> None:
    p = paginate(6, 20, lambda n: f"/p{n}")
    assert p is not None
    assert [link.number for link in p.links] == [1, None, 4, 5, 6, 7, 8, None, 20]
    assert [link.current for link in p.links].index(True) == 4
    assert (p.prev_url, p.next_url) == ("/p5", "/p7")
    assert paginate(1, 1, str) is None
    last = paginate(3, 3, lambda n: f"/p{n}")
    assert last is not None and last.next_url == "" and [link.number for link in last.links] == [1, 2, 3]


# -- act references ------------------------------------------------------------


def test_find_references() -> None:
    text = ("По ст. 14 Федерального закона от 06.10.2003 № 131-ФЗ, 44-ФЗ и постановлению № 1710; "
            "приказ Минфина России от 06.12.2010 № 162н. Заявка № 5 и дом № 7 — не акты.")
    found = [(text[s:e], ref) for s, e, ref in find_references(text)]
    assert found == [
        ("ст. 14 Федерального закона от 06.10.2003 № 131-ФЗ",
         ActRef("131-ФЗ", dt.date(2003, 10, 6), "Федерального закона", "ст. 14")),
        ("44-ФЗ", ActRef("44-ФЗ")),
        ("постановлению № 1710", ActRef("1710", None, "постановлению")),
        ("приказ Минфина России от 06.12.2010 № 162н", ActRef("162н", dt.date(2010, 12, 6), "приказ Минфина России")),
    ]


def test_link_acts_escapes_everything_else() -> None:
    def resolve(ref: ActRef) -> ActLink | None:
        return ActLink(f"/documents/{ref.number}?a=1&b=2", "Закон «О\"»") if ref.number == "44-ФЗ" else None

    html = link_acts("<b>44-ФЗ</b> & 99-ФЗ", resolve)
    assert str(html) == (
        '&lt;b&gt;<a class="act-link" href="/documents/44-ФЗ?a=1&amp;b=2" title="Закон «О&#34;»">44-ФЗ</a>'
        "&lt;/b&gt; &amp; 99-ФЗ"
    )
    assert str(render_text("Первый <i>абзац</i>\nстрока\n\n\nВторой", resolve)) == (
        "<p>Первый &lt;i&gt;абзац&lt;/i&gt;<br>строка</p>\n<p>Второй</p>")


def test_act_choice_by_number_date_and_type() -> None:
    law96 = ActEntry("a", "О НКО", "Федеральный закон", dt.date(1996, 1, 12))
    law02 = ActEntry("b", "Об охране", "Федеральный закон", dt.date(2002, 1, 10))
    decree = ActEntry("c", "Постановление", "Постановление Правительства РФ", dt.date(2017, 12, 30))
    assert choose(ActRef("7-ФЗ"), [law96, law02]) == [law96, law02]
    assert choose(ActRef("7-ФЗ", dt.date(2002, 1, 10)), [law96, law02]) == [law02]
    assert choose(ActRef("7-ФЗ", dt.date(1990, 1, 1)), [law96, law02]) == []
    assert choose(ActRef("1710", type_hint="постановлением"), [decree]) == [decree]
    assert choose(ActRef("1710", type_hint="приказом"), [decree]) == []
    assert normalize_number("№131 - фз") == "131-ФЗ"


# -- step references, CSV ---------------------------------------------------------


def doc(**fields: object) -> Document:
    return Document.from_dict({"id": "x", "title": "t", **fields})


@pytest.mark.parametrize(
    ("fields", "level", "label"),
    [
        (None, "danger", "Документ отсутствует в базе"),
        ({"kind": "legal_act", "status": "expired"}, "danger", "Утратил силу"),
        ({"kind": "legal_act", "status": "draft"}, "warn", "Проект, не вступил в силу"),
        ({"kind": "legal_act", "status": "in_force"}, "ok", "Действует"),
        ({"kind": "competition", "status": "open", "deadline": "2026-11-01"}, "danger",
         "Приём заявок завершён 1\u00a0ноября 2026\u00a0г."),
        ({"kind": "competition", "status": "closed"}, "danger", "Приём заявок завершён"),
        ({"kind": "competition", "status": "open", "deadline": "2026-12-09"}, "ok",
         "Приём заявок до 9\u00a0декабря 2026\u00a0г., осталось 12\u00a0дней"),
        ({"kind": "measure", "status": "permanent"}, "ok", "Действует постоянно"),
        ({"kind": "practice"}, "info", ""),
    ],
)
def test_ref_status(fields: dict | None, level: str, label: str) -> None:
    status = ref_status(doc(**fields) if fields is not None else None, TODAY)
    assert (status.level, status.label) == (level, label)
    assert status.flagged is (level in ("warn", "danger"))


def test_csv_cells_never_become_formulas() -> None:
    assert [safe_cell(v) for v in ("=HYPERLINK(1)", "+7", "-x", "@SUM", "обычный", None, 5.0, 2.5, 3)] == [
        "'=HYPERLINK(1)", "'+7", "'-x", "'@SUM", "обычный", "", "5", "2.5", "3"]


def test_query_string_matches_urlencode() -> None:
    from urllib.parse import urlencode

    from search_app.web.urlstate import UrlState

    pairs = [("q", "грант & субсидия"), ("kind", "measure"), ("region", "Ханты-Мансийский автономный округ — Югра"),
             ("amount_from", "1 000"), ("page", "2")]
    state = UrlState.from_pairs(pairs)
    assert state.query_string() == urlencode(state.pairs)


def test_facet_option_html_is_escaped() -> None:
    from markupsafe import Markup

    from search_app.web.facets import FacetItem

    item = FacetItem(value='<b>"x"</b>', label='<b>"x"</b> & Co', count=3, selected=True, toggle_url='/search?q=a&region=<b>')
    html = str(Markup("{}").format(item))
    assert "<b>" not in html
    assert "&lt;b&gt;&#34;x&#34;&lt;/b&gt; &amp; Co" in html
    assert 'href="/search?q=a&amp;region=&lt;b&gt;"' in html
    assert "is-selected" in html and "(выбрано" in html and '__count">3<' in html
    plain = FacetItem(value="a", label="a", count=1, selected=False, toggle_url="/s")
    assert "is-selected" not in str(Markup("{}").format(plain)) and "выбрано" not in str(Markup("{}").format(plain))


@pytest.mark.parametrize("query", [
    "", "q=дороги", "q=дороги&page=3", "q=a&kind=measure&region=Омская+область&sort=newest&page=2",
    "region=Тверская+область&region=Омская+область&topic=ЖКХ&year=2025&expand=region",
    "q=x&open=0&amount_from=100&issuer=Минстрой+России&audience=НКО&status=open",
])
@pytest.mark.parametrize("param", ["kind", "region", "topic", "audience", "status", "issuer", "year", "expand"])
@pytest.mark.parametrize("value", ["measure", "Омская область", "Тверская область", "2025", "ЖКХ & Co", " padded ", ""])
def test_toggle_url_equals_toggle_then_url(query: str, param: str, value: str) -> None:
    current = state(query)
    assert current.toggle_url(param, value, "/search") == current.toggle(param, value).url("/search")
