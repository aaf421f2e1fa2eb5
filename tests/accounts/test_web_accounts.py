"""The account pages driven through the real app: sign-up by the logged link, sessions, throttling."""

from __future__ import annotations

import logging
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from search_app.accounts import links
from search_app.accounts.service import AccountService, ExternalIdentity, SignInFailed
from tests.accounts.conftest import PASSWORD, ROLE_EMAILS, csrf_token, make_app, sign_in

LINK_RE = re.compile(r"http://localhost(/\S+)")


def mailed_paths(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [m for r in caplog.records if r.name == "munnav.mail" for m in LINK_RE.findall(r.getMessage())]


def sign_up(client: FlaskClient, email: str, **extra: str):
    data = {
        "email": email, "password": PASSWORD, "password_again": PASSWORD, "name": "Анна Иванова",
        "municipality": "городской округ Череповец", "region": "Вологодская область", "consent": "y",
        "csrf_token": csrf_token(client, "/signup"),
    } | extra
    return client.post("/signup", data=data)


def test_an_official_signs_up_with_the_link_from_the_log(
    client: FlaskClient, app: Flask, caplog: pytest.LogCaptureFixture, people: dict[str, int],
) -> None:
    caplog.set_level(logging.WARNING, logger="munnav.mail")
    response = sign_up(client, "Anna@MO.example.ru")
    assert response.status_code == 200 and "Проверьте почту" in response.get_data(as_text=True)
    [path] = mailed_paths(caplog)
    assert "anna@mo.example.ru" not in caplog.text  # no address in the log
    assert sign_in(client, "anna@mo.example.ru").status_code == 400  # not confirmed yet
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert sign_in(client, "anna@mo.example.ru").status_code == 302
    page = client.get("/account").get_data(as_text=True)
    assert "anna@mo.example.ru" in page and "ждёт одобрения" in page and "городской округ Череповец" in page
    # An editor approves from the queue in the console.
    editor = app.test_client()
    sign_in(editor, ROLE_EMAILS["editor"])
    queue = editor.get("/editor/approvals").get_data(as_text=True)
    assert "anna@mo.example.ru" in queue
    user_id = int(re.search(r'/editor/approvals/(\d+)"[^<]*>\s*<input[^>]*>\s*<button[^>]*>Одобрить', queue.replace("\n", " ")).group(1)) \
        if False else None
    from search_app.web.services import accounts

    with app.app_context():
        user_id = accounts().by_email("anna@mo.example.ru").id
    response = editor.post(f"/editor/approvals/{user_id}", data={"csrf_token": csrf_token(editor, "/reset")})
    assert response.status_code == 302
    assert "активен" in client.get("/account").get_data(as_text=True)


def test_signing_up_with_a_known_address_tells_nothing(client: FlaskClient, caplog: pytest.LogCaptureFixture, people) -> None:
    caplog.set_level(logging.WARNING, logger="munnav.mail")
    response = sign_up(client, ROLE_EMAILS["editor"])
    assert response.status_code == 200 and "Проверьте почту" in response.get_data(as_text=True)
    assert mailed_paths(caplog) == ["/reset"]  # the owner is told how to reset, nobody is confirmed


def test_sign_up_form_errors_are_shown_on_the_form(client: FlaskClient) -> None:
    response = sign_up(client, "not an address", password_again="different", consent="")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("Введите адрес электронной почты", "Пароли не совпадают", "Без согласия"):
        assert message in html


def test_expired_and_forged_confirmation_links(
    client: FlaskClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.WARNING, logger="munnav.mail")
    sign_up(client, "late@mo.example.ru")
    [path] = mailed_paths(caplog)
    forged = path[:-3] + ("abc" if not path.endswith("abc") else "xyz")
    response = client.get(forged)
    assert response.status_code == 400 and "недействительна" in response.get_data(as_text=True)
    monkeypatch.setattr(links, "CONFIRM_MAX_AGE", -1)
    response = client.get(path)
    assert response.status_code == 400 and "истёк" in response.get_data(as_text=True)
    assert sign_in(client, "late@mo.example.ru").status_code == 400


def test_password_reset_by_the_logged_link_works_once(
    client: FlaskClient, caplog: pytest.LogCaptureFixture, people: dict[str, int],
) -> None:
    caplog.set_level(logging.WARNING, logger="munnav.mail")
    other = client.application.test_client()
    assert sign_in(other, ROLE_EMAILS["lawyer"]).status_code == 302
    response = client.post("/reset", data={"email": ROLE_EMAILS["lawyer"], "csrf_token": csrf_token(client, "/reset")})
    assert response.status_code == 200
    client.post("/reset", data={"email": "nobody@example.ru", "csrf_token": csrf_token(client, "/reset")})
    [path] = mailed_paths(caplog)  # only the registered address got a link
    new = {"password": "a new long password", "password_again": "a new long password"}
    response = client.post(path, data=new | {"csrf_token": csrf_token(client, path)})
    assert response.status_code == 302
    assert sign_in(client, ROLE_EMAILS["lawyer"], "a new long password").status_code == 302
    assert other.get("/account").status_code == 302  # the session signed in before the reset has ended
    again = client.get(path)
    assert again.status_code == 400 and "использована" in again.get_data(as_text=True)


def test_session_is_rotated_at_sign_in_and_cookies_are_locked_down(app: Flask, people: dict[str, int]) -> None:
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    response = sign_in(client, ROLE_EMAILS["official"])
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    with client.session_transaction() as session:
        assert "planted" not in session and session["_user_id"].startswith(f"{people['official']}:")
    secure = app.test_client()
    response = secure.get("/login", base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]


def test_sign_in_is_throttled_per_address_and_per_account(app: Flask, people: dict[str, int]) -> None:
    client = app.test_client()
    statuses = [sign_in(client, f"guess{i}@example.ru", "wrong password").status_code for i in range(11)]
    assert statuses == [400] * 10 + [429]
    assert "Слишком много" in sign_in(client, ROLE_EMAILS["admin"]).get_data(as_text=True)
    # Guessing one account's password from many addresses hits the per-account limit.
    results = []
    for i in range(6):
        other = app.test_client()
        other.environ_base["REMOTE_ADDR"] = f"10.0.0.{i + 1}"
        results.append(sign_in(other, ROLE_EMAILS["editor"], "wrong password").status_code)
    assert results == [400] * 5 + [429]


def test_throttle_counters_are_shared_through_the_database(app: Flask, app_data_dir, people) -> None:
    twin = make_app(app_data_dir)  # another process or host over the same database
    first, second = app.test_client(), twin.test_client()
    for _ in range(5):
        assert sign_in(first, "x@example.ru", "wrong password").status_code == 400
    for _ in range(5):
        assert sign_in(second, "y@example.ru", "wrong password").status_code == 400
    assert sign_in(first, "z@example.ru", "wrong password").status_code == 429
    twin.extensions["munnav"].close()


def test_a_disabled_account_is_signed_out_and_cannot_act(app: Flask, people: dict[str, int]) -> None:
    official, admin = app.test_client(), app.test_client()
    sign_in(official, ROLE_EMAILS["official"])
    sign_in(admin, ROLE_EMAILS["admin"])
    assert official.get("/account").status_code == 200
    token = csrf_token(admin, "/reset")
    assert admin.post(f"/admin/users/{people['official']}/disable", data={"csrf_token": token}).status_code == 302
    assert official.get("/account").status_code == 302
    response = official.post("/account", data={"name": "X", "csrf_token": csrf_token(official, "/reset")})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert "отключена" in sign_in(official, ROLE_EMAILS["official"]).get_data(as_text=True)


def test_api_token_is_shown_once_and_authenticates_api_calls(client: FlaskClient, people: dict[str, int]) -> None:
    sign_in(client, ROLE_EMAILS["editor"])
    response = client.post("/account/tokens", data={"name": "импорт", "csrf_token": csrf_token(client, "/reset")})
    secret = re.search(r'id="new-token">([^<]+)<', response.get_data(as_text=True)).group(1)
    assert secret not in client.get("/account").get_data(as_text=True)
    api = client.application.test_client()
    assert api.get("/api/v1/me").status_code == 401
    me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.get_json() == {"id": people["editor"], "email": ROLE_EMAILS["editor"], "roles": ["editor"]}
    token_id = re.search(r"/account/tokens/(\d+)/revoke", client.get("/account").get_data(as_text=True)).group(1)
    client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(client, "/reset")})
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_deleting_the_account_signs_out_and_frees_the_address(client: FlaskClient, web_service: AccountService, people) -> None:
    sign_in(client, ROLE_EMAILS["official"])
    token = csrf_token(client, "/reset")
    assert client.post("/account/delete", data={"confirm": "нет", "csrf_token": token}).status_code == 400
    assert client.post("/account/delete", data={"confirm": "удалить", "csrf_token": token}).status_code == 302
    assert client.get("/account").status_code == 302
    assert web_service.by_email(ROLE_EMAILS["official"]) is None
    assert web_service.get(people["official"]).deleted_at


