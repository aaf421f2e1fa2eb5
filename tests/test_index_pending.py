"""An import cut short between the store and the index commit is finished by the next one."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.document import Document
from search_app.engine import SearchEngine
from search_app.query import SearchQuery


def _doc(i: int, title: str = "Субсидия на ремонт дорог") -> Document:
    return Document.from_dict({"id": f"m-{i:03d}", "kind": "measure", "title": f"{title} {i}"})


class Crash(RuntimeError):
    pass


def _ids(engine: SearchEngine, text: str) -> set[str]:
    return {h.document.id for h in engine.search(SearchQuery(text=text, per_page=100)).hits}


def test_interrupted_import_is_indexed_by_the_next_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = SearchEngine.open(tmp_path, elasticsearch_url="")
    engine.import_documents([_doc(1)])
    original_index = engine.backend.index

    def crashing_index(docs):  # noqa: ANN001, ANN202 - the documents are stored, then the process dies
        for _ in docs:
            pass
        raise Crash

    monkeypatch.setattr(engine.backend, "index", crashing_index)
    with pytest.raises(Crash):
        engine.import_documents([_doc(2), _doc(3)])
    assert engine.store.count() == 3 and _ids(engine, "ремонт дорог") == {"m-001"}
    assert engine.store.pending_ids() == ["m-002", "m-003"]

    monkeypatch.setattr(engine.backend, "index", original_index)
    report = engine.import_documents([_doc(2), _doc(3)])  # the same documents: unchanged in the store
    assert report.indexed == 2
    assert _ids(engine, "ремонт дорог") == {"m-001", "m-002", "m-003"}
    assert engine.store.pending_ids() == []
    engine.close()


def test_indexed_documents_leave_no_trace_and_reindex_clears(tmp_path: Path) -> None:
    engine = SearchEngine.open(tmp_path, elasticsearch_url="")
    report = engine.import_documents([_doc(i) for i in range(5)])
    assert report.indexed == 5 and engine.store.pending_ids() == []
    engine.import_documents([_doc(1, "Грант на благоустройство")])  # changed
    assert engine.store.pending_ids() == []
    engine.store.upsert(_doc(7))  # stored only (as a crash would leave it)
    assert engine.store.pending_ids() == ["m-007"]
    engine.reindex()
    assert engine.store.pending_ids() == [] and "m-007" in _ids(engine, "ремонт дорог")
    engine.close()


def test_each_commit_clears_its_own_documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("search_app.engine.INDEX_COMMIT", 2)
    engine = SearchEngine.open(tmp_path, elasticsearch_url="")
    original_index = engine.backend.index
    batches: list[list[str]] = []

    def index_then_crash_on_the_second(docs):  # noqa: ANN001, ANN202
        batch = list(docs)
        batches.append([d["id"] for d in batch])
        if len(batches) == 2:
            raise Crash
        return original_index(batch)

    monkeypatch.setattr(engine.backend, "index", index_then_crash_on_the_second)
    with pytest.raises(Crash):
        engine.import_documents([_doc(i) for i in range(5)])
    assert batches == [["m-000", "m-001"], ["m-002", "m-003"]]
    assert engine.store.pending_ids() == ["m-002", "m-003", "m-004"]
    assert _ids(engine, "ремонт дорог") == {"m-000", "m-001"}

    monkeypatch.setattr(engine.backend, "index", original_index)
    report = engine.import_documents([_doc(i) for i in range(5)])
    assert report.indexed == 3 and engine.store.pending_ids() == []
    assert _ids(engine, "ремонт дорог") == {f"m-{i:03d}" for i in range(5)}
    engine.close()
