"""The queue through the real app: who may ask, take, answer and read; publishing and notices."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.accounts.test_mail import smtp  # noqa: F401 - a real SMTP server on loopback
from tests.consultations.conftest import ROLE_EMAILS, csrf_token, sign_in

QUESTION = {"title": "Кто содержит дороги между сёлами", "text": "Я Иван Иванов из Вельского округа. Кто обязан "
            "грейдировать дорогу между сёлами — округ или область?"}
ANSWER = "Дорожная деятельность — полномочие органов МСУ: ст. 17 Федерального закона № 131-ФЗ и статья 13 закона № 257-ФЗ."


def as_user(client: FlaskClient, role: str) -> FlaskClient:
    """Sign ``client`` in as the account of ``role`` (any earlier session dropped)."""
    client._cookies.clear()  # noqa: SLF001 - a fresh browser, same app
    assert sign_in(client, ROLE_EMAILS.get(role, role)).status_code == 302
    return client


def ask(client: FlaskClient, **extra: str) -> int:
    as_user(client, "official")
    resp = client.post("/legal/ask", data={**QUESTION, **extra, "csrf_token": csrf_token(client, "/legal/ask")})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return int(re.search(r"/legal/my/(\d+)", resp.headers["Location"]).group(1))


def take_and_answer(client: FlaskClient, qid: int, visibility: str = "public", cites: str = "ст. 17 131-ФЗ"):
    as_user(client, "lawyer")
    page = f"/legal/questions/{qid}"
    assert client.post(f"{page}/take", data={"csrf_token": csrf_token(client, "/legal/questions")}).status_code == 302
    return client.post(f"{page}/answer", data={
        "answer": ANSWER, "cites": cites, "visibility": visibility, "public_text": "",
        "csrf_token": csrf_token(client, page)})


@pytest.fixture(autouse=True)
def _people(people: dict[str, int], web_service) -> dict[str, int]:
    official = web_service.get(people["official"])
    web_service.update_profile(official, "Иван Иванов", "Вельский муниципальный округ", "Архангельская область")
    return people


def test_only_approved_officials_ask_and_only_lawyers_see_the_queue(client: FlaskClient) -> None:
    assert client.get("/legal/ask").status_code in (302, 401)  # sign in first
    as_user(client, "official")
    assert client.get("/legal/ask").status_code == 200
    assert client.get("/legal/questions").status_code == 403
    as_user(client, "lawyer")
    assert client.get("/legal/questions").status_code == 200
    assert client.get("/legal/ask").status_code == 403
    as_user(client, "editor")
    assert client.get("/legal/questions").status_code == 403


def test_only_lawyers_take_and_answer(client: FlaskClient) -> None:
    qid = ask(client)
    token = csrf_token(client, "/legal/ask")
    assert client.post(f"/legal/questions/{qid}/take", data={"csrf_token": token}).status_code == 403
    assert client.post(f"/legal/questions/{qid}/answer", data={"answer": "Да", "cites": "44-ФЗ", "csrf_token": token,
                                                               "visibility": "public"}).status_code == 403
    assert client.get(f"/legal/my/{qid}").status_code == 200


def test_form_errors_re_render_with_the_message(client: FlaskClient) -> None:
    as_user(client, "official")
    resp = client.post("/legal/ask", data={"title": "", "text": "коротко", "csrf_token": csrf_token(client, "/legal/ask")})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "Заполните это поле." in html and "От 20 до" in html
    assert client.post("/legal/ask", data=QUESTION).status_code == 400  # no CSRF token


def test_an_answer_citing_an_act_not_in_the_base_is_refused(client: FlaskClient) -> None:
    qid = ask(client)
    resp = take_and_answer(client, qid, cites="ст. 17 131-ФЗ\nст. 5 999-ФЗ\nо дорогах")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "ст. 5, 999-ФЗ: такого акта нет в базе" in html and "Строка 3 «о дорогах»" in html
    assert ANSWER.split(":")[0] in html  # what was typed is kept


def test_published_answer_becomes_a_consultation_linking_to_the_article(client: FlaskClient) -> None:
    qid = ask(client)
    resp = take_and_answer(client, qid)
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/documents/legal-q-{qid}")
    html = client.get(f"/documents/legal-q-{qid}").get_data(as_text=True)
    assert 'href="/documents/act-131:st-17"' in html  # «ст. 17 … № 131-ФЗ» in the answer and the norms list
    assert "Иван" not in html and "Вельск" not in html  # neither the name nor, without consent, the municipality
    found = client.get("/api/v1/search?q=полномочия по дорогам&kind=consultation").get_json()
    assert f"legal-q-{qid}" in [h["id"] for h in found["hits"]]
    # the asker sees the new answer on their page, once
    as_user(client, "official")
    assert "Новый ответ" in client.get("/legal/my").get_data(as_text=True)
    assert "Ответ опубликован" in client.get(f"/legal/my/{qid}").get_data(as_text=True)
    assert "Новый ответ" not in client.get("/legal/my").get_data(as_text=True)


def test_a_private_answer_is_seen_by_the_asker_only(client: FlaskClient, web_service) -> None:
    qid = ask(client)
    assert take_and_answer(client, qid, visibility="private").status_code == 302
    assert client.get(f"/documents/legal-q-{qid}").status_code == 404
    as_user(client, "official")
    assert "Дорожная деятельность" in client.get(f"/legal/my/{qid}").get_data(as_text=True)
    other = web_service.create(None, "other@mo.example.ru", "correct horse battery", ["official"])
    web_service.approve(None, other)
    as_user(client, "other@mo.example.ru")
    assert client.get(f"/legal/my/{qid}").status_code == 404
    assert client.get(f"/legal/questions/{qid}").status_code == 403


def test_a_question_taken_by_one_lawyer_is_answered_once(client: FlaskClient) -> None:
    qid = ask(client)
    assert take_and_answer(client, qid).status_code == 302
    again = client.post(f"/legal/questions/{qid}/answer", data={
        "answer": "Иначе", "cites": "44-ФЗ", "visibility": "public", "csrf_token": csrf_token(client, "/legal/questions")})
    assert again.status_code == 302
    assert "только один раз" in client.get(f"/legal/questions/{qid}").get_data(as_text=True)


def test_the_picker_checks_a_citation_as_it_is_typed(client: FlaskClient) -> None:
    as_user(client, "lawyer")
    ok = client.get("/legal/cites/check?q=ст. 17 131-ФЗ").get_json()
    assert ok["cite"] == {"doc_number": "131-ФЗ", "article": "17"} and ok["level"] == "warn"  # 131-ФЗ has lapsed
    assert client.get("/legal/cites/check?q=999-ФЗ").get_json()["accepted"] is False
    assert client.get("/legal/cites/check?q=44-ФЗ").get_json()["level"] == "ok"


def test_the_asker_is_mailed_when_smtp_is_set(app, client: FlaskClient, smtp) -> None:  # noqa: F811
    inbox, port = smtp
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    qid = ask(client)
    assert take_and_answer(client, qid, visibility="private").status_code == 302
    [(_, rcpts, msg)] = inbox.messages
    assert rcpts == [ROLE_EMAILS["official"]] and msg["Subject"] == f"Юрист ответил на ваш вопрос: {QUESTION['title']}"
    body = msg.get_content()
    assert f"/legal/my/{qid}" in body and "Ответ виден только вам." in body
    assert "грейдировать" not in body  # the letter points to the page, it does not carry the question
