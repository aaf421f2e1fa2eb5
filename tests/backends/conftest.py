"""Fixtures shared by the backend tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.jsonl import read_documents
from search_app.engine import SearchEngine

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def sample_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchEngine]:
    """The embedded engine over the bundled sample corpus (one per test module)."""
    engine = SearchEngine.open(tmp_path_factory.mktemp("sample"), elasticsearch_url="")
    docs = [d for p in sorted(SAMPLE.glob("*.jsonl")) for d in read_documents(p) if not isinstance(d, Exception)]
    engine.import_documents(docs)
    yield engine
    engine.close()
