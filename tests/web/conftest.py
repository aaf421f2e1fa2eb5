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

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "corpus.jsonl"
TODAY = "2026-11-27"


def load_corpus(path: Path = CORPUS) -> list[Document]:
    docs = []
    for item in read_documents(path):
        assert isinstance(item, Document), str(item)
        docs.append(item)
    return docs


def build_data_dir(root: Path) -> Path:
    engine = SearchEngine(Store(root / "store.sqlite3"), EmbeddedBackend(root / "index"))
    try:
        engine.import_documents(load_corpus())
    finally:
        engine.close()
    return root


@pytest.fixture(scope="session")
def web_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_data_dir(tmp_path_factory.mktemp("web-data"))


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("MUNNAV_TODAY", TODAY)
    monkeypatch.delenv("ELASTICSEARCH_URL", raising=False)
    return TODAY


@pytest.fixture
def app(web_data_dir: Path) -> Iterator[Flask]:
    app = create_app({"DATA_DIR": str(web_data_dir), "TESTING": True, "ELASTICSEARCH_URL": ""})
    yield app
    app.extensions["munnav"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
