"""The legal-advice service over the accounts' fixtures, with an index that holds article 17 of 131-ФЗ."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.document import Document
from ingest.store import Store
from search_app.backends.embedded import EmbeddedBackend
from search_app.engine import SearchEngine
from tests.accounts.conftest import (  # noqa: F401 - fixtures shared with the accounts' tests
    PASSWORD,
    ROLE_EMAILS,
    app,
    app_data_dir,
    cheap_hashes,
    client,
    csrf_token,
    db_engine,
    db_url,
    people,
    sign_in,
    web_service,
)
from tests.web.conftest import build_data_dir

ARTICLE_17 = {
    "id": "act-131:st-17", "kind": "legal_act", "title": "Статья 17. Полномочия органов местного самоуправления",
    "doc_number": "131-ФЗ", "act_id": "act-131", "article": "17", "status": "expired",
    "summary": "Полномочия органов местного самоуправления по решению вопросов местного значения.",
}


ANSWERED = {
    "id": "k-snow", "kind": "consultation", "title": "Уборка снега с дорог между сёлами зимой",
    "question": "Кто чистит от снега дорогу между сёлами?", "answer": "Содержание дорог местного значения, включая "
    "снегоочистку, — полномочие округа (статья 13 закона № 257-ФЗ).", "cites": [{"doc_number": "131-ФЗ"}],
    "published": "2025-01-15",
}


def add_article(root: Path) -> Path:
    """Article 17 of 131-ФЗ and one answered consultation, next to the web fixture corpus."""
    engine = SearchEngine(Store(root / "store.sqlite3"), EmbeddedBackend(root / "index"))
    try:
        engine.import_documents([Document.from_dict(ARTICLE_17), Document.from_dict(ANSWERED)])
    finally:
        engine.close()
    return root


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The web fixture corpus and article 17 of 131-ФЗ (each test works on a copy: ``app_data_dir``)."""
    return add_article(build_data_dir(tmp_path_factory.mktemp("legal-index")))
