"""One benchmark run: generate, ingest, query product and raw index, optionally load the web app."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from ingest.database import SQLITE_FILE, make_engine
from ingest.document import KINDS, Document
from search_app.bench.corpus import CorpusGenerator, Vocabulary, read_sample
from search_app.bench.queries import CLASSES, BenchQuery, build_pools, make_queries
from search_app.bench.report import BenchReport, StoreRun, WebEndpoint, class_reports
from search_app.bench.runners import RawIndex, run_ingest, run_queries
from search_app.bench.web import LoadPlan, WebBenchError, drive, query_path, running_server
from search_app.engine import SearchEngine
from search_app.ranking import TEXT_FIELDS
from search_app.settings import setting, synonyms_check_seconds

FILTER_REGIONS = 5  # facet filters pick among the most frequent regions
WARMUP_PER_CLASS = 2
SYNONYM_CHECKS = 200  # version checks timed for the report
WEB_QUERIES = 200

Log = Callable[[str], None]
ProgressFactory = Callable[[int, str], AbstractContextManager[Callable[[int], None] | None]]


@dataclass(frozen=True)
class BenchOptions:
    docs: int = 100_000
    queries: int = 400
    web: bool = False
    web_plan: LoadPlan = LoadPlan()
    web_workers: int | None = None
    sample_dir: Path | None = None
    seed: int = 20261127
    database_url: str | None = None  # also run the corpus with the store there (PostgreSQL)


def no_progress(total: int, label: str) -> AbstractContextManager[Callable[[int], None] | None]:
    return nullcontext(None)


def run_bench(options: BenchOptions, log: Log = lambda _: None, progress: ProgressFactory = no_progress) -> BenchReport:
    """The whole benchmark in temporary data dirs that are removed afterwards."""
    sample_dir = options.sample_dir or Path(setting("sample_dir"))
    load_start = os.getloadavg()
    vocab = Vocabulary.from_sample_dir(sample_dir)
    root = Path(tempfile.mkdtemp(prefix="munnav-bench-"))
    try:
        corpus = root / "corpus"
        report = _run_corpus(options, vocab, corpus, log, progress, f"sqlite:///{corpus / SQLITE_FILE}")
        report.stores = [StoreRun.of("SQLite", report)]
        if options.database_url:
            with temporary_schema(options.database_url) as url:
                log(f"то же с хранилищем в {make_url(url).render_as_string(hide_password=True)}…")
                other = _run_corpus(options, vocab, root / "corpus-db", log, progress, url)
            name = make_url(url).get_backend_name()
            report.stores.append(StoreRun.of({"postgresql": "PostgreSQL"}.get(name, name), other))
        if options.web:
            log("веб: запуск «munnav serve» на образцовом корпусе…")
            try:
                report.web = _run_web(options, sample_dir, root / "web")
            except WebBenchError as exc:
                report.web_error = str(exc)
                report.notes.append(f"веб: {exc}")
        report.load = {"start": [round(x, 2) for x in load_start], "end": [round(x, 2) for x in os.getloadavg()],
                       "cpus": os.cpu_count()}
        return report
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _run_corpus(
    options: BenchOptions, vocab: Vocabulary, data_dir: Path, log: Log, progress: ProgressFactory,
    database_url: str,
) -> BenchReport:
    engine = SearchEngine.open(data_dir, elasticsearch_url="", database_url=database_url)
    try:
        log(f"генерация и загрузка {options.docs} документов в {data_dir}…")
        generator = CorpusGenerator(vocab, seed=options.seed)
        with progress(options.docs, "загрузка") as tick:
            ingest = run_ingest(engine, generator.documents(options.docs), data_dir, tick)
        pools = build_pools(
            _lemma_df(engine), ingest.docs, engine.analyzer, vocab.regions[:FILTER_REGIONS], KINDS
        )
        queries = make_queries(pools, options.queries, seed=options.seed)
        current = engine.backend.dirs.current()  # type: ignore[attr-defined]
        raw = RawIndex(current, engine.analyzer)
        segments = raw.searcher.num_segments
        started = time.perf_counter()
        run_queries(engine, raw, _warmup(queries))
        warmup_s = time.perf_counter() - started
        log(f"{len(queries)} запросов через продукт и напрямую через tantivy…")
        with progress(len(queries), "запросы") as tick:
            timings = run_queries(engine, raw, queries, tick)
        check_ms = _synonyms_check_ms(engine)
    finally:
        engine.close()
    notes = [
        f"прогрев ({len(_warmup(queries))} запросов, включая построение словаря опечаток): {warmup_s:.2f} с",
        f"сверка версии словарей синонимов с базой: {check_ms:.3f} мс (поиск делает её не чаще раза "
        f"в {synonyms_check_seconds():g} с на процесс; в остальных запросах — только сравнение времени)",
        f"частое слово встречается в {pools.common_df_share:.0%} документов",
        f"сегментов в индексе: {segments} (фасеты считаются по каждому)",
    ]
    return BenchReport(
        docs=ingest.docs, queries=len(timings), ingest=ingest, classes=class_reports(timings), notes=notes
    )


@contextmanager
def temporary_schema(url: str) -> Iterator[str]:
    """A PostgreSQL schema of its own for the run (dropped after it): ``url`` using it."""
    admin = make_engine(url)
    schema = f"munnav_bench_{secrets.token_hex(4)}"
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        try:
            yield admin.url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
                hide_password=False
            )
        finally:
            with admin.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        admin.dispose()


def _synonyms_check_ms(engine: SearchEngine, times: int = SYNONYM_CHECKS) -> float:
    """What one check of the store's synonyms version costs (a round trip to the database)."""
    started = time.perf_counter()
    for _ in range(times):
        engine.dictionaries.version()
    return (time.perf_counter() - started) / times * 1000


def _lemma_df(engine: SearchEngine) -> dict[str, int]:
    df: dict[str, int] = {}
    for name in TEXT_FIELDS:
        for term, n in engine.backend.terms(name).items():
            df[term] = max(n, df.get(term, 0))
    return df


def _warmup(queries: list[BenchQuery]) -> list[BenchQuery]:
    out: list[BenchQuery] = []
    for cls in CLASSES:
        out += [q for q in queries if q.cls == cls][:WARMUP_PER_CLASS]
    return out


def _run_web(options: BenchOptions, sample_dir: Path, data_dir: Path) -> list[WebEndpoint]:
    engine = SearchEngine.open(data_dir, elasticsearch_url="")
    try:
        docs = read_sample(sample_dir)
        engine.import_documents(docs)
        pools = build_pools(_lemma_df(engine), len(docs), engine.analyzer, _top_regions(docs), KINDS)
    finally:
        engine.close()
    queries = make_queries(pools, WEB_QUERIES, seed=options.seed)
    with running_server(data_dir, options.web_workers) as port:
        return [
            drive(port, [query_path(endpoint, q) for q in queries], options.web_plan, endpoint)
            for endpoint in ("/search", "/api/v1/search")
        ]


def _top_regions(docs: list[Document]) -> list[str]:
    counts: dict[str, int] = {}
    for d in docs:
        for r in d.regions:
            counts[r] = counts.get(r, 0) + 1
    return sorted(counts, key=lambda r: -counts[r])[:FILTER_REGIONS]

