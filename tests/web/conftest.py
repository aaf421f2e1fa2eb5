"""The real app over a temporary store and index loaded with the fixture corpus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ingest.document import Document
from ingest.jsonl import read_documents
from ingest.store import Store
from search_app.backends.embedded import EmbeddedBackend
from search_app.engine import SearchEngine
from search_app.web import create_app
from tests.conftest import DIALECTS

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "corpus.jsonl"
TODAY = "2026-11-27"


def load_corpus(path: Path = CORPUS) -> list[Document]:
    docs = []
    for item in read_documents(path):
        assert isinstance(item, Document), str(item)
        docs.append(item)
    return docs


def build_data_dir(root: Path, database_url: str | None = None) -> Path:
    engine = SearchEngine(Store(database_url or root / "store.sqlite3"), EmbeddedBackend(root / "index"))
    try:
        engine.import_documents(load_corpus())
    finally:
        engine.close()
    return root


@pytest.fixture(scope="session", params=DIALECTS)
def web_database(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """The web tests run on the SQLite store, then once more on PostgreSQL."""
    if request.param == "sqlite":
        yield None
        return
    databases = request.getfixturevalue("postgres_databases")
    url = databases.create()
    yield url
    databases.drop(url)


@pytest.fixture(scope="session")
def web_data_dir(tmp_path_factory: pytest.TempPathFactory, web_database: str | None) -> Path:
    return build_data_dir(tmp_path_factory.mktemp("web-data"), web_database)


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("MUNNAV_TODAY", TODAY)
    monkeypatch.delenv("ELASTICSEARCH_URL", raising=False)
    return TODAY


@pytest.fixture
def app(web_data_dir: Path, web_database: str | None) -> Iterator[Flask]:
    app = create_app(
        {"DATA_DIR": str(web_data_dir), "DATABASE_URL": web_database, "TESTING": True, "ELASTICSEARCH_URL": ""}
    )
    yield app
    app.extensions["munnav"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
