"""Edited synonym dictionaries live in the store; every process that analyzes follows them.

The analyzer checks the store's synonyms version at most every few seconds (a
clock the tests move), reindexing — also in analysis workers — uses the edited
dictionary, and so do the Elasticsearch synonym rules.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
import tantivy
from click.testing import CliRunner

from ingest.document import Document
from ingest.store import Store
from search_app import synonym_dictionaries as stored
from search_app.analysis import get_analyzer
from search_app.analysis.analyzer import DEFAULT_SYNONYMS_DIR, Analyzer, SynonymsState
from search_app.backends.elastic import ElasticBackend
from search_app.backends.embedded import SCHEMA, EmbeddedBackend, tantivy_fields
from search_app.cli import main
from search_app.engine import SearchEngine
from search_app.index_document import build_index_document
from search_app.parallel_analysis import index_documents
from search_app.query import SearchQuery
from tests.backends.fake_es import FakeCluster

SHIPPED = (DEFAULT_SYNONYMS_DIR / "municipal.txt").read_text(encoding="utf-8")
NEW_SEQUENCE = ("дворовый", "проезд")
EDITED = SHIPPED + "\nдворовый проезд, внутриквартальный проезд\n"


class FakeSource:
    """A store's synonyms version and edits, counting how often it is asked."""

    def __init__(self) -> None:
        self.current = 0
        self.edits: dict[str, str] = {}
        self.asked = 0

    def version(self) -> int | None:
        self.asked += 1
        return self.current

    def state(self) -> tuple[int, Mapping[str, str]]:
        return self.current, dict(self.edits)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def own_analyzer() -> Analyzer:
    return Analyzer(DEFAULT_SYNONYMS_DIR)


def test_the_analyzer_asks_the_store_at_most_every_interval(own_analyzer: Analyzer) -> None:
    source, clock = FakeSource(), Clock()
    own_analyzer.follow(source, 5.0, clock)
    try:
        assert NEW_SEQUENCE not in own_analyzer.synonyms.sequences() and source.asked == 1
        for _ in range(100):  # a hundred searches within the interval: no further question
            own_analyzer.expand(["дворовый", "проезд"])
        assert source.asked == 1
        source.current, source.edits = 7, {"municipal.txt": EDITED}
        clock.now = 4.9
        assert NEW_SEQUENCE not in own_analyzer.synonyms.sequences()
        clock.now = 5.0
        assert NEW_SEQUENCE in own_analyzer.synonyms.sequences() and source.asked == 2
        assert own_analyzer.expand(["дворовый", "проезд"])[0][1] == {("внутриквартальный", "проезд")}
        source.current, source.edits = 8, {}
        clock.now = 20.0
        with own_analyzer.pinned() as pinned:  # a write session keeps the dictionary it started with
            assert pinned.version == 8 and NEW_SEQUENCE not in own_analyzer.synonyms.sequences()
            source.current, source.edits = 9, {"municipal.txt": EDITED}
            clock.now = 40.0
            assert NEW_SEQUENCE not in own_analyzer.synonyms.sequences()
        assert NEW_SEQUENCE in own_analyzer.synonyms.sequences()
        source.version = lambda: None  # type: ignore[method-assign]  # the store does not answer
        clock.now = 60.0
        assert NEW_SEQUENCE in own_analyzer.synonyms.sequences()  # the dictionary in service goes on
    finally:
        own_analyzer.follow(None)
    assert NEW_SEQUENCE not in own_analyzer.synonyms.sequences()  # the files alone again


def test_versions_move_on_every_apply_and_reset_and_keep_the_history(store_url: str) -> None:
    with Store(store_url) as store, store.engine.begin() as conn:
        assert stored.version(conn) == 0 and stored.overrides(conn) == {}
        first = stored.apply(conn, "municipal.txt", EDITED, None)
        second = stored.apply(conn, "municipal.txt", SHIPPED, None)
        assert stored.overrides(conn) == {"municipal.txt": SHIPPED} and stored.version(conn) == second > first
        reset = stored.reset(conn, "municipal.txt", None)
        assert reset is not None and reset > second and stored.overrides(conn) == {}
        assert stored.reset(conn, "municipal.txt", None) is None
        assert [(v.id, v.text) for v in stored.history(conn, "municipal.txt")] == [
            (reset, None), (second, SHIPPED), (first, EDITED)]


