"""Elasticsearch failures become BackendError (503 page, CLI exit 3), never tracebacks.

The real client talks to a fake node (the HTTP boundary), so every layer of
the backend above it runs for real.
"""

from __future__ import annotations

import datetime as dt
import re
import socket
import subprocess
import sys

import pytest
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout

from search_app.analysis.query_parser import Clause, ParsedQuery
from search_app.backends.base import BackendError, SearchPlan
from search_app.backends.elastic import ElasticBackend
from search_app.query import SearchQuery
from tests.backends.fake_es import FakeCluster, bulk_reply

ALIAS = "munnav-test"
PLAN = SearchPlan(SearchQuery(text="тос").validated(), ParsedQuery("тос", (Clause(("тос",)),)), dt.date(2026, 11, 27))


@pytest.fixture
def cluster() -> FakeCluster:
    c = FakeCluster()
    c.on("PUT", r"/_create/", (201, {"result": "created"}))  # the write lock
    c.on("HEAD", rf"^/_alias/{ALIAS}$", (200, {}))
    return c


@pytest.fixture
def backend(cluster: FakeCluster) -> ElasticBackend:
    return ElasticBackend("http://fake:9200", ALIAS, client=cluster.client())


def error_reply(status: int, kind: str) -> tuple[int, dict]:
    return status, {"error": {"type": kind, "reason": kind.replace("_", " ")}, "status": status}


def test_connection_refused_is_a_backend_error(cluster: FakeCluster, backend: ElasticBackend) -> None:
    cluster.failure = TransportConnectionError("Connection refused")
    with pytest.raises(BackendError, match="нет связи с Elasticsearch"):
        backend.search(PLAN)


def test_timeout_is_a_backend_error(cluster: FakeCluster, backend: ElasticBackend) -> None:
    cluster.failure = ConnectionTimeout("timed out")
    with pytest.raises(BackendError, match="не ответил вовремя"):
        backend.count()


def test_red_cluster_503_is_a_backend_error(cluster: FakeCluster, backend: ElasticBackend) -> None:
    cluster.on("POST", r"/_search$", error_reply(503, "search_phase_execution_exception"))
    with pytest.raises(BackendError, match="кластер Elasticsearch не готов"):
        backend.search(PLAN)


def test_partial_shard_failure_is_not_passed_off_as_results(cluster: FakeCluster, backend: ElasticBackend) -> None:
    cluster.on("POST", r"/_search$", (200, {"_shards": {"total": 2, "failed": 1}, "timed_out": False,
                                            "hits": {"total": {"value": 0}, "hits": []}}))
    with pytest.raises(BackendError, match="часть шардов недоступна"):
        backend.search(PLAN)


def test_missing_index_tells_what_to_run(cluster: FakeCluster, backend: ElasticBackend) -> None:
    cluster.on("POST", r"/_search$", error_reply(404, "index_not_found_exception"))
    with pytest.raises(BackendError, match="munnav reindex"):
        backend.search(PLAN)


def test_count_of_a_missing_index_is_zero(cluster: FakeCluster, backend: ElasticBackend) -> None:
    cluster.on("POST", r"/_count$", error_reply(404, "index_not_found_exception"))
    cluster.on("GET", r"/_count$", error_reply(404, "index_not_found_exception"))
    assert backend.count() == 0


def test_search_parses_hits_total_and_facets(cluster: FakeCluster, backend: ElasticBackend) -> None:
    cluster.on("POST", r"/_search$", (200, {
        "_shards": {"total": 1, "failed": 0}, "timed_out": False,
        "hits": {"total": {"value": 2}, "hits": [{"_id": "a", "_score": 2.5}, {"_id": "b", "_score": 1.0}]},
        "aggregations": {"kind": {"values": {"buckets": [{"key": "competition", "doc_count": 2}]}}},
    }))
    hits = backend.search(PLAN)
    assert (hits.total, hits.hits, hits.facets) == (2, [("a", 2.5), ("b", 1.0)], {"kind": [("competition", 2)]})
    method, target, body = cluster.requests[-1]
    assert target.startswith(f"/{ALIAS}/_search") and "allow_partial_search_results=false" in target
    assert body["size"] == 10 and body["from"] == 0


def test_bulk_item_errors_are_collected_and_reported(cluster: FakeCluster, backend: ElasticBackend) -> None:
    cluster.on("PUT", r"/_bulk$", lambda m, t, b: bulk_reply(b, frozenset({"bad-1", "bad-2"})))
    cluster.on("POST", r"/_bulk$", lambda m, t, b: bulk_reply(b, frozenset({"bad-1", "bad-2"})))
    docs = [{"id": i, "title": "", "title_text": ""} for i in ("ok-1", "bad-1", "ok-2", "bad-2")]
    with pytest.raises(BackendError, match=r"отклонил документов: 2 \(bad-1: document_parsing_exception: bad field; bad-2"):
        backend.index(docs)
    # the lock was released despite the failure
    assert cluster.paths("DELETE")[-1] == f"/{ALIAS}-lock/_doc/write"


