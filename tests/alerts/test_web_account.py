"""The alerts' pages for signed-in users, through the real app: saving, counters, follows, permissions."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ingest.document import Document
from search_app.alerts.service import AlertService
from search_app.alerts.tokens import unsubscribe_token
from tests.accounts.conftest import ROLE_EMAILS, csrf_token, sign_in

SEARCH = "/search?q=ТОС&kind=competition"


def service(app: Flask) -> AlertService:
    with app.app_context():
        from search_app.web.alerts_views import alert_service

        return alert_service()


def signed_in(app: Flask, role: str = "official") -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, ROLE_EMAILS[role]).status_code == 302
    return client


def save(client: FlaskClient, url: str = SEARCH, name: str = "Гранты ТОС", **extra: str):
    data = {"url": url, "name": name, "frequency": "daily", "csrf_token": csrf_token(client, "/account/searches")}
    return client.post("/account/searches", data=data | extra)


def new_counter(client: FlaskClient, search_id: int) -> int:
    html = client.get("/account/searches").get_data(as_text=True)
    row = html[html.index(f'id="search-{search_id}"'):]
    return int(re.search(r'data-new="(\d+)"', row).group(1))  # type: ignore[union-attr]


def test_save_from_the_search_page_and_see_the_counter(app: Flask, people: dict[str, int]) -> None:
    client = signed_in(app)
    page = client.get(SEARCH).get_data(as_text=True)
    form = page[page.index('action="/account/searches"'):]
    assert "Сохранить поиск" in form and 'name="csrf_token"' in form
    url = re.search(r'name="url" value="([^"]+)"', form).group(1).replace("&amp;", "&")  # type: ignore[union-attr]
    response = client.post("/account/searches", data={
        "url": url, "name": "Гранты ТОС", "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', form).group(1),  # type: ignore[union-attr]
    })
    assert response.status_code == 302 and response.headers["Location"] == "/account/searches"
    [search] = service(app).searches(people["official"])
    assert search.name == "Гранты ТОС" and new_counter(client, search.id) == 0
    with app.app_context():
        from search_app.web.engine_ext import get_engine

        get_engine().import_documents([Document.from_dict({
            "id": "c-new-tos", "kind": "competition", "title": "Конкурс проектов ТОС нового года",
            "summary": "Гранты ТОС.", "status": "open", "deadline": "2027-02-01", "regions": ["Вологодская область"],
        })])
    assert new_counter(client, search.id) == 1
    opened = client.get(f"/account/searches/{search.id}/open")
    assert opened.status_code == 302 and opened.headers["Location"].startswith("/search?q=")
    assert new_counter(client, search.id) == 0


def test_bad_search_address_re_renders_the_form_with_the_message(app: Flask, people: dict[str, int]) -> None:
    client = signed_in(app)
    response = save(client, url="/documents/x")
    assert response.status_code == 400 and "Сохранить можно только страницу поиска" in response.get_data(as_text=True)
    response = save(client, url="/search?kind=bogus")
    assert response.status_code == 400 and "Неизвестный вид" in response.get_data(as_text=True)
    assert service(app).searches(people["official"]) == []


def test_posts_without_csrf_token_are_refused(app: Flask, people: dict[str, int]) -> None:
    client = signed_in(app)
    assert client.post("/account/searches", data={"url": SEARCH, "name": "x"}).status_code == 400
    assert client.post("/documents/c-open/follow").status_code == 400
    assert service(app).searches(people["official"]) == []


def test_anonymous_users_are_sent_to_sign_in(client: FlaskClient) -> None:
    for path in ("/account/searches", "/account/notifications", "/editor/mail"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    page = client.get(SEARCH).get_data(as_text=True)
    assert "Войдите, чтобы сохранить поиск" in page and 'action="/account/searches"' not in page


def test_only_the_owner_sees_and_changes_a_saved_search(app: Flask, people: dict[str, int]) -> None:
    owner = signed_in(app)
    assert save(owner).status_code == 302
    [search] = service(app).searches(people["official"])
    other = signed_in(app, "lawyer")
    assert "Гранты ТОС" not in other.get("/account/searches").get_data(as_text=True)
    token = csrf_token(other, "/account/searches")
    assert other.get(f"/account/searches/{search.id}/open").status_code == 404
    for path in (f"/account/searches/{search.id}/delete", f"/account/searches/{search.id}/feed",
                 f"/account/searches/{search.id}/feed/revoke"):
        assert other.post(path, data={"csrf_token": token}).status_code == 404
    renamed = other.post(f"/account/searches/{search.id}", data={
        f"s{search.id}-name": "Чужое", f"s{search.id}-frequency": "weekly", "csrf_token": token})
    assert renamed.status_code == 404
    assert service(app).searches(people["official"]) == [search]
    token = csrf_token(owner, "/account/searches")
    assert owner.post(f"/account/searches/{search.id}", data={
        f"s{search.id}-name": "ТОС", f"s{search.id}-frequency": "weekly", "csrf_token": token}).status_code == 302
    [changed] = service(app).searches(people["official"])
    assert (changed.name, changed.frequency) == ("ТОС", "weekly")
    assert owner.post(f"/account/searches/{search.id}/delete", data={"csrf_token": token}).status_code == 302
    assert service(app).searches(people["official"]) == []


def test_follow_a_competition_from_its_page(app: Flask, people: dict[str, int]) -> None:
    client = signed_in(app)
    page = client.get("/documents/c-open").get_data(as_text=True)
    assert "Отслеживать" in page and "Напомним за 7, 3 и 1 день" in page
    token = csrf_token(client, "/documents/c-open")
    assert client.post("/documents/c-open/follow", data={"csrf_token": token}).status_code == 302
    assert "Не отслеживать" in client.get("/documents/c-open").get_data(as_text=True)
    assert "Конкурс проектов ТОС Вологодской области 2027" in client.get("/account/notifications").get_data(as_text=True)
    assert client.post("/documents/no-such/follow", data={"csrf_token": token}).status_code == 404
    assert client.post("/documents/c-open/unfollow", data={"csrf_token": token}).status_code == 302
    assert service(app).follows(people["official"]) == []


def test_one_click_unsubscribe_needs_no_csrf_token(app: Flask, client: FlaskClient, people: dict[str, int]) -> None:
    token = unsubscribe_token(str(app.secret_key), people["official"])
    response = client.post(f"/alerts/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not service(app).email_enabled(people["official"])


@pytest.mark.parametrize("role, status", [("official", 403), ("lawyer", 403), ("editor", 200), ("admin", 403)])
def test_delivery_report_is_for_editors(app: Flask, people: dict[str, int], role: str, status: int) -> None:
    assert signed_in(app, role).get("/editor/mail").status_code == status
