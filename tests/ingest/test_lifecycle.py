"""Change detection, withdrawal, conditional GET and indexing across runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.http import HttpClient, HttpSettings, decode_body
from ingest.pipeline import Pipeline
from ingest.store import Store
from search_app.backends.embedded import EmbeddedBackend
from search_app.engine import SearchEngine
from search_app.query import SearchQuery
from tests.ingest.conftest import REAL
from tests.ingest.server import FixtureServer, Reply
from tests.ingest.test_faults import PAGE1, PAGE2, grants, page, serve_good


def test_missing_document_withdrawn_after_n_complete_runs_and_restored(server, pipeline, store, indexer) -> None:
    serve_good(server)
    source = grants(server.base)  # withdraw_after = 2
    assert pipeline.run(source).counts["new"] == 4
    gone = next(i for i in store.ids_for_source("pgrants") if "Народный бюджет" in store.get(i).title)
    server.add(PAGE2, Reply(page("pgrants_cards_empty.html")))
    first_miss = pipeline.run(source)
    assert first_miss.status == "ok" and first_miss.counts["withdrawn"] == 0
    second_miss = pipeline.run(source)
    assert second_miss.counts["withdrawn"] == 1
    assert indexer.removed == [gone]
    assert store.get(gone) is None and store.get(gone, include_withdrawn=True) is not None
    serve_good(server)
    back = pipeline.run(source)
    assert back.counts["updated"] == 1 and store.get(gone) is not None
    assert indexer.indexed[-1] == gone  # re-indexed on its return


def test_only_changed_documents_are_reindexed(server, pipeline, store, indexer) -> None:
    serve_good(server)
    pipeline.run(grants(server.base))
    assert len(indexer.indexed) == 4
    changed = page("pgrants_cards_page2.html").decode("utf-8").replace("498 700,50", "512 000,00")
    server.add(PAGE2, Reply(changed))
    report = pipeline.run(grants(server.base))
    assert report.counts == {"seen": 4, "new": 0, "updated": 1, "unchanged": 3, "withdrawn": 0, "failed": 0}
    assert len(indexer.indexed) == 5
    assert store.get(indexer.indexed[-1]).amount_max == 512000


def test_run_cut_short_before_indexing_is_finished_by_the_next_run(server, pipeline, store, indexer) -> None:
    serve_good(server)
    original = indexer.index_documents
    indexer.index_documents = lambda docs: 0  # stored, then the process died before the index commit
    pipeline.run(grants(server.base))
    assert indexer.indexed == [] and len(store.pending_ids()) == 4
    indexer.index_documents = original
    report = pipeline.run(grants(server.base))
    assert report.counts["unchanged"] == 4  # nothing new in the source…
    assert report.counters["index/recovered"] == 4  # …but the four are indexed now
    assert sorted(indexer.indexed) == sorted(store.ids_for_source("pgrants"))
    assert store.pending_ids() == []


def test_conditional_get_uses_etag_and_cached_body(server, pipeline, store) -> None:
    body = page("pgrants_cards_page1.html")

    def etagged(headers: dict[str, str]) -> Reply:
        if headers.get("If-None-Match") == '"v1"':
            return Reply(b"", status=304, content_type="", headers={"ETag": '"v1"'})
        return Reply(body, headers={"ETag": '"v1"', "Last-Modified": "Mon, 10 Feb 2025 09:30:00 GMT"})

    server.add(PAGE1, etagged)
    server.add(PAGE2, Reply(page("pgrants_cards_empty.html")))
    assert pipeline.run(grants(server.base)).counts["new"] == 3
    report = pipeline.run(grants(server.base))
    assert report.status == "ok" and report.counts["unchanged"] == 3
    assert report.counters["http/not_modified"] == 1
    sent = [h for h in server.request_headers if h["path"] == PAGE1]
    assert "If-None-Match" not in sent[0] and sent[1]["If-None-Match"] == '"v1"'
    assert sent[1]["If-Modified-Since"] == "Mon, 10 Feb 2025 09:30:00 GMT"


def test_user_agent_and_per_host_delay(server) -> None:
    server.add("/a", Reply("a"))
    pauses: list[float] = []
    settings = HttpSettings(delay=5.0, retries=0)
    with HttpClient(settings, server.base, sleep=pauses.append) as client:
        client.get(server.url("/a"))
        client.get(server.url("/a"))
    assert "munnav" in server.request_headers[0]["User-Agent"]
    assert len(pauses) == 2 and all(4.0 < p <= 5.0 for p in pauses)  # robots → /a → /a


def test_decode_body_order() -> None:
    text = "Приём заявок"
    assert decode_body(text.encode("cp1251"), "text/html; charset=windows-1251") == (text, "cp1251")
    assert decode_body(text.encode("cp1251"), "text/html; charset=utf-8")[0] == text  # wrong header
    assert decode_body(text.encode("cp1251"), "text/html")[0] == text  # no charset at all
    meta = f'<meta charset="windows-1251"><p>{text}</p>'.encode("cp1251")
    assert decode_body(meta, "")[1] == "cp1251"
    assert decode_body(text.encode("utf-8"), "")[0] == text
    assert decode_body(b"\xef\xbb\xbf" + text.encode("utf-8"), "text/html; charset=cp1251")[0] == text


@pytest.mark.skipif(not (REAL / "ips").exists(), reason="нет ../shared/real")
def test_articles_are_searchable_in_the_real_engine(server: FixtureServer, tmp_path: Path) -> None:
    from tests.ingest.test_ips import cp1251_page, source

    server.add("/proxy/ips/?docbody=&nd=102107048", Reply(cp1251_page("102107048"),
                                                          content_type="text/html; charset=windows-1251"))
    engine = SearchEngine(Store(tmp_path / "store.sqlite3"), EmbeddedBackend(tmp_path / "index"))
    try:
        report = Pipeline(engine).run(source(server, ["102107048"]))
        assert report.status == "ok" and report.counters["index/documents"] == 79
        result = engine.search(SearchQuery(text="водоохранные зоны"))
        assert any(h.id.startswith("ips:102107048:st-65") for h in result.hits[:5]), [h.id for h in result.hits[:5]]
    finally:
        engine.close()
