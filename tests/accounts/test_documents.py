"""Documents by hand in the console: solutions with validated steps, withdraw/restore, history and diff."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from search_app.accounts import audit
from search_app.editorial import FieldDiff
from tests.accounts.conftest import ROLE_EMAILS, csrf_token, sign_in


def editor_client(app: Flask) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, ROLE_EMAILS["editor"]).status_code == 302
    return client


def solution_form(token: str, **extra: str) -> dict[str, str]:
    data = {
        "csrf_token": token, "id": "solution-tos-grant", "kind": "solution",
        "title": "Как получить грант для ТОС", "summary": "От устава до отчёта по гранту.",
        "topics": "ТОС, гранты", "regions": "Вологодская область",
        "steps-0-title": "Зарегистрируйте устав ТОС", "steps-0-text": "Статья 27 закона.", "steps-0-refs": "act-131",
        "steps-1-title": "Подайте заявку", "steps-1-text": "Конкурс области.", "steps-1-refs": "c-open",
        "steps-2-title": "Отчитайтесь", "steps-2-text": "Отчёт в срок.", "steps-2-refs": "",
    }
    data.update(extra)
    return data


def test_an_editor_writes_a_solution_that_search_finds(app: Flask, people) -> None:
    client = editor_client(app)
    assert client.get("/editor/documents/new?kind=solution").status_code == 200
    response = client.post("/editor/documents/new", data=solution_form(csrf_token(client, "/editor/documents/new")))
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get("/documents/solution-tos-grant").get_data(as_text=True)
    assert "Как получить грант для ТОС" in page and "Зарегистрируйте устав ТОС" in page
    found = client.get("/api/v1/search?q=грант+устав+ТОС").get_json()
    assert "solution-tos-grant" in [h["id"] for h in found["hits"]]
    listing = client.get("/editor/documents/").get_data(as_text=True)
    assert "solution-tos-grant" in listing
    engine = app.extensions["munnav"].store.engine
    entries, _ = audit.entries(engine, audit.AuditFilter(action="document.create"))
    assert entries[0].target == "document:solution-tos-grant" and entries[0].before is None
    assert [s["refs"] for s in entries[0].after["steps"]] == [["act-131"], ["c-open"], []]


def test_a_step_pointing_at_a_missing_document_is_refused_on_that_step(app: Flask, people) -> None:
    client = editor_client(app)
    token = csrf_token(client, "/editor/documents/new")
    response = client.post("/editor/documents/new", data=solution_form(token, **{"steps-1-refs": "c-open, no-such-doc"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "no-such-doc" in html and "Таких документов нет" in html
    assert client.get("/documents/solution-tos-grant").status_code == 404  # nothing saved
    empty = client.post("/editor/documents/new", data={"csrf_token": token, "id": "x", "kind": "solution", "title": "T"})
    assert empty.status_code == 400 and "хотя бы один шаг" in empty.get_data(as_text=True)
    bad_id = client.post("/editor/documents/new", data=solution_form(token, id="Плохой id"))
    assert bad_id.status_code == 400 and "Только строчные латинские" in bad_id.get_data(as_text=True)
    no_title = client.post("/editor/documents/new", data=solution_form(token, **{"steps-2-title": ""}))
    assert no_title.status_code == 400 and "У шага 3 нет заголовка" in no_title.get_data(as_text=True)
    taken = client.post("/editor/documents/new", data=solution_form(token, id="act-131"))
    assert taken.status_code == 400 and "уже есть" in taken.get_data(as_text=True)


def test_add_step_button_adds_a_step_without_saving(app: Flask, people) -> None:
    client = editor_client(app)
    token = csrf_token(client, "/editor/documents/new")
    response = client.post("/editor/documents/new", data=solution_form(token, add_step="1"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="steps-3-title"' in html and "Подайте заявку" in html
    assert client.get("/documents/solution-tos-grant").status_code == 404


def test_edit_history_diff_withdraw_and_restore(app: Flask, people) -> None:
    client = editor_client(app)
    token = csrf_token(client, "/editor/documents/new")
    client.post("/editor/documents/new", data=solution_form(token))
    edit = client.get("/editor/documents/solution-tos-grant/edit").get_data(as_text=True)
    assert 'value="Зарегистрируйте устав ТОС"' in edit
    response = client.post("/editor/documents/solution-tos-grant/edit",
                           data=solution_form(token, title="Как получить президентский грант для ТОС"))
    assert response.status_code == 302
    history = client.get("/editor/documents/solution-tos-grant/history").get_data(as_text=True)
    assert "<ins>президентский</ins>" in history and "Изменения в версии" in history
    first_version = app.extensions["munnav"].store.versions("solution-tos-grant")[0].version
    first = client.get(f"/editor/documents/solution-tos-grant/history?v={first_version}")
    assert first.status_code == 200 and "Зарегистрируйте устав ТОС" in first.get_data(as_text=True)
    assert client.get("/editor/documents/solution-tos-grant/history?v=999").status_code == 400
    # A crawled document has a history too.
    assert "создан" in client.get("/editor/documents/act-131/history").get_data(as_text=True)

    unconfirmed = client.post("/editor/documents/solution-tos-grant/withdraw", data={"csrf_token": token})
    assert unconfirmed.status_code == 302 and client.get("/documents/solution-tos-grant").status_code == 200
    client.post("/editor/documents/solution-tos-grant/withdraw", data={"csrf_token": token, "withdraw-confirm": "y"})
    assert client.get("/documents/solution-tos-grant").status_code == 404
    hits = client.get("/api/v1/search?q=президентский+грант+ТОС").get_json()["hits"]
    assert "solution-tos-grant" not in [h["id"] for h in hits]
    client.post("/editor/documents/solution-tos-grant/restore", data={"csrf_token": token, "restore-confirm": "y"})
    assert client.get("/documents/solution-tos-grant").status_code == 200
    hits = client.get("/api/v1/search?q=президентский+грант+ТОС").get_json()["hits"]
    assert "solution-tos-grant" in [h["id"] for h in hits]
    engine = app.extensions["munnav"].store.engine
    actions = [e.action for e in audit.entries(engine, audit.AuditFilter(target="document:solution-tos-grant"))[0]]
    assert actions == ["document.restore", "document.withdraw", "document.edit", "document.create"]


def test_word_diff_escapes_html() -> None:
    diff = FieldDiff("title", "<b>старый</b> текст", "<b>новый</b> текст")
    assert str(diff.html) == "<del>&lt;b&gt;старый&lt;/b&gt;</del> <ins>&lt;b&gt;новый&lt;/b&gt;</ins> текст"
