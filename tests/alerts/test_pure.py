"""The alerts' pure logic: saved search URLs, periods, reminders, changes, letters, tokens."""

from __future__ import annotations

import datetime as dt
import email
from email import policy

import pytest

from ingest.document import Document
from search_app.alerts import periods
from search_app.alerts.changes import Arrival, act_changes, arrival
from search_app.alerts.letters import Envelope, Letter, LetterItem, SearchSection, compose
from search_app.alerts.reminders import reminder_key, reminder_stage
from search_app.alerts.saved_query import (
    canonical_query_string,
    default_name,
    query_for,
    search_url,
)
from search_app.alerts.tokens import TokenError, new_feed_token, unsubscribe_token, unsubscribe_user
from search_app.query import QueryError

DAY = dt.date(2026, 11, 27)


# -- saved search URLs --------------------------------------------------------------

def test_saved_url_is_canonical_and_drops_presentation() -> None:
    qs = canonical_query_string(
        "http://example.org/search?page=3&kind=competition&q=гранты+ТОС&expand=region&region=Вологодская+область&junk=1"
    )
    assert qs == canonical_query_string("/search?region=Вологодская+область&q=гранты+ТОС&kind=competition")
    assert "page=" not in qs and "expand=" not in qs and "junk" not in qs
    assert search_url(qs) == "/search?" + qs


def test_saved_url_gives_the_same_query_as_the_page() -> None:
    query = query_for(canonical_query_string("/search?q=ТОС&kind=competition&sort=deadline&amount_from=1000"))
    assert query.text == "ТОС"
    assert query.filters == {"kind": ("competition",)}
    assert not query.open_now  # as on the page: a kind never turns «open now» on by itself
    assert query_for(canonical_query_string("/search?q=ТОС&kind=competition&open=1")).open_now
    assert query.sort == "deadline" and query.amount_from == 1000
    assert query.page == 1 and not query.with_facets


