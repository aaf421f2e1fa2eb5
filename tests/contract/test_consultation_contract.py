"""Consultations on every backend: the acts they cite find them, an outdated one sinks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.document import Document
from search_app.engine import SearchEngine
from search_app.query import SearchQuery
from tests.contract.conftest import BACKENDS, engine_with

ANSWER = "Дорожная деятельность в отношении дорог местного значения относится к полномочиям округа."
DOCS: list[dict] = [
    {"id": "a-257", "kind": "legal_act", "title": "Федеральный закон № 257-ФЗ об автомобильных дорогах",
     "doc_number": "257-ФЗ", "doc_type": "Федеральный закон", "status": "in_force", "published": "2007-11-08"},
    {"id": "a-old", "kind": "legal_act", "title": "Федеральный закон № 131-ФЗ о местном самоуправлении",
     "doc_number": "131-ФЗ", "doc_type": "Федеральный закон", "status": "in_force", "published": "2003-10-06"},
    {"id": "k-roads", "kind": "consultation", "title": "Полномочия по дорогам округа",
     "question": "Кто содержит дороги между сёлами?", "answer": ANSWER, "published": "2025-09-12",
     "cites": [{"doc_number": "257-ФЗ", "article": "13"}]},
    {"id": "k-roads-old", "kind": "consultation", "title": "Полномочия по дорогам округа",
     "question": "Кто содержит дороги между сёлами?", "answer": ANSWER, "published": "2023-09-12",
     "cites": [{"doc_number": "131-ФЗ", "article": "16"}]},
    {"id": "k-both", "kind": "consultation", "title": "Перечень дорог местного значения",
     "question": "Как утвердить перечень?", "answer": "Перечень утверждает администрация.", "published": "2024-01-10",
     "cites": [{"doc_number": "131-ФЗ"}, {"doc_number": "257-ФЗ", "article": "5"}]},
]


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[SearchEngine]:
    with engine_with(request.param, data_dir, DOCS) as engine:
        yield engine


def citing(engine: SearchEngine, *keys: str) -> list[str]:
    query = SearchQuery(filters={"kind": ("consultation",), "cites": keys}, sort="newest", with_facets=False)
    return [h.id for h in engine.search(query).hits]


def test_an_act_finds_the_consultations_citing_it(engine: SearchEngine) -> None:
    assert citing(engine, "257-ФЗ") == ["k-roads", "k-both"]
    assert citing(engine, "131-фз") == ["k-both", "k-roads-old"]


def test_an_article_finds_only_those_citing_that_article(engine: SearchEngine) -> None:
    assert citing(engine, "257-ФЗ:13") == ["k-roads"]
    assert citing(engine, "257-ФЗ:5", "131-ФЗ:16") == ["k-both", "k-roads-old"]
    assert citing(engine, "257-ФЗ:99") == []


def test_the_cites_filter_narrows_text_search_and_facets(engine: SearchEngine) -> None:
    result = engine.search(SearchQuery(text="дорога", filters={"cites": ("257-ФЗ",)}, verbatim=True))
    assert {h.id for h in result.hits} == {"k-roads", "k-both"}
    assert {v.value: v.count for v in result.facets["kind"]} == {"consultation": 2}


def test_consultation_citing_an_act_that_expires_is_demoted(engine: SearchEngine) -> None:
    def order() -> list[str]:
        result = engine.search(SearchQuery(text="полномочия по дорогам", verbatim=True, with_facets=False))
        return [h.id for h in result.hits if h.id.startswith("k-roads")]

    def finished() -> dict[str, bool]:
        result = engine.search(SearchQuery(filters={"kind": ("consultation",)}, with_facets=False))
        return {h.id: h.finished for h in result.hits}

    # Twins with equal text: the newer one is not ranked below for its date, only for its act.
    before = order()
    assert set(before) == {"k-roads", "k-roads-old"}
    assert finished() == {"k-roads": False, "k-roads-old": False, "k-both": False}
    act = engine.get("a-old")
    assert act is not None
    engine.import_documents([Document.from_dict({**act.to_dict(), "status": "expired"})])
    assert order() == ["k-roads", "k-roads-old"]
    assert finished() == {"k-roads": False, "k-roads-old": True, "k-both": True}  # results flag them too
    open_now = engine.search(SearchQuery(filters={"kind": ("consultation",)}, open_now=True, with_facets=False))
    assert {h.id for h in open_now.hits} == {"k-roads"}  # both old ones rely on the lapsed act
    assert engine.search(SearchQuery(filters={"kind": ("consultation",), "status": ("expired",)})).total == 2


def test_an_act_back_in_force_lifts_its_consultations(engine: SearchEngine) -> None:
    act = engine.get("a-old")
    assert act is not None
    engine.import_documents([Document.from_dict({**act.to_dict(), "status": "expired"})])
    engine.import_documents([Document.from_dict({**act.to_dict(), "status": "in_force"})])
    open_now = engine.search(SearchQuery(filters={"kind": ("consultation",)}, open_now=True, with_facets=False))
    assert {h.id for h in open_now.hits} == {"k-roads", "k-roads-old", "k-both"}