@pytest.fixture
def edited_store(data_dir: Path, store_url: str) -> Iterator[str]:
    """A store with a document naming the new sequence, and the dictionary edited (as the console does)."""
    engine = SearchEngine(Store(store_url), EmbeddedBackend(data_dir / "index"))
    engine.import_documents([Document.from_dict(
        {"id": "p-1", "kind": "practice", "title": "Ремонт дворовый проезд у школы"})])
    with engine.store.engine.begin() as conn:
        stored.apply(conn, "municipal.txt", EDITED, None)
    engine.close()
    yield store_url


def test_munnav_reindex_indexes_with_the_edited_dictionary(edited_store: str, data_dir: Path) -> None:
    dry = CliRunner().invoke(main, ["reindex", "--dry-run"])
    assert dry.exit_code == 0 and "словари синонимов: правлены в консоли: municipal.txt" in dry.output
    result = CliRunner().invoke(main, ["reindex"])
    assert result.exit_code == 0, result.output
    query = tantivy.Query.term_query(SCHEMA, "title_seqs", "_".join(NEW_SEQUENCE))
    engine = SearchEngine(Store(edited_store), EmbeddedBackend(data_dir / "index"))  # a process following the store
    try:
        searcher, _, sequences = engine.backend._reader()  # type: ignore[attr-defined]
        assert searcher.search(query, limit=1).count == 1  # the document holds the sequence as one term
        assert NEW_SEQUENCE in sequences  # and the generation is answered so: built with this dictionary
    finally:
        engine.close()


def test_a_search_process_expands_with_the_edited_dictionary(edited_store: str, data_dir: Path) -> None:
    engine = SearchEngine(Store(edited_store), EmbeddedBackend(data_dir / "index"), Analyzer(DEFAULT_SYNONYMS_DIR))
    try:
        found = engine.search(SearchQuery(text="внутриквартальный проезд", with_facets=False, verbatim=True))
        assert [h.id for h in found.hits] == ["p-1"]
    finally:
        engine.close()


def test_analysis_workers_use_the_dictionary_of_their_parent() -> None:
    analyzer = get_analyzer()
    docs = [Document.from_dict({"id": f"p-{n}", "kind": "practice", "title": "Ремонт дворовый проезд"})
            for n in range(4)]
    analyzer.use_synonyms(SynonymsState(1, (("municipal.txt", EDITED),)))
    try:
        parallel = list(index_documents(docs, analyzer, workers=1, min_docs=2, finish=tantivy_fields))
        here = [tantivy_fields(build_index_document(d, analyzer)) for d in docs]
    finally:
        analyzer.use_synonyms(SynonymsState())
    assert parallel == here and all("дворовый_проезд" in d["title_seqs"] for d in parallel)


def test_the_elasticsearch_synonyms_set_is_built_from_the_dictionaries_in_service(own_analyzer: Analyzer) -> None:
    cluster = FakeCluster()
    backend = ElasticBackend("http://fake:9200", "munnav-test", client=cluster.client(), analyzer=own_analyzer)
    source = FakeSource()
    source.current, source.edits = 3, {"municipal.txt": EDITED}
    own_analyzer.follow(source)
    try:
        backend.put_synonyms()
    finally:
        own_analyzer.follow(None)
    backend.put_synonyms()
    edited, shipped = ({r["synonyms"] for r in body["synonyms_set"]}
                       for method, path, body in cluster.requests if path.startswith("/_synonyms/munnav-test-synonyms"))
    assert edited - shipped == {"дворовый проезд, внутриквартальный проезд"}
