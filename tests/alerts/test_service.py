"""The alerts service over a real store and index: searches, follows, letters, delivery."""

from __future__ import annotations

import datetime as dt

import pytest

from search_app.alerts import delivery
from search_app.alerts.model import AlertError
from search_app.alerts.service import AlertService, Mailing
from search_app.engine import SearchEngine
from search_app.query import QueryError
from tests.alerts.conftest import NOW, Mailbox, add

DAY = dt.date(2026, 11, 27)
TOS = "/search?q=ТОС&kind=competition&region=Вологодская+область&open=1"


def tos_competition(engine: SearchEngine, doc_id: str = "c-tos-new", **fields: object) -> None:
    add(engine, **{
        "id": doc_id, "title": "Конкурс проектов ТОС: малые гранты 2027",
        "summary": "Гранты территориальному общественному самоуправлению.",
        "regions": ["Вологодская область"], "topics": ["ТОС"], "status": "open", "deadline": "2027-01-31",
        **fields,
    })


# -- saving and counting ----------------------------------------------------------------

def test_saved_search_counts_only_what_is_new_since_last_seen(alerts: AlertService, engine: SearchEngine) -> None:
    search = alerts.save_search(1, "http://localhost:8000" + TOS + "&page=2", "Гранты ТОС")
    assert search.name == "Гранты ТОС" and "page" not in search.query
    assert alerts.new_counts([search], DAY) == {search.id: 0}  # c-tos-open matched before: not new
    tos_competition(engine)
    add(engine, id="c-perm-new", title="Конкурс проектов ТОС Пермского края 2027", regions=["Пермский край"],
        status="open", deadline="2027-01-31")  # another region: not a match
    add(engine, id="c-tos-done", title="Конкурс проектов ТОС 2024", regions=["Вологодская область"],
        status="closed")  # finished: open-now search leaves it out
    assert alerts.new_counts([search], DAY) == {search.id: 1}
    assert [a.document.id for a in alerts.new_matches(search, DAY)] == ["c-tos-new"]
    alerts.mark_seen(1, search.id)
    assert alerts.new_counts([alerts.saved_search(1, search.id)], DAY) == {search.id: 0}


def test_a_reopened_competition_is_new(alerts: AlertService, engine: SearchEngine) -> None:
    search = alerts.save_search(1, "/search?kind=competition&region=Вологодская+область")
    assert alerts.new_counts([search], DAY) == {search.id: 0}
    add(engine, id="c-tos-closed", title="Конкурс проектов ТОС 2025", regions=["Вологодская область"],
        status="open", deadline="2026-12-20")
    matches = alerts.new_matches(search, DAY)
    assert [(a.document.id, a.why.value) for a in matches] == [("c-tos-closed", "reopened")]


def test_documents_not_yet_indexed_wait_for_the_next_pass(alerts: AlertService, engine: SearchEngine) -> None:
    search = alerts.save_search(1, TOS)
    from ingest.document import Document
    engine.store.upsert(Document.from_dict({
        "id": "c-tos-stored", "kind": "competition", "title": "Конкурс проектов ТОС 2028",
        "regions": ["Вологодская область"], "status": "open", "deadline": "2027-03-01"}))
    assert alerts.new_counts([search], DAY) == {search.id: 0}  # stored, not searchable yet
    engine.finish_pending()
    assert alerts.new_counts([search], DAY) == {search.id: 1}


@pytest.mark.parametrize("url, error", [
    ("/documents/a-131", QueryError), ("/search?kind=bogus", QueryError), ("", QueryError),
])
def test_bad_urls_are_refused(alerts: AlertService, url: str, error: type) -> None:
    with pytest.raises(error):
        alerts.save_search(1, url)
    assert alerts.searches(1) == []


def test_bad_names_and_frequencies_are_refused(alerts: AlertService) -> None:
    with pytest.raises(AlertError):
        alerts.save_search(1, TOS, "x" * 201)
    with pytest.raises(AlertError):
        alerts.save_search(1, TOS, "ТОС", frequency="hourly")
    search = alerts.save_search(1, TOS, "ТОС")
    with pytest.raises(AlertError):
        alerts.update_search(1, search.id, " ", "daily")


def test_only_the_owner_sees_and_changes_a_search(alerts: AlertService) -> None:
    search = alerts.save_search(1, TOS, "Мой поиск")
    assert alerts.searches(2) == []
    assert alerts.saved_search(2, search.id) is None
    assert alerts.update_search(2, search.id, "Чужой", "weekly") is None
    assert alerts.renew_feed_token(2, search.id) is None
    assert not alerts.revoke_feed(2, search.id)
    assert not alerts.delete_search(2, search.id)
    alerts.mark_seen(2, search.id)
    assert alerts.saved_search(1, search.id) == search  # untouched
    assert alerts.delete_search(1, search.id)
    assert alerts.searches(1) == []


