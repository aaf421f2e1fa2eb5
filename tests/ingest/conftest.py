"""Fixtures for ingestion tests: a local fixture server, a store, fast sources."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest.document import Document
from ingest.pipeline import Pipeline
from ingest.sources import Source, parse_registry
from ingest.store import Store
from tests.ingest.server import FixtureServer

FIXTURES = Path(__file__).parent / "fixtures"
# ../shared/real next to the checkout; a git worktree one level deeper finds it further up.
REAL = next(
    (p / "shared" / "real" for p in Path(__file__).resolve().parents[3:] if (p / "shared" / "real").is_dir()),
    Path(__file__).resolve().parents[2].parent / "shared" / "real",
)

FAST = {
    "delay": 1.0,  # MUNNAV_CRAWL_DELAY=0 overrides it
    "connect_timeout": 1.0,
    "read_timeout": 1.0,
    "retries": 1,
    "backoff": 0.0,
    "max_retry_after": 2.0,
    "time_limit": 30.0,
    "withdraw_after": 2,
}


class RecordingIndexer:
    """The pipeline's view of the engine: a real store, an index that records calls."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.indexed: list[str] = []
        self.removed: list[str] = []

    def index_documents(self, docs: Iterable[Document]) -> int:
        ids = [d.id for d in docs]
        self.indexed += ids
        self.store.clear_pending(ids)  # as the engine does once the index has committed
        return len(ids)

    def finish_pending(self) -> int:
        ids = self.store.pending_ids()
        docs = self.store.get_many(ids)
        return self.index_documents(docs[i] for i in ids if i in docs)

    def remove_from_index(self, ids: Iterable[str]) -> None:
        self.removed += list(ids)


@pytest.fixture(autouse=True)
def no_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUNNAV_CRAWL_DELAY", "0")


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    srv = FixtureServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    st = Store(tmp_path / "store.sqlite3")
    yield st
    st.close()


@pytest.fixture
def indexer(store: Store) -> RecordingIndexer:
    return RecordingIndexer(store)


@pytest.fixture
def pipeline(indexer: RecordingIndexer) -> Pipeline:
    return Pipeline(indexer)


def make_source(name: str, type_: str, base_url: str, kind: str, options: dict[str, Any], **extra: Any) -> Source:
    table = {"type": type_, "base_url": base_url, "kind": kind, **FAST, **extra, "options": options}
    return parse_registry({"sources": {name: table}})[name]
