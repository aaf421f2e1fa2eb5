"""The store contract: every store operation behaves the same on SQLite and on PostgreSQL.

Each test takes ``store_url`` and so runs on both dialects (the PostgreSQL half
against a real server, see ``tests/postgres.py``).
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import event, text

from ingest.document import Document
from ingest.http import HttpCache
from ingest.outcome import Outcome
from ingest.runlog import ErrorRecord, RunLog, RunReport
from ingest.store import Store
from search_app.query_log import QueryLog


def _doc(i: int, title: str = "Субсидия", **fields: object) -> Document:
    return Document(id=f"d-{i:03d}", kind="measure", title=f"{title} {i}", regions=("Вологодская область",),
                    **fields)  # type: ignore[arg-type]


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store(store_url) as st:
        yield st


def _row(store: Store, doc_id: str) -> dict:
    with store.engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM documents WHERE id = :i"), {"i": doc_id}).mappings().one()
    return dict(row)


def test_upsert_outcomes_and_bookkeeping(store: Store) -> None:
    assert store.upsert(_doc(1), source="minstroy") is Outcome.NEW
    first = _row(store, "d-001")
    assert store.upsert(_doc(1), source="minstroy") is Outcome.UNCHANGED
    assert store.upsert(_doc(1, "Грант"), source="minstroy") is Outcome.UPDATED
    row = _row(store, "d-001")
    assert row["first_seen"] == first["first_seen"] and row["source"] == "minstroy"
    assert row["hash"] != first["hash"] and row["missing_runs"] == 0 and row["withdrawn_at"] is None
    assert store.get("d-001") == _doc(1, "Грант")
    assert store.upsert(_doc(2, source="own")) is Outcome.NEW  # the document's own source
    assert _row(store, "d-002")["source"] == "own"


def test_bulk_upsert_matches_one_by_one(store: Store, tmp_path) -> None:
    with Store(tmp_path / "one.sqlite3") as one:
        batch = [_doc(0), _doc(1, "Грант"), _doc(7), replace(_doc(7), summary="вторая копия"), _doc(7), _doc(0)]
        for st in (one, store):
            st.upsert_many([_doc(i) for i in range(3)], source="s")
        expected = [one.upsert(d, source="s") for d in batch]
    assert store.upsert_many(batch, source="s") == expected == [
        Outcome.UNCHANGED, Outcome.UPDATED, Outcome.NEW, Outcome.UPDATED, Outcome.UPDATED, Outcome.UNCHANGED,
    ]
    assert store.get("d-007") == _doc(7)
    assert [v.outcome for v in store.versions("d-007")] == [Outcome.NEW, Outcome.UPDATED, Outcome.UPDATED]
    assert store.upsert_many([]) == []


def test_reads_and_withdrawal(store: Store) -> None:
    store.upsert_many([_doc(i) for i in range(5)], source="s")
    store.withdraw(["d-003", "nope"])
    assert store.count() == 4 and store.count(include_withdrawn=True) == 5
    assert store.is_withdrawn("d-003") and not store.is_withdrawn("d-001") and not store.is_withdrawn("nope")
    assert store.get("d-003") is None and store.get("d-003", include_withdrawn=True) == _doc(3)
    assert set(store.get_many(["d-001", "d-003", "nope", "d-001"])) == {"d-001"}
    assert [d.id for d in store.iter_documents()] == ["d-000", "d-001", "d-002", "d-004"]
    assert len(list(store.iter_documents(include_withdrawn=True))) == 5
    assert store.ids_for_source("s") == {"d-000", "d-001", "d-002", "d-004"}
    assert len(store.ids_for_source("s", include_withdrawn=True)) == 5
    assert store.ids_for_source("other") == set()
    assert [i for i, _ in store.iter_records("measure")] and not list(store.iter_records("course"))
    # A withdrawn document that comes back is updated, and live again.
    assert store.upsert(_doc(3), source="s") is Outcome.UPDATED
    assert not store.is_withdrawn("d-003")


def test_a_result_page_is_read_in_one_query(store: Store) -> None:
    store.upsert_many([_doc(i) for i in range(30)])
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    page = store.get_many([f"d-{i:03d}" for i in range(10, 20)])
    queries = [s for s in statements if not s.startswith("BEGIN")]  # SQLite: BEGIN is sent explicitly
    assert len(page) == 10 and len(queries) == 1 and queries[0].startswith("SELECT")


def test_record_missing_withdraws_at_the_threshold(store: Store) -> None:
    store.upsert_many([_doc(i) for i in range(3)], source="s")
    assert store.record_missing("s", {"d-000"}, threshold=2) == []
    assert _row(store, "d-001")["missing_runs"] == 1
    assert store.record_missing("s", {"d-000", "d-002"}, threshold=2) == ["d-001"]
    assert store.is_withdrawn("d-001") and _row(store, "d-002")["missing_runs"] == 1  # seen: not counted
    assert store.upsert(_doc(2), source="s") is Outcome.UNCHANGED  # seen again: the count restarts
    assert _row(store, "d-002")["missing_runs"] == 0


def test_pending_index_marks(store: Store) -> None:
    store.upsert_many([_doc(i) for i in range(3)])
    assert store.pending_ids() == ["d-000", "d-001", "d-002"]
    store.clear_pending(["d-000", "d-001", "nope"])
    store.clear_pending([])
    assert store.pending_ids() == ["d-002"]
    store.upsert_many([_doc(0), _doc(1, "Грант")])  # unchanged: no mark; updated: marked again
    assert store.pending_ids() == ["d-001", "d-002"]


def test_crawl_run_reports(store: Store) -> None:
    log = RunLog(store.engine)
    counts = dict.fromkeys(RunReport.COUNT_KEYS, 0)
    errors = [ErrorRecord("fetch", f"https://example.ru/{i}", f"ошибка {i}") for i in (3, 1, 2)]
    first = log.save(RunReport("a", "2026-11-01T10:00:00+00:00", "2026-11-01T10:01:00+00:00", "partial",
                               counts | {"failed": 3}, errors, {"http/requests": 5}))
    second = log.save(RunReport("b", "2026-11-02T10:00:00+00:00", "2026-11-02T10:01:00+00:00", "ok", counts))
    assert second > first
    [b, a] = log.last(5)
    assert (b.source, b.errors, a.errors, a.counters) == ("b", [], errors, {"http/requests": 5})
    assert a.counts["failed"] == 3 and a.id == first
    assert [r.source for r in log.last(5, "a")] == ["a"] and len(log.last(1)) == 1
    assert log.last_started("a") == "2026-11-01T10:00:00+00:00" and log.last_started("zzz") is None


def test_http_cache(store: Store) -> None:
    cache = HttpCache(store.engine)
    assert cache.get("https://example.ru/") is None
    cache.put("https://example.ru/", '"v1"', None, "text/html", "Первая".encode())
    cache.put("https://example.ru/", '"v2"', "Mon, 02 Nov 2026 10:00:00 GMT", "text/html", b"\x00\xff binary")
    got = cache.get("https://example.ru/")
    assert got is not None
    assert (got.etag, got.last_modified, got.body) == ('"v2"', "Mon, 02 Nov 2026 10:00:00 GMT", b"\x00\xff binary")


def test_query_log(store: Store) -> None:
    log = QueryLog(store.engine)
    for client, (text_, hits) in enumerate([("Конкурс ТОС", 3), ("конкурс  тос", 4), ("конкурс_100%", 1),
                                            ("конкурсы", 2), ("конкурсы", 2), ("конкурсы", 2), ("ничего", 0)]):
        for other in ("a", "b", "c"):  # offered only once several clients typed it (16.6)
            log.record(text_, hits, f"{client}{other}")
    log.flush()
    assert log.popular("конк", 5) == ["конкурсы", "конкурс тос", "конкурс_100%"]
    assert log.popular("конкурс_", 5) == ["конкурс_100%"]  # «_» and «%» are not wildcards
    assert log.popular("ничего", 5) == []  # found nothing: never offered
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count, hits FROM query_log WHERE text = 'конкурс тос'")).one() == (6, 4)


def _write_batches(url: str, worker: int, rounds: int, start: object, results: object) -> None:
    """One writer process: overlapping batches, half of them changing what the other wrote."""
    outcomes: Counter = Counter()
    with Store(url) as store:
        store.count()  # connected: start together
        start.wait()  # type: ignore[attr-defined]
        for n in range(rounds):
            batch = [_doc(i, f"Версия {worker}-{n}" if i % 2 else "Субсидия") for i in range(n, n + 8)]
            outcomes.update(store.upsert_many(batch, source=f"w{worker}"))
    results.put(dict(outcomes))  # type: ignore[attr-defined]


def test_two_processes_writing_at_once_lose_nothing(store: Store, store_url: str) -> None:
    rounds = 150
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(2), context.Queue()
    writers = [context.Process(target=_write_batches, args=(store_url, w, rounds, start, results)) for w in (1, 2)]
    for p in writers:
        p.start()
    total = Counter(results.get(timeout=120)) + Counter(results.get(timeout=120))
    for p in writers:
        p.join(timeout=60)
        assert p.exitcode == 0
    ids = range(rounds + 7)
    assert store.count() == len(ids)
    assert total[Outcome.NEW] == len(ids)  # each document was new to exactly one writer
    with store.engine.connect() as conn:
        versions = conn.scalar(text("SELECT COUNT(*) FROM document_versions"))
    assert versions == total[Outcome.NEW] + total[Outcome.UPDATED]  # every decision was taken on what was there
    for i in ids:  # the history ends at the content the store holds
        assert store.versions(f"d-{i:03d}")[-1].document == store.get(f"d-{i:03d}")
