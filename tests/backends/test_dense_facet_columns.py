"""Single-valued facet columns hold a value for every document (NO_VALUE when it
has fewer values), and that filler never shows as a facet value."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

from ingest.document import Document
from ingest.jsonl import read_documents
from search_app.backends import tantivy_facets
from search_app.backends.embedded import tantivy_fields
from search_app.backends.tantivy_facets import NO_VALUE, split_columns
from search_app.engine import SearchEngine
from search_app.index_document import build_index_document
from search_app.query import SearchQuery
from tests.backends.conftest import SAMPLE


def _docs() -> list[Document]:
    docs = [d for p in sorted(SAMPLE.glob("*.jsonl")) for d in read_documents(p) if isinstance(d, Document)]
    # At most one audience (its other columns hold only the filler), a document
    # with no values and one with more values than there are single columns.
    docs = [replace(d, audience=d.audience[:1]) for d in docs]
    docs[0] = replace(docs[0], regions=(), topics=(), audience=())
    many = ("Тверская область", "Алтайский край", "Республика Татарстан", "Пермский край", "Омская область")
    docs[1] = replace(docs[1], regions=many)
    return docs


def test_fewer_values_fill_the_single_columns(sample_engine: SearchEngine) -> None:
    doc = replace(_docs()[1], topics=("ЖКХ",), audience=())
    fields = tantivy_fields(build_index_document(doc, sample_engine.analyzer))
    *singles, rest = split_columns("topics")
    assert [fields[c] for c in singles] == ["ЖКХ", NO_VALUE, NO_VALUE] and rest not in fields
    assert [fields[c] for c in split_columns("audience")[:-1]] == [NO_VALUE] * 3
    *singles, rest = split_columns("regions")
    assert [fields[c] for c in singles] == list(doc.regions[:3]) and fields[rest] == list(doc.regions[3:])


def test_counts_equal_counts_of_the_documents(tmp_path: Path) -> None:
    docs = _docs()
    engine = SearchEngine.open(tmp_path, elasticsearch_url="")
    try:
        engine.import_documents(docs)
        result = engine.search(SearchQuery(text="", per_page=1))
        read = engine.backend._facets._whole_index(*engine.backend._snapshot())[1]  # type: ignore[attr-defined]
    finally:
        engine.close()
    assert result.total == len(docs)
    for name in tantivy_facets.MULTI_VALUED:
        expected = Counter(v for d in docs for v in set(getattr(d, name)))
        assert {v.value: v.count for v in result.facets[name]} == dict(expected)
        # A column holding nothing but the filler is not read.
        longest = max(len(getattr(d, name)) for d in docs)
        assert [c in read for c in split_columns(name)[:-1]] == [i < longest for i in range(3)]
    assert split_columns("audience")[1] not in read
