"""Facets counted by the complement equal facets counted directly."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.jsonl import read_documents
from search_app.backends import tantivy_facets
from search_app.engine import SearchEngine
from search_app.query import SearchQuery
from tests.backends.conftest import SAMPLE

QUERIES = [
    SearchQuery(text=""),
    SearchQuery(text="муниципальный"),
    SearchQuery(text="муниципальный район", filters={"kind": ("competition",)}),
    SearchQuery(text="", filters={"regions": ("Тверская область",)}),
    SearchQuery(text="программа", open_now=True),
    SearchQuery(text="ремонт дорог"),
]


def _shape(engine: SearchEngine, query: SearchQuery) -> tuple[int, dict]:
    result = engine.search(query)
    return result.total, {k: [(v.value, v.count) for v in vs] for k, vs in result.facets.items()}


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: f"{q.text}|{dict(q.filters)}")
def test_complement_counts_equal_direct_counts(
    sample_engine: SearchEngine, query: SearchQuery, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tantivy_facets, "COMPLEMENT_SHARE", -1.0)  # always by the complement when allowed
    used: list[object] = []
    original = tantivy_facets.FacetCounter._by_complement

    def spy(self, *args):  # noqa: ANN001, ANN202
        out = original(self, *args)
        used.append(out)
        return out

    monkeypatch.setattr(tantivy_facets.FacetCounter, "_by_complement", spy)
    by_complement = _shape(sample_engine, query)
    if not query.open_now:  # open_now filters every group: nothing to complement
        assert used and all(u is not None for u in used)
    monkeypatch.setattr(tantivy_facets, "COMPLEMENT_SHARE", 2.0)  # never
    direct = _shape(sample_engine, query)
    assert by_complement == direct
    assert direct[0] > 0 and direct[1]["kind"]


def test_whole_index_counts_follow_index_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tantivy_facets, "COMPLEMENT_SHARE", -1.0)
    engine = SearchEngine.open(tmp_path, elasticsearch_url="")
    docs = [d for d in read_documents(SAMPLE / "practices.jsonl") if not isinstance(d, Exception)]
    engine.import_documents(docs + [d for d in read_documents(SAMPLE / "courses.jsonl") if not isinstance(d, Exception)])
    before = _shape(engine, SearchQuery(text=""))
    engine.backend.delete([docs[0].id])
    after = _shape(engine, SearchQuery(text=""))
    engine.close()
    assert after[0] == before[0] - 1
    kinds_before, kinds_after = dict(before[1]["kind"]), dict(after[1]["kind"])
    assert kinds_after["practice"] == kinds_before["practice"] - 1


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: f"{q.text}|{dict(q.filters)}")
def test_counts_split_across_threads_equal_counts_in_one_pass(
    sample_engine: SearchEngine, query: SearchQuery, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tantivy_facets, "COMPLEMENT_SHARE", 2.0)  # direct counting only
    one_pass = _shape(sample_engine, query)
    chunks: list[list[str]] = []
    original = tantivy_facets.FacetCounter._count_columns

    def spy(self, searcher, query, columns, *rest):  # noqa: ANN001, ANN202
        chunks.append(list(columns))
        return original(self, searcher, query, columns, *rest)

    monkeypatch.setattr(tantivy_facets, "THREADED_FROM_DOCS", 0)
    monkeypatch.setattr(tantivy_facets, "SPLIT_FROM_MATCHES", 0)
    monkeypatch.setattr(tantivy_facets.FacetCounter, "_count_columns", spy)
    split = _shape(sample_engine, query)
    assert split == one_pass
    if not any(query.filters.values()) and not query.open_now:  # one group, no filter: split in two
        assert len(chunks) == 2 and not set(chunks[0]) & set(chunks[1])


COMPOSITE_QUERIES = [
    *QUERIES,
    SearchQuery(text="программа", filters={"status": ("open",)}),
    SearchQuery(text="", filters={"year": ("2024",), "kind": ("practice", "legal_act")}),
]


@pytest.mark.parametrize("query", COMPOSITE_QUERIES, ids=lambda q: f"{q.text}|{dict(q.filters)}|{q.open_now}")
@pytest.mark.parametrize("share", [-1.0, 2.0], ids=["complement", "direct"])
def test_composite_column_counts_equal_separate_columns(
    sample_engine: SearchEngine, query: SearchQuery, share: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tantivy_facets, "COMPLEMENT_SHARE", share)
    read: list[list[str]] = []
    original = tantivy_facets.FacetCounter._count_columns

    def spy(self, searcher, query, columns, *rest):  # noqa: ANN001, ANN202
        read.append(list(columns))
        return original(self, searcher, query, columns, *rest)

    monkeypatch.setattr(tantivy_facets.FacetCounter, "_count_columns", spy)
    combined = _shape(sample_engine, query)
    assert any(tantivy_facets.COMPOSITE in columns for columns in read)
    monkeypatch.setattr(tantivy_facets, "COMPOSITE", "no_such_column")  # each facet from its own column
    read.clear()
    separate = _shape(sample_engine, query)
    assert read and not any("kind_status_year" in columns for columns in read)
    assert combined == separate
    assert combined[1]["kind"] and combined[1]["year"]