def test_feed_token_is_revocable(alerts: AlertService) -> None:
    search = alerts.save_search(1, TOS)
    assert search.feed_token and alerts.search_by_feed_token(search.feed_token) == search
    new = alerts.renew_feed_token(1, search.id)
    assert new and new != search.feed_token
    assert alerts.search_by_feed_token(search.feed_token) is None
    assert alerts.revoke_feed(1, search.id)
    assert alerts.search_by_feed_token(new) is None
    assert alerts.search_by_feed_token("") is None


# -- letters ------------------------------------------------------------------------------

def test_letter_has_the_new_matches_and_nothing_else(
    alerts: AlertService, engine: SearchEngine, mailing: Mailing, mailbox: Mailbox
) -> None:
    alerts.save_search(1, TOS, "Гранты ТОС")
    alerts.save_search(2, "/search?q=НКО", "НКО")
    tos_competition(engine)
    report = alerts.run(mailing, DAY, NOW)
    assert (report.letters, report.items, report.unchanged, report.delivery.sent) == (1, 1, 1, 1)
    [msg] = mailbox.sent
    assert msg["To"] == "one@example.org"
    text = msg.get_body(("plain",)).get_content()
    assert "Конкурс проектов ТОС: малые гранты 2027" in text
    assert "https://munnav.example/documents/c-tos-new" in text
    assert "Конкурс проектов ТОС 2027" not in text  # matched before the search was saved
    assert [n.doc_id for n in alerts.notifications(1)] == ["c-tos-new"]
    assert alerts.notifications(2) == []


def test_no_letter_when_nothing_is_new_and_none_twice_a_day(
    alerts: AlertService, engine: SearchEngine, mailing: Mailing, mailbox: Mailbox
) -> None:
    alerts.save_search(1, TOS)
    assert alerts.run(mailing, DAY, NOW).letters == 0  # nothing new: no e-mail
    assert mailbox.sent == []
    tos_competition(engine)
    assert alerts.run(mailing, DAY, NOW).letters == 0  # today's pass is done: tomorrow's letter
    second = DAY + dt.timedelta(days=1)
    assert alerts.run(mailing, second, NOW).letters == 1
    tos_competition(engine, "c-tos-later")
    assert alerts.run(mailing, second, NOW).letters == 0 and len(mailbox.sent) == 1
    assert alerts.run(mailing, second + dt.timedelta(days=1), NOW).letters == 1 and len(mailbox.sent) == 2
    assert "c-tos-later" in mailbox.sent[1].get_body(("plain",)).get_content()
    assert "c-tos-new" not in mailbox.sent[1].get_body(("plain",)).get_content()


def test_weekly_search_waits_for_its_week(
    alerts: AlertService, engine: SearchEngine, mailing: Mailing, mailbox: Mailbox
) -> None:
    alerts.save_search(1, TOS, frequency="weekly")
    assert alerts.run(mailing, DAY, NOW).letters == 0  # Friday: due, nothing new yet
    tos_competition(engine)
    saturday = DAY + dt.timedelta(days=1)
    assert alerts.run(mailing, saturday, NOW).letters == 0  # same ISO week: not due
    monday = DAY + dt.timedelta(days=3)
    assert alerts.run(mailing, monday, NOW).letters == 1
    assert "c-tos-new" in mailbox.sent[0].get_body(("plain",)).get_content()


def test_dry_run_writes_and_sends_nothing(
    alerts: AlertService, engine: SearchEngine, mailing: Mailing, mailbox: Mailbox
) -> None:
    alerts.save_search(1, TOS)
    tos_competition(engine)
    report = alerts.run(mailing, DAY, NOW, dry_run=True)
    assert [letter.count for letter in report.planned] == [1] and mailbox.sent == []
    assert alerts.run(mailing, DAY, NOW).letters == 1  # nothing was consumed by the dry run


def test_unsubscribed_user_gets_notifications_but_no_mail(
    alerts: AlertService, engine: SearchEngine, mailing: Mailing, mailbox: Mailbox
) -> None:
    alerts.save_search(1, TOS)
    alerts.set_email(1, False)
    assert not alerts.email_enabled(1)
    tos_competition(engine)
    assert alerts.run(mailing, DAY, NOW).letters == 1
    assert mailbox.sent == [] and [n.doc_id for n in alerts.notifications(1)] == ["c-tos-new"]
    alerts.set_email(1, True)
    assert alerts.email_enabled(1)


