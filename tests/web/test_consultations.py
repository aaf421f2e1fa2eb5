"""Consultation pages, act pages with «Разъяснения», and the consultation kind in API, CSV and Atom."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ingest.document import Document
from ingest.store import Store
from search_app.backends.embedded import EmbeddedBackend
from search_app.engine import SearchEngine
from search_app.web import create_app

DOCS = [
    {"id": "a-131", "kind": "legal_act", "title": "Федеральный закон от 06.10.2003 № 131-ФЗ о местном самоуправлении",
     "doc_number": "131-ФЗ", "doc_type": "Федеральный закон", "status": "expired", "published": "2003-10-06"},
    {"id": "a-257", "kind": "legal_act", "title": "Федеральный закон от 08.11.2007 № 257-ФЗ об автомобильных дорогах",
     "doc_number": "257-ФЗ", "doc_type": "Федеральный закон", "status": "in_force", "published": "2007-11-08"},
    {"id": "a-257:st-13", "kind": "legal_act", "title": "Статья 13. Полномочия органов местного самоуправления",
     "doc_number": "257-ФЗ", "act_id": "a-257", "article": "13", "status": "in_force"},
    {"id": "k-new", "kind": "consultation", "title": "Кто содержит дорогу между сёлами",
     "question": "Обязан ли округ грейдировать дорогу между сёлами?",
     "answer": "Да: полномочия названы в ст. 13 Федерального закона № 257-ФЗ.\n\nДорогу нужно включить в перечень.",
     "cites": [{"doc_number": "257-ФЗ", "article": "13"}], "answered_by": "Юрист ассоциации",
     "published": "2025-09-12", "topics": ["дороги"]},
    {"id": "k-old", "kind": "consultation", "title": "Дворовые проезды и вопросы местного значения",
     "question": "Ремонтирует ли поселение дворовые проезды?", "answer": "Смотрите статью 14 закона № 131-ФЗ.",
     "cites": [{"doc_number": "131-ФЗ", "article": "14"}, {"doc_number": "999-ФЗ"}],
     "answered_by": "Юрист ассоциации", "published": "2023-06-20", "topics": ["дороги"]},
]


@pytest.fixture(scope="module")
def data_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("consultations-web")
    engine = SearchEngine(Store(root / "store.sqlite3"), EmbeddedBackend(root / "index"))
    try:
        engine.import_documents(Document.from_dict(d) for d in DOCS)
    finally:
        engine.close()
    return root


@pytest.fixture
def app(data_root: Path) -> Iterator[Flask]:
    app = create_app({"DATA_DIR": str(data_root), "TESTING": True, "ELASTICSEARCH_URL": ""})
    yield app
    app.extensions["munnav"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def test_consultation_page_shows_question_answer_and_linked_norms(client: FlaskClient) -> None:
    html = client.get("/documents/k-new").get_data(as_text=True)
    assert "Обязан ли округ грейдировать дорогу" in html and "Дорогу нужно включить в перечень." in html
    # the citation in the answer and in the list lead to the article imported as its own document
    assert html.count('href="/documents/a-257:st-13"') == 2
    assert "Консультация устарела" not in html and "Актуальна" in html


def test_consultation_citing_an_expired_act_is_flagged_outdated(client: FlaskClient) -> None:
    html = client.get("/documents/k-old").get_data(as_text=True)
    assert "Консультация устарела" in html and "Устарела: акт утратил силу" in html
    assert 'href="/documents/a-131">ст. 14, 131-ФЗ</a>' in html
    assert "Акта нет в базе" in html  # 999-ФЗ


def explanations(client: FlaskClient, page: str) -> str:
    html = client.get(page).get_data(as_text=True)
    start = html.find('id="explanations-title"')
    return html[start:html.index("</section>", start)] if start >= 0 else ""


def test_act_and_article_pages_list_the_consultations_citing_them(client: FlaskClient) -> None:
    for page in ("/documents/a-257", "/documents/a-257:st-13"):
        section = explanations(client, page)
        assert 'href="/documents/k-new"' in section and 'href="/documents/k-old"' not in section, page
    assert 'href="/documents/k-old"' in explanations(client, "/documents/a-131")
    assert explanations(client, "/documents/k-new") == ""


def test_document_api_gives_cites_and_explanations(client: FlaskClient) -> None:
    old = client.get("/api/v1/documents/k-old").get_json()
    assert old["outdated"] is True and old["finished"] is True
    assert [(c["doc_number"], c["found"], c["lapsed"], c["url"]) for c in old["cites"]] == [
        ("131-ФЗ", True, True, "/documents/a-131"), ("999-ФЗ", False, False, None),
    ]
    act = client.get("/api/v1/documents/a-257").get_json()
    assert [e["id"] for e in act["explanations"]] == ["k-new"]


def test_search_api_kind_and_cites_filters(client: FlaskClient) -> None:
    data = client.get("/api/v1/search?kind=consultation&sort=newest").get_json()
    assert [(h["id"], h["finished"]) for h in data["hits"]] == [("k-new", False), ("k-old", True)]
    assert data["hits"][0]["snippet"]  # the question serves as the snippet
    assert [h["id"] for h in client.get("/api/v1/search?cites=257-ФЗ:13").get_json()["hits"]] == ["k-new"]
    bad = client.get("/api/v1/search?cites=257-ФЗ:ст13")
    assert bad.status_code == 400 and "статьи" in bad.get_json()["error"]


def test_search_page_chip_for_the_cites_filter(client: FlaskClient) -> None:
    html = client.get("/search?kind=consultation&cites=131-ФЗ").get_data(as_text=True)
    assert "Ссылается на: 131-ФЗ" in html and 'href="/documents/k-old"' in html and 'href="/documents/k-new"' not in html
    assert '<span class="pill pill--danger">Устарела</span>' in html


def test_csv_and_atom_carry_consultations(client: FlaskClient) -> None:
    csv_text = client.get("/search.csv?kind=consultation").get_data(as_text=True)
    assert "k-new;Консультация;Кто содержит дорогу между сёлами" in csv_text and "Юрист ассоциации" in csv_text
    atom = client.get("/search.atom?kind=consultation").get_data(as_text=True)
    assert 'term="consultation" label="Консультация"' in atom
    assert "Обязан ли округ грейдировать дорогу между сёлами?</summary>" in atom
