"""Act links resolve to the act, or to the article when the text names one that is indexed."""

from pathlib import Path

from ingest.document import Document
from ingest.store import Store
from search_app.web.act_index import ActIndex, first_article_number
from search_app.web.acts import find_references


def test_article_reference_links_to_the_article_and_articles_never_count_as_acts(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    store.upsert(Document.from_dict({"id": "ips:1", "kind": "legal_act", "title": "Федеральный закон № 145-ФЗ",
                                     "doc_number": "145-ФЗ", "doc_type": "Федеральный закон"}))
    for n in ("14", "26.1"):
        store.upsert(Document.from_dict({"id": f"ips:1:st-{n}", "kind": "legal_act", "title": f"Статья {n}",
                                         "doc_number": "145-ФЗ", "act_id": "ips:1", "article": n}))
    index = ActIndex(store, "/documents/{id}", "/search")
    refs = [ref for _, _, ref in find_references("ст. 26.1 Федерального закона № 145-ФЗ и 145-ФЗ; ст. 99 закона № 145-ФЗ")]
    assert [index.resolve(r).url for r in refs] == [
        "/documents/ips:1:st-26.1", "/documents/ips:1", "/documents/ips:1",
    ]


def test_first_article_number() -> None:
    assert first_article_number("ст. 14") == "14"
    assert first_article_number("статьи 26.1 и 27") == "26.1"
    assert first_article_number("") == ""
