"""The consultation kind: import validation, and citations of a code imported from IPS."""

from __future__ import annotations

import json
from pathlib import Path

from ingest.document import Cite, Document
from ingest.jsonl import LineError, read_documents
from ingest.pipeline import Pipeline
from ingest.store import Store
from search_app.backends.embedded import EmbeddedBackend
from search_app.citations import cited_by_key
from search_app.engine import SearchEngine
from search_app.query import SearchQuery
from search_app.web.act_index import ActIndex
from search_app.web.consultation_page import cited_acts
from tests.ingest.test_ips import IPS, pytestmark, serve, source  # noqa: F401 - skip without ../shared/real

GOOD = {"id": "k-1", "kind": "consultation", "title": "Дороги между сёлами", "question": "Кто содержит?",
        "answer": "Округ.", "answered_by": "Юрист", "cites": [{"doc_number": "257-ФЗ", "article": "13"}]}


def lines(tmp_path: Path, *records: object) -> list[Document | LineError]:
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return list(read_documents(path))


def test_consultation_fields_are_read_and_survive_the_store(tmp_path: Path) -> None:
    [doc] = lines(tmp_path, {**GOOD, "cites": [{"doc_number": " 131-ФЗ ", "article": 17}, {"doc_number": "44-ФЗ"},
                                             {"doc_number": "131-ФЗ", "article": "17"}]})
    assert isinstance(doc, Document)
    assert doc.cites == (Cite("131-ФЗ", "17"), Cite("44-ФЗ"))  # trimmed, numbers as text, repeats dropped
    assert (doc.question, doc.answer, doc.answered_by) == ("Кто содержит?", "Округ.", "Юрист")
    store = Store(tmp_path / "s.sqlite3")
    try:
        store.upsert(doc)
        assert store.get("k-1") == doc
    finally:
        store.close()


def test_bad_consultation_lines_name_file_line_and_field(tmp_path: Path) -> None:
    bad = [
        {**GOOD, "cites": "131-ФЗ"},
        {**GOOD, "cites": [{"article": "17"}]},
        {**GOOD, "cites": [{"doc_number": "131-ФЗ", "article": "ст. 17"}]},
        {**GOOD, "cites": [{"doc_number": "131-ФЗ"}, "44-ФЗ"]},
        {**GOOD, "answer": "  "},
        {**GOOD, "question": ["?"]},
    ]
    errors = [str(e).split(": ", 1)[1] for e in lines(tmp_path, *bad)]
    assert errors == [
        "cites: ожидается список ссылок на акты",
        "cites[1].doc_number: обязательное поле отсутствует",
        "cites[1].article: некорректный номер статьи 'ст. 17', ожидается, например, «17» или «26.1»",
        'cites[2]: ожидается объект {"doc_number": …, "article": …}',
        "answer: у консультации должен быть ответ юриста",
        "question: ожидается строка",
    ]
    assert str(lines(tmp_path, {**GOOD, "cites": 5})[0]).startswith(f"{tmp_path / 'c.jsonl'}:1: cites: ")


def test_a_cited_article_of_a_code_from_ips_links_to_the_article(server, tmp_path: Path) -> None:
    engine = SearchEngine(Store(tmp_path / "e.sqlite3"), EmbeddedBackend(tmp_path / "index"))
    try:
        serve(server, "102107048")  # Водный кодекс
        code = {"nd": "102107048", "number": "74-ФЗ", "date": "03.06.2006"}
        report = Pipeline(engine).run(source(server, [code]))
        assert report.status == "ok", report.errors
        # the sample's own record of the code shares its number: the one holding article 6 wins
        engine.import_documents([
            Document.from_dict({"id": "act-0049", "kind": "legal_act", "title": "Водный кодекс РФ от 03.06.2006 № 74-ФЗ",
                                "doc_number": "74-ФЗ", "doc_type": "Кодекс", "status": "in_force"}),
            Document.from_dict({**GOOD, "cites": [{"doc_number": "74-ФЗ", "article": "6"}, {"doc_number": "74-ФЗ"},
                                                  {"doc_number": "999-ФЗ", "article": "1"}]}),
        ])
        doc = engine.get("k-1")
        index = ActIndex(engine.store, "/documents/{id}", "/search")
        cited = cited_acts(doc, index.acts, index.resolve)
        assert [(c.label, c.url, c.status.label) for c in cited] == [
            ("ст. 6, 74-ФЗ", "/documents/ips:102107048:st-6", "Действует"),
            ("74-ФЗ", "/search?q=%E2%84%96+74-%D0%A4%D0%97&kind=legal_act", "Действует"),  # two records: a search
            ("ст. 1, 999-ФЗ", "", "Акта нет в базе"),
        ]
        article = engine.get("ips:102107048:st-6")
        assert cited_by_key(article) == "74-фз:6"
        query = SearchQuery(filters={"kind": ("consultation",), "cites": (cited_by_key(article),)}, with_facets=False)
        assert [h.id for h in engine.search(query).hits] == ["k-1"]
    finally:
        engine.close()
