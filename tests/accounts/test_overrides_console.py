"""The console side of editors' corrections: the edit form, the conflicts list, keep / take the source."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from ingest.document import Document
from search_app.accounts import audit
from tests.accounts.conftest import ROLE_EMAILS, csrf_token, sign_in

CORPUS = Path(__file__).resolve().parents[1] / "web" / "fixtures" / "corpus.jsonl"
EDITED = "Прежний базовый закон о местном самоуправлении; утратил силу с 2027 года, заменён законом № 33-ФЗ."


def source_record() -> dict:
    """act-131 as its source (the fixture corpus file) gives it."""
    return next(r for r in map(json.loads, CORPUS.read_text(encoding="utf-8").splitlines()) if r["id"] == "act-131")


def reimport(app: Flask, **changes: str) -> None:
    """The source's next record of act-131 (a re-import of its file, as a crawl would store it)."""
    app.extensions["munnav"].engine.import_documents([Document.from_dict({**source_record(), **changes})])


def editor_client(app: Flask) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, ROLE_EMAILS["editor"]).status_code == 302
    return client


def edit_form(token: str, **changes: str) -> dict[str, str]:
    """The edit form as a browser sends it back (a textarea's line breaks as CR LF)."""
    record = source_record()
    data = {"csrf_token": token, "id": "act-131", "kind": "legal_act", "title": record["title"],
            "summary": record["summary"], "body": record["body"].replace("\n", "\r\n"),
            "topics": ", ".join(record["topics"]),
            "regions": ", ".join(record["regions"]), "published": record["published"], "save": "1"}
    return {**data, **changes}


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_a_corrected_field_changed_by_the_source_is_listed_and_resolved(app: Flask, people: dict[str, int]) -> None:
    client = editor_client(app)
    assert "Документ пришёл из источника" in page(client, "/editor/documents/act-131/edit")
    token = csrf_token(client, "/editor/documents/act-131/edit")
    assert client.post("/editor/documents/act-131/edit", data=edit_form(token, summary=EDITED)).status_code == 302
    store = app.extensions["munnav"].store
    assert [o.field for o in store.overrides_of("act-131")] == ["summary"]  # the untouched text is no correction
    history = page(client, "/editor/documents/act-131/history")
    assert "Исправления редакторов" in history and "Вернуть значение источника" in history
    assert "Уже исправлены: Кратко" in page(client, "/editor/documents/act-131/edit")

    reimport(app)  # the source unchanged: the correction stays, nothing to resolve
    assert EDITED in page(client, "/documents/act-131")
    assert "Расхождений нет" in page(client, "/editor/documents/conflicts")

    reimport(app, summary="Утратил силу с 1 января 2027 года.")
    assert EDITED in page(client, "/documents/act-131")  # the correction is still what is published
    listing = page(client, "/editor/documents/conflicts")
    assert "act-131" in listing and "расхождение" in listing
    # the field, the source's old value, the source's new value, the editor's value
    for text in ("Кратко", source_record()["summary"], "Утратил силу с 1 января 2027 года.", EDITED):
        assert text in listing
    assert "Оставить исправление" in listing and "Взять значение источника" in listing
    assert "Расхождения с источником</a>: 1 документ " in page(client, "/editor/documents/")
    assert "Расхождения с источником</a>: 1 " in page(client, "/editor/")

    keep = "/editor/documents/act-131/overrides/summary/keep?next=/editor/documents/conflicts"
    assert client.post(keep, data={}).status_code == 400  # no CSRF token
    response = client.post(keep, data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/editor/documents/conflicts"
    assert "Расхождений нет" in page(client, "/editor/documents/conflicts")
    assert EDITED in page(client, "/documents/act-131")

    reimport(app, summary="Закон утратил силу; действует Федеральный закон № 33-ФЗ о местном самоуправлении.")
    assert "act-131" in page(client, "/editor/documents/conflicts")
    drop = client.post("/editor/documents/act-131/overrides/summary/drop", data={"csrf_token": token})
    assert drop.status_code == 302 and drop.headers["Location"] == "/editor/documents/act-131/history"
    public = page(client, "/documents/act-131")
    assert "действует Федеральный закон № 33-ФЗ" in public and EDITED not in public
    hits = client.get("/api/v1/search?q=действует+закон+33-ФЗ+утратил").get_json()["hits"]
    assert "act-131" in [h["id"] for h in hits]
    assert "Исправлений нет" in page(client, "/editor/documents/act-131/history")

    engine = app.extensions["munnav"].store.engine
    entries, _ = audit.entries(engine, audit.AuditFilter(target="document:act-131"))
    assert [e.action for e in entries] == ["document.override_drop", "document.override_keep", "document.edit"]
    assert all(e.actor_id == people["editor"] for e in entries)
    assert entries[1].before["source_new"] == "Утратил силу с 1 января 2027 года."
    assert "Возвращено значение источника" in entries[0].label


def test_others_neither_see_nor_resolve_conflicts(app: Flask, people: dict[str, int]) -> None:
    client = editor_client(app)
    token = csrf_token(client, "/editor/documents/act-131/edit")
    client.post("/editor/documents/act-131/edit", data=edit_form(token, summary=EDITED))
    reimport(app, summary="Утратил силу с 1 января 2027 года.")
    official = app.test_client()
    sign_in(official, ROLE_EMAILS["official"])
    assert official.get("/editor/documents/conflicts").status_code == 403
    token = csrf_token(official, "/account")
    assert official.post("/editor/documents/act-131/overrides/summary/drop", data={"csrf_token": token}).status_code == 403
    assert EDITED in page(client, "/documents/act-131")


def test_a_list_item_holding_a_comma_is_not_split_by_an_edit_of_another_field(app: Flask, people: dict[str, int]) -> None:
    topic = "охрана здоровья граждан, пропаганда здорового образа жизни"
    record = {"id": "p-health", "kind": "practice", "title": "Школа здоровья в сельском поселении",
              "summary": "Занятия для жителей.", "topics": [topic], "regions": ["Кировская область"]}
    app.extensions["munnav"].engine.import_documents([Document.from_dict(record)], source="pgrants")
    client = editor_client(app)
    form = page(client, "/editor/documents/p-health/edit")
    assert f'value="{topic}"' in form
    token = csrf_token(client, "/editor/documents/p-health/edit")
    data = {"csrf_token": token, "id": "p-health", "kind": "practice", "title": record["title"],
            "summary": "Занятия для жителей и врачей.", "topics": topic, "regions": "Кировская область", "save": "1"}
    assert client.post("/editor/documents/p-health/edit", data=data).status_code == 302
    store = app.extensions["munnav"].store
    assert store.get("p-health").topics == (topic,)
    assert [o.field for o in store.overrides_of("p-health")] == ["summary"]
    changed = client.post("/editor/documents/p-health/edit", data={**data, "topics": "здоровье; спорт"})
    assert changed.status_code == 302  # a changed list is read item by item, as typed
    assert store.get("p-health").topics == ("здоровье", "спорт")
    assert {o.field for o in store.overrides_of("p-health")} == {"summary", "topics"}
