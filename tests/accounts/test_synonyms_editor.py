"""The synonyms editor: line-numbered validation, expansion preview, apply to the store (files untouched)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from search_app.query import SearchQuery
from search_app.synonyms_editor import LineError, validate
from search_app.web import create_app
from search_app.web.engine_ext import get_engine
from tests.accounts.conftest import PASSWORD, ROLE_EMAILS, csrf_token, sign_in

PROJECT_SYNONYMS = Path(__file__).resolve().parents[2] / "synonyms"


def test_validation_names_the_line() -> None:
    text = "\n".join([
        "# comment",
        "тос, территориальное общественное самоуправление",
        "жкх => жилищно-коммунальное хозяйство => лишнее",
        "мсу, , местное самоуправление",
        "Администрация, мэрия",
        "ёлка, ель",
        "одиночка",
        "тос, товарищество",
        " => пусто слева",
    ])
    assert validate(text) == [
        LineError(3, "больше одной стрелки «=>»"),
        LineError(4, "пустой термин между запятыми"),
        LineError(5, "заглавные буквы: словарь пишется строчными"),
        LineError(6, "буква «ё»: пишется «е»"),
        LineError(7, "в группе равнозначных терминов нужен хотя бы второй термин"),
        LineError(8, "термин «тос» уже входит в группу в строке 2"),
        LineError(9, "пустая сторона правила «=>»"),
    ]
    assert validate("жкх, жилищно-коммунальное хозяйство", {"other.txt": "жкх, коммуналка"}) == [
        LineError(1, "термин «жкх» уже входит в группу в другом словаре"),
    ]


def test_the_shipped_dictionary_is_valid() -> None:
    for path in PROJECT_SYNONYMS.glob("*.txt"):
        others = {p.name: p.read_text(encoding="utf-8") for p in PROJECT_SYNONYMS.glob("*.txt") if p != path}
        assert validate(path.read_text(encoding="utf-8"), others) == [], path.name


@pytest.fixture
def syn_app(app_data_dir: Path, tmp_path: Path) -> Iterator[Flask]:
    copy = Path(shutil.copytree(PROJECT_SYNONYMS, tmp_path / "synonyms"))  # never the project's own files
    app = create_app({"DATA_DIR": str(app_data_dir), "TESTING": True, "ELASTICSEARCH_URL": "",
                      "SYNONYMS_DIR": str(copy)})
    with app.app_context():
        from search_app.web.services import accounts

        accounts().create(None, ROLE_EMAILS["editor"], PASSWORD, ["editor"])
    yield app
    app.extensions["munnav"].close()


def editor(app: Flask) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, ROLE_EMAILS["editor"]).status_code == 302
    return client


def test_errors_are_shown_by_line_and_nothing_is_written(syn_app: Flask) -> None:
    client = editor(syn_app)
    path = Path(syn_app.config["SYNONYMS_DIR"]) / "municipal.txt"
    before = path.read_text(encoding="utf-8")
    assert "municipal.txt" in client.get("/editor/synonyms/").get_data(as_text=True)
    token = csrf_token(client, "/reset")
    text = before + "\nОшибка, с заглавной\n"
    response = client.post("/editor/synonyms/municipal.txt",
                           data={"csrf_token": token, "text": text, "apply": "1", "confirm": "y"})
    html = response.get_data(as_text=True)
    line = len(text.splitlines())
    assert response.status_code == 400 and f"строка {line}: заглавные буквы" in html
    assert path.read_text(encoding="utf-8") == before
    assert client.get("/editor/synonyms/nope.txt").status_code == 404


def test_preview_then_apply(syn_app: Flask) -> None:
    client = editor(syn_app)
    path = Path(syn_app.config["SYNONYMS_DIR"]) / "municipal.txt"
    token = csrf_token(client, "/reset")
    text = path.read_text(encoding="utf-8") + "\nкоммуналка => жилищно-коммунальное хозяйство\n"
    preview = client.post("/editor/synonyms/municipal.txt",
                          data={"csrf_token": token, "text": text, "query": "коммуналка", "check": "1"})
    html = preview.get_data(as_text=True)
    before, after = re.findall(r'<td>(.*?)</td>', html.split("Как развернётся запрос")[1], re.S)[:2]
    assert preview.status_code == 200
    assert "жилищный коммунальный хозяйство" in after and "жилищный коммунальный хозяйство" not in before
    unconfirmed = client.post("/editor/synonyms/municipal.txt", data={"csrf_token": token, "text": text, "apply": "1"})
    assert unconfirmed.status_code == 400 and "коммуналка => жилищно" not in path.read_text(encoding="utf-8")
    shipped = path.read_text(encoding="utf-8")
    applied = client.post("/editor/synonyms/municipal.txt",
                          data={"csrf_token": token, "text": text, "apply": "1", "confirm": "y"})
    assert applied.status_code == 302
    assert path.read_text(encoding="utf-8") == shipped  # the shipped file stays; the edit is in the store
    page = client.get("/editor/synonyms/municipal.txt").get_data(as_text=True)
    assert "не позже чем через 5 с" in page and "после перезапуска" not in page
    assert "коммуналка =&gt; жилищно-коммунальное хозяйство" in page and "правлен в консоли" in page
    with syn_app.app_context():
        plan = get_engine().plan(SearchQuery(text="коммуналка"))
    assert ("жилищный", "коммунальный", "хозяйство") in plan.parsed.clauses[0].alternatives
