"""References to an article («ст. 14 131-фз») find that article when articles are indexed."""

import pytest

from ingest.document import Document
from search_app.query import SearchQuery

ARTICLES = [
    {"id": "a-131:st-14", "kind": "legal_act", "title": "Статья 14. Вопросы местного значения городского поселения — Федеральный закон № 131-ФЗ",
     "body": "К вопросам местного значения городского поселения относятся составление бюджета, дорожная деятельность.",
     "doc_number": "131-ФЗ", "status": "in_force", "act_id": "a-131", "article": "14"},
    {"id": "a-131:st-17", "kind": "legal_act", "title": "Статья 17. Полномочия органов местного самоуправления — Федеральный закон № 131-ФЗ",
     "body": "Органы местного самоуправления обладают полномочиями по решению вопросов местного значения.",
     "doc_number": "131-ФЗ", "status": "in_force", "act_id": "a-131", "article": "17"},
    {"id": "a-44:st-14", "kind": "legal_act", "title": "Статья 14. Применение национального режима — Федеральный закон № 44-ФЗ",
     "body": "Национальный режим при осуществлении закупок.", "doc_number": "44-ФЗ", "status": "in_force",
     "act_id": "a-44", "article": "14"},
]


@pytest.fixture
def with_articles(engine):
    engine.import_documents(Document.from_dict(d) for d in ARTICLES)
    return engine


@pytest.mark.parametrize(
    ("text", "first"),
    [("ст. 14 131-фз", "a-131:st-14"), ("статья 17 131 фз", "a-131:st-17"), ("ст 14 44-ФЗ", "a-44:st-14"),
     ("131 фз", "a-131"), ("44-фз", "a-44")],
)
def test_article_and_act_references(with_articles, text, first):
    assert with_articles.search(SearchQuery(text=text)).hits[0].id == first