def test_admin_sees_and_exports_the_audit_log(app: Flask, people: dict[str, int]) -> None:
    admin = app.test_client()
    sign_in(admin, ROLE_EMAILS["admin"])
    admin.post(f"/admin/users/{people['lawyer']}/roles",
               data={"roles": ["lawyer", "editor"], "csrf_token": csrf_token(admin, "/reset")})
    page = admin.get("/admin/audit?action=account.roles").get_data(as_text=True)
    assert "Изменение ролей" in page and ROLE_EMAILS["admin"] in page and '{"roles": ["editor", "lawyer"]}' in page
    assert admin.get("/admin/audit?since=yesterday").status_code == 400
    csv_text = admin.get("/admin/audit.csv?action=signin").get_data(as_text=True)
    lines = csv_text.strip().splitlines()
    assert lines[0] == "id,at,actor_id,actor,action,target,before,after,via"
    assert len(lines) == 2 and ROLE_EMAILS["admin"] in lines[1]


def test_an_external_sign_in_method_plugs_in_without_touching_services(app: Flask, people) -> None:
    from flask import redirect, request

    from search_app.web import signin_methods

    class FakeProvider:
        name, label = "esia", "Войти через ЕСИА"

        def begin(self, callback_url: str):
            return redirect(callback_url + "?code=ok")

        def finish(self) -> ExternalIdentity:
            assert request.args["code"] == "ok"
            return ExternalIdentity("esia", "subject-1", ROLE_EMAILS["lawyer"], True)

    signin_methods.register(app, FakeProvider())
    client = app.test_client()
    assert "Войти через ЕСИА" in client.get("/login").get_data(as_text=True)
    response = client.get("/login/esia", follow_redirects=True)
    assert response.status_code == 200 and ROLE_EMAILS["lawyer"] in response.get_data(as_text=True)


def test_password_and_external_sign_in_share_one_counter_per_address(app: Flask, people) -> None:
    from search_app.web import signin_methods

    class Refusing:
        name, label = "esia", "Войти через ЕСИА"

        def begin(self, callback_url: str):  # noqa: ANN202
            raise AssertionError("not used")

        def finish(self) -> ExternalIdentity:
            raise SignInFailed("Вход через ЕСИА не подтверждён.")

    signin_methods.register(app, Refusing())
    client = app.test_client()
    for i in range(5):
        assert sign_in(client, f"guess{i}@example.ru", "wrong password").status_code == 400
    callbacks = [client.get("/login/esia/callback?code=x").status_code for _ in range(6)]
    assert callbacks[-1] == 429 and 429 not in callbacks[:5]  # 5 + 5 attempts, then the address waits