@pytest.mark.parametrize("url, message", [
    ("", "Не указан"),
    ("/documents/a-131", "только страницу поиска"),
    ("https://evil.example/login?q=1", "только страницу поиска"),
    ("/search?kind=nonsense", "Неизвестный вид"),
    ("/search?year_from=abc", "целое число"),
])
def test_bad_saved_urls_are_refused_with_a_message(url: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        canonical_query_string(url)


def test_default_name() -> None:
    assert default_name("q=гранты") == "гранты"
    assert default_name("kind=competition&region=Пермский+край") == "Конкурс, Пермский край"
    assert default_name("") == "Все документы"


# -- periods --------------------------------------------------------------------------

def test_periods_daily_and_weekly() -> None:
    assert periods.period_key("daily", DAY) == "2026-11-27"
    assert periods.period_key("weekly", DAY) == "2026-W48"
    assert periods.period_key("weekly", dt.date(2026, 11, 30)) == "2026-W49"  # Monday: a new week
    assert periods.period_key("never", DAY) is None
    with pytest.raises(ValueError):
        periods.period_key("hourly", DAY)


def test_a_search_is_due_once_per_period() -> None:
    assert periods.is_due("daily", None, DAY)
    assert not periods.is_due("daily", "2026-11-27", DAY)
    assert periods.is_due("daily", "2026-11-26", DAY)
    assert not periods.is_due("weekly", "2026-W48", dt.date(2026, 11, 29))  # Sunday, same week
    assert periods.is_due("weekly", "2026-W48", dt.date(2026, 11, 30))
    assert not periods.is_due("never", None, DAY)


# -- reminders ------------------------------------------------------------------------

@pytest.mark.parametrize("days_left, stage", [
    (30, None), (8, None), (7, 7), (6, 7), (4, 7), (3, 3), (2, 3), (1, 1), (0, 1), (-1, None),
])
def test_reminder_stage_around_a_deadline(days_left: int, stage: int | None) -> None:
    deadline = DAY + dt.timedelta(days=days_left)
    assert reminder_stage(deadline, DAY) == stage


def test_reminder_stages_over_the_days_before_a_deadline() -> None:
    deadline = dt.date(2026, 12, 9)
    keys = {reminder_key("c", deadline, s) for d in range(20)
            if (s := reminder_stage(deadline, DAY + dt.timedelta(days=d))) is not None}
    assert keys == {reminder_key("c", deadline, 7), reminder_key("c", deadline, 3), reminder_key("c", deadline, 1)}
    assert reminder_stage(None, DAY) is None
    assert reminder_key("c", deadline, 3) != reminder_key("c", dt.date(2026, 12, 19), 3)  # moved deadline


# -- changes --------------------------------------------------------------------------

def _doc(**fields: object) -> Document:
    base = {"id": "x", "kind": "competition", "title": "Конкурс"}
    return Document.from_dict({**base, **fields})


def test_arrival_first_appeared_or_reopened() -> None:
    open_ = _doc(status="open", deadline="2026-12-20")
    assert arrival(None, open_, DAY) is Arrival.APPEARED
    assert arrival(open_, open_, DAY) is None
    assert arrival(_doc(status="closed"), open_, DAY) is Arrival.REOPENED
    assert arrival(_doc(status="open", deadline="2026-11-01"), open_, DAY) is Arrival.REOPENED  # deadline moved
    assert arrival(open_, _doc(status="closed"), DAY) is None


def test_act_changes_status_edition_text() -> None:
    act = _doc(kind="legal_act", status="in_force", published="2003-10-06", body="Текст.")
    assert act_changes(act, act) == []
    assert act_changes(act, _doc(kind="legal_act", status="expired", published="2003-10-06", body="Текст.")) == [
        "статус: Действует → Утратил силу"
    ]
    new_edition = _doc(kind="legal_act", status="in_force", published="2025-06-19", body="Новый текст.")
    assert act_changes(act, new_edition) == ["новая редакция от 19.06.2025", "изменён текст"]
    assert act_changes(act, _doc(kind="legal_act", status="in_force", published="2003-10-06", body="Текст.",
                                 edition="ред. от 01.01.2026")) == ["новая редакция от 06.10.2003"]


# -- letters --------------------------------------------------------------------------

LETTER = Letter(
    user_id=7,
    day=DAY,
    searches=(
        SearchSection(1, "Гранты ТОС", "/search?q=ТОС", (
            LetterItem("c-1", "Конкурс проектов ТОС <2027>", "competition", "новый", dt.date(2026, 12, 9)),
        )),
        SearchSection(2, "Пусто", "/search?q=ничего", ()),
    ),
    reminders=(LetterItem("c-2", "Конкурс НКО", "competition", "осталось 3 дня", dt.date(2026, 11, 30)),),
    changes=(LetterItem("a-1", "Закон № 131-ФЗ", "legal_act", "статус: Действует → Утратил силу"),),
)
ENVELOPE = Envelope(
    to="official@example.org", sender="Навигатор <noreply@example.org>", base_url="https://munnav.example",
    unsubscribe_url="https://munnav.example/alerts/unsubscribe/TOKEN", message_id="<letter-1@example.org>",
)


def test_letter_is_multipart_with_the_same_content() -> None:
    msg = email.message_from_bytes(compose(LETTER, ENVELOPE).as_bytes(), policy=policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    for part in (text, html):
        assert "Гранты ТОС" in part and "Конкурс НКО" in part and "Закон № 131-ФЗ" in part
        assert "https://munnav.example/documents/c-1" in part
        assert "09.12.2026" in part and "осталось 3 дня" in part
        assert "Пусто" not in part  # a search with nothing new is left out
        assert "https://munnav.example/alerts/unsubscribe/TOKEN" in part
    assert "Конкурс проектов ТОС <2027>" in text
    assert "Конкурс проектов ТОС &lt;2027&gt;" in html  # escaped in HTML only


def test_letter_headers_one_click_unsubscribe() -> None:
    msg = compose(LETTER, ENVELOPE)
    assert msg["List-Unsubscribe"] == "<https://munnav.example/alerts/unsubscribe/TOKEN>"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert msg["Message-ID"] == "<letter-1@example.org>"
    assert msg["To"] == "official@example.org"
    assert "(3)" in msg["Subject"]
    assert LETTER.count == 3 and not LETTER.empty
    assert Letter(user_id=1, day=DAY, searches=(SearchSection(1, "x", "/search", ()),)).empty


# -- tokens ---------------------------------------------------------------------------

def test_unsubscribe_token_round_trip_and_forgery() -> None:
    token = unsubscribe_token("secret", 42)
    assert unsubscribe_user("secret", token) == 42
    with pytest.raises(TokenError):
        unsubscribe_user("other secret", token)
    with pytest.raises(TokenError):
        unsubscribe_user("secret", token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1])
    with pytest.raises(TokenError):
        unsubscribe_user("secret", unsubscribe_token("secret", 42).replace(".", "x", 1))


def test_feed_tokens_are_long_and_random() -> None:
    tokens = {new_feed_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(len(t) >= 43 for t in tokens)