def test_users_who_cannot_receive_are_skipped_and_keep_their_news(
    alerts: AlertService, engine: SearchEngine, mailing: Mailing, mailbox: Mailbox
) -> None:
    alerts.save_search(4, TOS)  # no address: disabled or deleted account
    tos_competition(engine)
    assert alerts.run(mailing, DAY, NOW).skipped == 1
    assert alerts.notifications(4) == []


# -- following ----------------------------------------------------------------------------

def test_deadline_reminders_7_3_1_days_before(
    alerts: AlertService, mailing: Mailing, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    alerts.follow(1, "c-tos-open")  # deadline 2026-12-09
    sent_on = []
    for offset in range(0, 14):
        day = DAY + dt.timedelta(days=offset)
        monkeypatch.setenv("MUNNAV_TODAY", day.isoformat())
        if alerts.run(mailing, day, NOW + dt.timedelta(days=offset)).letters:
            sent_on.append((day - dt.date(2026, 12, 9)).days)
    assert sent_on == [-7, -3, -1]
    notes = [m.get_body(("plain",)).get_content() for m in mailbox.sent]
    assert "осталось 7" in notes[0] and "осталось 3" in notes[1] and "остался 1" in notes[2]


def test_act_change_notice(alerts: AlertService, engine: SearchEngine, mailing: Mailing, mailbox: Mailbox) -> None:
    alerts.follow(1, "a-131")
    assert alerts.is_following(1, "a-131") and not alerts.is_following(2, "a-131")
    assert alerts.run(mailing, DAY, NOW).letters == 0
    doc = engine.get("a-131")
    add(engine, **{**doc.to_dict(), "status": "expired"})
    alerts.run(mailing, DAY, NOW)
    [msg] = mailbox.sent
    assert "статус: Действует → Утратил силу" in msg.get_body(("plain",)).get_content()
    assert alerts.unfollow(1, "a-131") and alerts.follows(1) == []


def test_following_a_missing_document_is_refused(alerts: AlertService) -> None:
    with pytest.raises(AlertError):
        alerts.follow(1, "no-such-document")


# -- delivery -------------------------------------------------------------------------------

def test_smtp_errors_are_retried_with_backoff_then_reported(
    alerts: AlertService, engine: SearchEngine, mailing: Mailing, mailbox: Mailbox
) -> None:
    alerts.save_search(1, TOS)
    tos_competition(engine)
    mailbox.fail = delivery.MAX_ATTEMPTS
    report = alerts.run(mailing, DAY, NOW)
    assert (report.letters, report.delivery.sent, report.delivery.retrying) == (1, 0, 1)
    [problem] = alerts.delivery_problems()
    assert problem.attempts == 1 and "451" in problem.last_error and problem.status == "pending"
    assert alerts.run(mailing, DAY, NOW + dt.timedelta(minutes=4)).delivery.retrying == 0  # not due yet
    moment = NOW
    for attempt in range(2, delivery.MAX_ATTEMPTS + 1):
        moment += delivery.retry_delay(attempt - 1)
        alerts.run(mailing, DAY, moment)
    [problem] = alerts.delivery_problems()
    assert problem.status == "failed" and problem.attempts == delivery.MAX_ATTEMPTS
    assert mailbox.sent == []


def test_a_retry_succeeds(alerts: AlertService, engine: SearchEngine, mailing: Mailing, mailbox: Mailbox) -> None:
    alerts.save_search(1, TOS)
    tos_competition(engine)
    mailbox.fail = 1
    alerts.run(mailing, DAY, NOW)
    assert alerts.run(mailing, DAY, NOW + delivery.retry_delay(1)).delivery.sent == 1
    assert len(mailbox.sent) == 1 and alerts.delivery_problems() == []


def test_retry_delays() -> None:
    assert [delivery.retry_delay(n).total_seconds() / 60 for n in range(1, 8)] == [5, 10, 20, 40, 80, 160, 320]
    assert delivery.retry_delay(20) == delivery.RETRY_CAP


def test_a_search_saved_under_older_rules_matches_nothing_and_breaks_nothing(
    alerts: AlertService, engine: SearchEngine, mailing: Mailing, mailbox: Mailbox
) -> None:
    from sqlalchemy import update

    from search_app.alerts.tables import saved_searches

    broken = alerts.save_search(1, TOS)
    alerts.save_search(1, "/search?q=ТОС", "ТОС")
    with engine.store.engine.begin() as conn:  # a kind that no longer exists
        conn.execute(update(saved_searches).where(saved_searches.c.id == broken.id).values(query="kind=grant"))
    tos_competition(engine)
    assert alerts.new_counts(alerts.searches(1), DAY) == {broken.id: 0, broken.id + 1: 1}
    assert alerts.run(mailing, DAY, NOW).letters == 1
