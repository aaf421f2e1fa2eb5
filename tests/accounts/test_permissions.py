"""Every route of the account areas × anonymous/official/lawyer/editor/admin, and CSRF on every POST."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from search_app.accounts.service import AccountService
from tests.accounts.conftest import PASSWORD, ROLE_EMAILS, csrf_token, sign_in

AREAS = ("auth", "account", "editor", "editor_runs", "editor_index", "editor_docs", "editor_syn", "admin", "legal",
         "alerts")
WHO = ("anonymous", "official", "lawyer", "editor", "admin")


def row(anonymous: int, official: int, lawyer: int, editor: int, admin: int) -> dict[str, int]:
    return dict(zip(WHO, (anonymous, official, lawyer, editor, admin), strict=True))


SIGNED_IN_ONLY = row(302, 200, 200, 200, 200)
EDITORS = row(302, 403, 403, 200, 403)
ADMINS = row(302, 403, 403, 403, 200)
OFFICIALS = row(302, 200, 403, 403, 403)
LAWYERS = row(302, 403, 200, 403, 403)

# (method, rule, url, expected status per role). POSTs carry a valid CSRF token
# and the data given; {pending} is an official waiting for approval. Sign-out comes last.
MATRIX: list[tuple[str, str, str, dict, dict[str, int]]] = [
    ("GET", "/login", "/login", {}, row(200, 302, 302, 302, 302)),
    ("POST", "/login", "/login", {"email": "x", "password": "y"}, row(400, 302, 302, 302, 302)),
    ("GET", "/signup", "/signup", {}, row(200, 302, 302, 302, 302)),
    ("POST", "/signup", "/signup", {}, row(400, 302, 302, 302, 302)),
    ("GET", "/confirm/<token>", "/confirm/forged", {}, row(400, 400, 400, 400, 400)),
    ("GET", "/reset", "/reset", {}, row(200, 200, 200, 200, 200)),
    ("POST", "/reset", "/reset", {}, row(400, 400, 400, 400, 400)),
    ("GET", "/reset/<token>", "/reset/forged", {}, row(400, 400, 400, 400, 400)),
    ("POST", "/reset/<token>", "/reset/forged", {}, row(400, 400, 400, 400, 400)),
    ("GET", "/login/<name>", "/login/nowhere", {}, row(404, 404, 404, 404, 404)),
    ("GET", "/login/<name>/callback", "/login/nowhere/callback", {}, row(404, 404, 404, 404, 404)),
    ("GET", "/account", "/account", {}, SIGNED_IN_ONLY),
    ("POST", "/account", "/account", {"name": "Имя"}, row(302, 302, 302, 302, 302)),
    ("POST", "/account/password", "/account/password", {}, row(302, 400, 400, 400, 400)),
    ("POST", "/account/tokens", "/account/tokens", {}, row(302, 400, 400, 400, 400)),
    ("POST", "/account/tokens/<int:token_id>/revoke", "/account/tokens/999/revoke", {}, row(302, 302, 302, 302, 302)),
    ("POST", "/account/delete", "/account/delete", {}, row(302, 400, 400, 400, 400)),
    ("GET", "/editor/", "/editor/", {}, EDITORS),
    ("GET", "/editor/approvals", "/editor/approvals", {}, EDITORS),
    ("POST", "/editor/approvals/<int:user_id>", "/editor/approvals/{pending}", {}, row(302, 403, 403, 302, 403)),
    ("GET", "/editor/sources", "/editor/sources", {}, EDITORS),
    ("POST", "/editor/sources/<name>/run", "/editor/sources/pravo-federal-laws/run", {}, row(302, 403, 403, 302, 403)),
    ("GET", "/editor/runs", "/editor/runs", {}, EDITORS),
    ("GET", "/editor/runs/<int:run_id>", "/editor/runs/1", {}, row(302, 403, 403, 404, 403)),
    ("GET", "/editor/jobs", "/editor/jobs", {}, EDITORS),
    ("GET", "/editor/jobs/<int:job_id>", "/editor/jobs/1", {}, EDITORS),  # queued by the POST above
    ("GET", "/editor/index", "/editor/index", {}, EDITORS),
    ("POST", "/editor/index/<any(reindex, rollback):kind>", "/editor/index/reindex", {}, row(302, 403, 403, 400, 403)),
    ("GET", "/editor/documents/", "/editor/documents/", {}, EDITORS),
    ("GET", "/editor/documents/new", "/editor/documents/new", {}, EDITORS),
    ("POST", "/editor/documents/new", "/editor/documents/new", {}, row(302, 403, 403, 400, 403)),
    ("GET", "/editor/documents/<path:doc_id>/edit", "/editor/documents/act-131/edit", {}, EDITORS),
    ("POST", "/editor/documents/<path:doc_id>/edit", "/editor/documents/act-131/edit", {}, row(302, 403, 403, 400, 403)),
    ("GET", "/editor/documents/<path:doc_id>/history", "/editor/documents/act-131/history", {}, EDITORS),
    ("POST", "/editor/documents/<path:doc_id>/<any(withdraw, restore):change>", "/editor/documents/act-131/withdraw",
     {}, row(302, 403, 403, 302, 403)),  # unconfirmed: back to the history page, nothing withdrawn
    ("GET", "/editor/documents/conflicts", "/editor/documents/conflicts", {}, EDITORS),
    ("POST", "/editor/documents/<path:doc_id>/overrides/<field>/<any(keep, drop):choice>",
     "/editor/documents/act-131/overrides/title/drop", {}, row(302, 403, 403, 302, 403)),  # no correction: nothing to drop
    ("GET", "/legal/ask", "/legal/ask", {}, OFFICIALS),
    ("POST", "/legal/ask", "/legal/ask", {}, row(302, 400, 403, 403, 403)),
    ("GET", "/legal/similar", "/legal/similar?q=дороги", {}, OFFICIALS),
    ("GET", "/legal/my", "/legal/my", {}, SIGNED_IN_ONLY),
    ("GET", "/legal/my/<int:question_id>", "/legal/my/999", {}, row(302, 404, 404, 404, 404)),
    ("GET", "/legal/questions", "/legal/questions", {}, LAWYERS),
    ("GET", "/legal/questions/<int:question_id>", "/legal/questions/999", {}, row(302, 403, 404, 403, 403)),
    ("POST", "/legal/questions/<int:question_id>/take", "/legal/questions/999/take", {}, row(302, 403, 404, 403, 403)),
    ("POST", "/legal/questions/<int:question_id>/answer", "/legal/questions/999/answer", {},
     row(302, 403, 404, 403, 403)),
    ("GET", "/legal/cites/check", "/legal/cites/check?q=44-ФЗ", {}, LAWYERS),
    ("GET", "/editor/synonyms/", "/editor/synonyms/", {}, EDITORS),
    ("GET", "/editor/synonyms/<name>", "/editor/synonyms/municipal.txt", {}, EDITORS),
    ("POST", "/editor/synonyms/<name>", "/editor/synonyms/municipal.txt", {"text": "Плохо"}, row(302, 403, 403, 400, 403)),
    ("GET", "/editor/synonyms/<name>/history", "/editor/synonyms/municipal.txt/history", {}, EDITORS),
    ("POST", "/editor/synonyms/<name>/reset", "/editor/synonyms/municipal.txt/reset", {},
     row(302, 403, 403, 302, 403)),  # unconfirmed: back to the history page, nothing reset
    ("GET", "/admin/", "/admin/", {}, ADMINS),
    ("GET", "/admin/users/<int:user_id>", "/admin/users/{pending}", {}, ADMINS),
    ("POST", "/admin/users/<int:user_id>/roles", "/admin/users/{pending}/roles", {"roles": "official"}, row(302, 403, 403, 403, 302)),
    ("POST", "/admin/users/<int:user_id>/<any(approve, disable, enable):change>", "/admin/users/{pending}/enable", {}, row(302, 403, 403, 403, 302)),
    ("GET", "/admin/settings", "/admin/settings", {}, ADMINS),
    ("POST", "/admin/settings", "/admin/settings", {"domains": "gov35.ru"}, row(302, 403, 403, 403, 302)),
    ("GET", "/admin/audit", "/admin/audit", {}, ADMINS),
    ("GET", "/admin/audit.csv", "/admin/audit.csv", {}, ADMINS),
    # Alerts (saved searches, follows, notifications): another user's search is not found (404).
    ("GET", "/account/searches", "/account/searches", {}, SIGNED_IN_ONLY),
    ("POST", "/account/searches", "/account/searches", {"url": "/search?q=ТОС", "name": "Матрица"},
     row(302, 302, 302, 302, 302)),
    ("POST", "/account/searches/<int:search_id>", "/account/searches/999", {}, row(302, 404, 404, 404, 404)),
    ("POST", "/account/searches/<int:search_id>/delete", "/account/searches/999/delete", {}, row(302, 404, 404, 404, 404)),
    ("POST", "/account/searches/<int:search_id>/feed", "/account/searches/999/feed", {}, row(302, 404, 404, 404, 404)),
    ("POST", "/account/searches/<int:search_id>/feed/revoke", "/account/searches/999/feed/revoke", {},
     row(302, 404, 404, 404, 404)),
    ("GET", "/account/searches/<int:search_id>/open", "/account/searches/999/open", {}, row(302, 404, 404, 404, 404)),
    ("POST", "/account/email", "/account/email", {"on": "1"}, row(302, 302, 302, 302, 302)),
    ("GET", "/account/notifications", "/account/notifications", {}, SIGNED_IN_ONLY),
    ("POST", "/documents/<path:doc_id>/follow", "/documents/c-open/follow", {}, row(302, 302, 302, 302, 302)),
    ("POST", "/documents/<path:doc_id>/unfollow", "/documents/c-open/unfollow", {}, row(302, 302, 302, 302, 302)),
    ("GET", "/editor/mail", "/editor/mail", {}, EDITORS),
    ("GET", "/feeds/searches/<token>.atom", "/feeds/searches/forged.atom", {}, row(404, 404, 404, 404, 404)),
    ("GET", "/alerts/unsubscribe/<token>", "/alerts/unsubscribe/forged", {}, row(400, 400, 400, 400, 400)),
    ("POST", "/alerts/unsubscribe/<token>", "/alerts/unsubscribe/forged", {}, row(400, 400, 400, 400, 400)),
    ("POST", "/logout", "/logout", {}, row(302, 302, 302, 302, 302)),
]
# Authenticated by the signed token in the URL, posted by mail clients (RFC 8058): no CSRF token.
CSRF_EXEMPT = {("POST", "/alerts/unsubscribe/<token>")}


def _routes(app: Flask) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in AREAS:
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                found.add((method, rule.rule))
    return found


def test_the_matrix_covers_every_route(app: Flask) -> None:
    assert _routes(app) == {(method, rule) for method, rule, *_ in MATRIX}


def _client_for(app: Flask, who: str) -> FlaskClient:
    client = app.test_client()
    if who != "anonymous":
        assert sign_in(client, ROLE_EMAILS[who]).status_code == 302
    return client


@pytest.mark.parametrize("who", WHO)
def test_permission_matrix(app: Flask, people: dict[str, int], who: str) -> None:
    client = _client_for(app, who)
    got, want = {}, {}
    for method, rule, url, data, expected in MATRIX:
        url = url.format(**people)
        if method == "GET":
            response = client.get(url)
        else:
            token = csrf_token(client, "/reset")
            response = client.post(url, data={**data, "csrf_token": token})
        got[(method, rule)] = response.status_code
        want[(method, rule)] = expected[who]
        if response.status_code == 302 and expected[who] == 302 and who == "anonymous" and method == "GET":
            assert response.headers["Location"].startswith("/login?next=")
    assert got == want


def test_json_clients_get_401_and_unprivileged_get_403(app: Flask, people: dict[str, int]) -> None:
    anonymous = app.test_client()
    for path in ("/editor/", "/admin/", "/admin/audit"):
        response = anonymous.get(path, headers={"Accept": "application/json"})
        assert response.status_code == 401 and response.get_json() == {"error": "Требуется вход."}
    official = _client_for(app, "official")
    response = official.get("/admin/", headers={"Accept": "application/json"})
    assert response.status_code == 403


def test_every_post_without_csrf_token_is_rejected(app: Flask, people: dict[str, int], web_service: AccountService) -> None:
    boss = web_service.create(None, "boss@example.ru", PASSWORD, ["admin", "editor", "official", "lawyer"])
    client = _client_for(app, "anonymous")
    assert sign_in(client, "boss@example.ru").status_code == 302
    for method, rule, url, data, _expected in MATRIX:
        if method != "POST" or (method, rule) in CSRF_EXEMPT:
            continue
        response = client.post(url.format(**people), data=data)
        assert response.status_code == 400, url
        assert "Форма устарела" in response.get_data(as_text=True)
    # Nothing changed: still signed in, the pending official still pending, no allowlist.
    assert client.get("/account").status_code == 200
    assert not web_service.get(people["pending"]).is_approved
    assert web_service.allowlist() == []
    assert web_service.get(boss.id).roles == {"admin", "editor", "official", "lawyer"}


def test_admins_cannot_change_their_own_roles(app: Flask, people: dict[str, int]) -> None:
    client = _client_for(app, "admin")
    token = csrf_token(client, "/reset")
    response = client.post(f"/admin/users/{people['admin']}/disable", data={"csrf_token": token})
    assert response.status_code == 403


def test_only_token_authenticated_posts_skip_csrf(app: Flask) -> None:
    exempt = {endpoint for endpoint, view in app.view_functions.items() if getattr(view, "csrf_exempt", False)}
    assert exempt == {"alerts.unsubscribe"}  # RFC 8058 one-click: the signed token authenticates it
