"""Timed runs: ingest through the product, queries through the product and the raw index."""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import tantivy
from tantivy import Occur, Query

from ingest.document import Document
from search_app.analysis.analyzer import Analyzer
from search_app.backends.embedded import SCHEMA
from search_app.bench.queries import BenchQuery
from search_app.engine import SearchEngine
from search_app.query import FACET_FIELDS, SearchQuery
from search_app.ranking import TEXT_FIELDS

RAW_LIMIT = 10
RAW_FACET_AGGS = {name: {"terms": {"field": name, "size": SearchQuery().facet_size}} for name in FACET_FIELDS}


@dataclass(frozen=True)
class IngestResult:
    docs: int
    seconds: float  # import only: generating the documents is not counted
    generate_seconds: float
    rss_before_mb: float
    peak_rss_mb: float
    index_bytes: int
    store_bytes: int

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class QueryTiming:
    query: BenchQuery
    product_ms: float
    raw_ms: float
    product_total: int
    raw_total: int
    raw_facets_ms: float = 0.0  # the raw search plus tantivy's own terms aggregations


class _TimedSource:
    """Wraps a document generator; counts the time spent producing documents."""

    def __init__(self, docs: Iterable[Document], progress: Callable[[int], None] | None) -> None:
        self._docs = iter(docs)
        self._progress = progress
        self.seconds = 0.0

    def __iter__(self) -> Iterator[Document]:
        while True:
            started = time.perf_counter()
            try:
                doc = next(self._docs)
            except StopIteration:
                self.seconds += time.perf_counter() - started
                return
            self.seconds += time.perf_counter() - started
            if self._progress is not None:
                self._progress(1)
            yield doc


def run_ingest(
    engine: SearchEngine, docs: Iterable[Document], data_dir: Path, progress: Callable[[int], None] | None = None
) -> IngestResult:
    """Store, analyse and index ``docs`` through ``engine.import_documents``."""
    rss_before = current_rss_mb()
    source = _TimedSource(docs, progress)
    started = time.perf_counter()
    report = engine.import_documents(source)
    # Counted, and done before anything else is timed: on this VM, pages the
    # import left dirty slowed whatever ran next (the search page: 138 req/s
    # right after writing 600 MB, 276 req/s a run later or after a sync).
    os.sync()
    elapsed = time.perf_counter() - started
    indexed = report.indexed
    return IngestResult(
        docs=indexed,
        seconds=max(elapsed - source.seconds, 1e-9),
        generate_seconds=source.seconds,
        rss_before_mb=rss_before,
        peak_rss_mb=peak_rss_mb(),
        index_bytes=dir_bytes(data_dir / "index"),
        store_bytes=sum(p.stat().st_size for p in data_dir.glob("store.sqlite3*")),
    )


def run_queries(
    engine: SearchEngine, raw: RawIndex, queries: Iterable[BenchQuery], tick: Callable[[int], None] | None = None
) -> list[QueryTiming]:
    """Each query through the product, then the raw index without and with facet
    aggregations (interleaved: same conditions)."""
    out: list[QueryTiming] = []
    for q in queries:
        started = time.perf_counter()
        result = engine.search(SearchQuery(text=q.text, filters=q.filters))
        product_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        raw_total, _ = raw.search(q)
        raw_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        raw.search(q, facets=True)
        raw_facets_ms = (time.perf_counter() - started) * 1000
        out.append(QueryTiming(q, product_ms, raw_ms, result.total, raw_total, raw_facets_ms))
        if tick is not None:
            tick(1)
    return out


class RawIndex:
    """The tantivy index searched directly: same lemmas, plain term/boolean query, top-10 + count."""

    def __init__(self, path: Path, analyzer: Analyzer) -> None:
        self.index = tantivy.Index(SCHEMA, str(path), reuse=True)
        self.searcher = self.index.searcher()
        self.analyzer = analyzer

    def query(self, q: BenchQuery) -> Query:
        lemmas = list(dict.fromkeys(self.analyzer.lemmas(q.text)))
        text = Query.boolean_query(
            [(Occur.Should, Query.term_query(SCHEMA, f, lemma)) for lemma in lemmas for f in TEXT_FIELDS]
        )
        if not q.filters:
            return text
        must = [(Occur.Must, text)]
        for name, values in q.filters.items():
            must.append((Occur.Must, Query.term_set_query(SCHEMA, name, list(values))))
        return Query.boolean_query(must)

    def search(self, q: BenchQuery, facets: bool = False) -> tuple[int, list[str]]:
        """Top-10 ids and the count; with ``facets``, also tantivy's terms
        aggregation of every facet field over the same matches (one pass over
        the fields as indexed: no disjunctive counts, no Python shaping)."""
        query = self.query(q)
        result = self.searcher.search(query, limit=RAW_LIMIT, count=True)
        if facets:
            self.searcher.aggregate(query, RAW_FACET_AGGS)
        ids = [self.searcher.doc(addr)["id"][0] for _, addr in result.hits]
        return result.count or 0, ids


def current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * resource.getpagesize() / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def peak_rss_mb() -> float:
    """The process's peak resident set (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