def test_failed_rebuild_deletes_the_new_index_and_never_moves_the_alias(
    cluster: FakeCluster, backend: ElasticBackend
) -> None:
    cluster.on("PUT", r"/_bulk$", lambda m, t, b: bulk_reply(b))
    cluster.on("POST", r"/_bulk$", lambda m, t, b: bulk_reply(b))
    cluster.on("POST", r"/_count$", (200, {"count": 1}))
    cluster.on("GET", r"/_count$", (200, {"count": 1}))
    docs = [{"id": "a", "title": "", "title_text": ""}]
    with pytest.raises(BackendError, match="проверка не пройдена: в новом индексе 1 документов, в хранилище 2"):
        backend.rebuild(iter(docs), expected=2)
    created = [p for p in cluster.paths("PUT") if re.fullmatch(rf"/{ALIAS}-\d{{14}}-[0-9a-f]{{6}}", p)]
    assert len(created) == 1
    assert created[0] in cluster.paths("DELETE")
    assert "/_aliases" not in cluster.paths()
    create_body = next(b for m, t, b in cluster.requests if m == "PUT" and t.split("?")[0] == created[0])
    assert create_body["settings"]["index"]["refresh_interval"] == "-1"
    assert create_body["settings"]["index"]["number_of_replicas"] == 0


def test_an_exception_from_the_documents_deletes_the_new_index(cluster: FakeCluster, backend: ElasticBackend) -> None:
    def broken():
        yield {"id": "a", "title": "", "title_text": ""}
        raise OSError("store went away")

    cluster.on("PUT", r"/_bulk$", lambda m, t, b: bulk_reply(b))
    with pytest.raises(OSError):
        backend.rebuild(broken(), expected=2)
    created = [p for p in cluster.paths("PUT") if re.fullmatch(rf"/{ALIAS}-\d{{14}}-[0-9a-f]{{6}}", p)]
    assert created and created[0] in cluster.paths("DELETE") and "/_aliases" not in cluster.paths()


def test_successful_rebuild_swaps_the_alias_in_one_call_and_keeps_two_previous(
    cluster: FakeCluster, backend: ElasticBackend
) -> None:
    old = [f"{ALIAS}-2026010{i}000000-aaaaaa" for i in (1, 2, 3)]
    existing = {n: {"aliases": {ALIAS: {}} if n == old[-1] else {},
                    "mappings": {"_meta": {"version": 1, "verified_count": 1}}} for n in old}

    def get_indices(m: str, t: str, b: object) -> tuple[int, dict]:
        return 200, existing

    cluster.on("GET", rf"^/{ALIAS}-\*$", get_indices)
    cluster.on("PUT", r"/_bulk$", lambda m, t, b: bulk_reply(b))
    cluster.on("POST", r"/_count$", (200, {"count": 1}))
    cluster.on("GET", r"/_cluster/health/", (200, {"status": "green"}))
    name = backend.rebuild(iter([{"id": "a", "title": "", "title_text": ""}]), expected=1)
    swap = [b for m, t, b in cluster.requests if t.startswith("/_aliases")]
    assert swap == [{"actions": [{"remove": {"index": old[-1], "alias": ALIAS}},
                                 {"add": {"index": name, "alias": ALIAS, "is_write_index": True}}]}]
    # new is not in the fake listing, so pruning sees old[0..2] as older: only the oldest goes
    assert f"/{old[0]}" in cluster.paths("DELETE") and f"/{old[1]}" not in cluster.paths("DELETE")
    assert any(p == f"/_synonyms/{ALIAS}-synonyms" for p in cluster.paths("PUT"))


def test_cli_exits_3_with_a_russian_message_when_elasticsearch_is_down(tmp_path, monkeypatch) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: connection refused
    env = {"ELASTICSEARCH_URL": f"http://127.0.0.1:{port}", "MUNNAV_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "search_app.cli", "search", "тос"], capture_output=True,
                          text=True, env=env, timeout=60)
    assert proc.returncode == 3, proc.stderr
    assert "Поисковый движок недоступен" in proc.stderr and "Traceback" not in proc.stderr


def test_pages_beyond_the_result_window_walk_with_search_after_in_a_pit(
    cluster: FakeCluster, backend: ElasticBackend
) -> None:
    cluster.on("POST", r"/_pit$", (200, {"id": "pit-1"}))
    served: list[dict] = []

    def search(m: str, t: str, body: dict) -> tuple[int, dict]:
        served.append(body)
        n = body["size"]
        start = (len(served) - 1) * 10_000
        hits = [{"_id": f"d{start + i}", "_score": 1.0, "sort": [1.0, f"d{start + i}"]} for i in range(n)]
        return 200, {"_shards": {"total": 1, "failed": 0}, "timed_out": False, "pit_id": "pit-2",
                     "hits": {"total": {"value": 50_000}, "hits": hits}}

    cluster.on("POST", r"^/_search$", search)
    query = SearchQuery(text="тос", page=1_001, per_page=10, with_facets=False).validated()
    plan = SearchPlan(query, PLAN.parsed, PLAN.today)
    hits = backend.search(plan)
    assert [b["size"] for b in served] == [10_000, 10]
    assert "search_after" not in served[0] and served[1]["search_after"] == [1.0, "d9999"]
    assert served[1]["pit"] == {"id": "pit-2", "keep_alive": "2m"} and "from" not in served[1]
    assert hits.total == 50_000 and len(hits.hits) == 10
    assert "/_pit" in cluster.paths("DELETE")
