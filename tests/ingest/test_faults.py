"""One test per fault: the run completes or fails cleanly, the error is in its report,
and no stored document is lost or duplicated."""

from __future__ import annotations

import json
import time

import pytest

from ingest.pipeline import Pipeline
from ingest.runlog import RunLog
from tests.ingest.conftest import FIXTURES, make_source
from tests.ingest.server import FixtureServer, Reply, closed_port, sequence
from tests.ingest.test_connectors import registry_options

LIST = "/public/application/cards"
PAGE1, PAGE2, PAGE3 = f"{LIST}?page=1", f"{LIST}?page=2", f"{LIST}?page=3"


def page(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def serve_good(server: FixtureServer) -> None:
    server.add(PAGE1, Reply(page("pgrants_cards_page1.html")))
    server.add(PAGE2, Reply(page("pgrants_cards_page2.html")))
    server.add(PAGE3, Reply(page("pgrants_cards_empty.html")))


def grants(base: str, **extra: object):
    return make_source("pgrants", "html_list", base, "practice", registry_options("pgrants-projects"), **extra)


@pytest.fixture
def seeded(server: FixtureServer, pipeline: Pipeline, store) -> set[str]:
    """A first clean run stored 4 practices; each fault test then breaks the source."""
    serve_good(server)
    report = pipeline.run(grants(server.base))
    assert report.status == "ok" and report.counts["new"] == 4
    return store.ids_for_source("pgrants")


def assert_intact(store, ids: set[str]) -> None:
    assert store.ids_for_source("pgrants") == ids  # nothing withdrawn
    assert store.count(include_withdrawn=True) == len(ids)  # nothing duplicated


def messages(report) -> str:
    return " | ".join(f"{e.stage} {e.url} {e.message}" for e in report.errors)


def test_timeout(server, pipeline, store, seeded) -> None:
    server.add(PAGE1, Reply(page("pgrants_cards_page1.html"), delay=0.6))
    report = pipeline.run(grants(server.base, read_timeout=0.2))
    assert report.status == "failed"
    assert "время ожидания" in messages(report) and PAGE1 in messages(report)
    assert_intact(store, seeded)


def test_connection_refused(pipeline, store, seeded) -> None:
    report = pipeline.run(grants(f"http://127.0.0.1:{closed_port()}"))
    assert report.status == "failed"
    assert "не удалось соединиться" in messages(report)
    assert_intact(store, seeded)


def test_server_error_500_makes_partial_run_without_withdrawals(server, pipeline, store, seeded) -> None:
    server.add(PAGE2, Reply("Internal Server Error", status=500, content_type="text/plain"))
    for _ in range(3):  # withdraw_after=2: partial runs must never count misses
        report = pipeline.run(grants(server.base))
        assert report.status == "partial"
        assert report.counts["unchanged"] == 3 and report.counts["withdrawn"] == 0
    assert "500" in messages(report) and PAGE2 in messages(report)
    assert server.hits[PAGE2] == 1 + 6  # seed run, then each run: one try + one retry
    assert_intact(store, seeded)


def test_429_with_retry_after_is_waited_for(server, pipeline, store, seeded) -> None:
    server.add(PAGE1, sequence(
        Reply("slow down", status=429, content_type="text/plain", headers={"Retry-After": "1"}),
        Reply(page("pgrants_cards_page1.html")),
    ))
    started = time.monotonic()
    report = pipeline.run(grants(server.base))
    assert time.monotonic() - started >= 0.9
    assert report.status == "ok" and report.counts["unchanged"] == 4
    assert report.counters["retry/count"] == 1
    assert_intact(store, seeded)


def test_truncated_body(server, pipeline, store, seeded) -> None:
    server.add(PAGE1, Reply(page("pgrants_cards_page1.html"), truncate_to=500))
    report = pipeline.run(grants(server.base))
    assert report.status == "failed"
    assert "оборван" in messages(report)
    assert_intact(store, seeded)


def test_malformed_html(server, pipeline, store, seeded) -> None:
    server.add(PAGE1, Reply('<html><body><div class="cards-list"><div class="pro\x00jects<<<</b></i'))
    report = pipeline.run(grants(server.base))
    assert report.status == "failed"
    assert "нет ни карточек" in messages(report)
    assert_intact(store, seeded)


def test_malformed_json(server, pipeline, store) -> None:
    server.add("/api/Documents?PageSize=10&index=1", Reply('{"items": [{"eoNumber": "1"', content_type="application/json"))
    report = pipeline.run(make_source("pravo", "pravo_api", server.base, "legal_act", {"page_size": 10}))
    assert report.status == "failed" and "некорректный JSON" in messages(report)
    assert store.count(include_withdrawn=True) == 0


def test_malformed_xml(server, pipeline, store) -> None:
    server.add("/api/npalist?limit=50&offset=0&sort=desc",
               Reply('<projects total="3"><project id="1"><title>Проект', content_type="application/xml"))
    report = pipeline.run(make_source("reg", "regulation", server.base, "legal_act", {}))
    assert report.status == "failed" and "некорректный XML" in messages(report)
    assert store.count(include_withdrawn=True) == 0


def test_malformed_item_in_json_fails_only_that_record(server, pipeline, store) -> None:
    items = [
        {"eoNumber": "0001202406220019", "complexName": "Федеральный закон от 22.06.2024 № 160-ФЗ\n \"О законе\"",
         "title": "Федеральный закон от 22.06.2024 № 160-ФЗ<br /> \"О законе\"", "publishDateShort": "2024-06-22T00:00:00"},
        {"eoNumber": "0001202406220020", "complexName": "без номера и даты", "title": "без номера"},
    ]
    body = json.dumps({"items": items, "pagesTotalCount": 1})
    server.add("/api/Documents?PageSize=10&index=1", Reply(body, content_type="application/json"))
    report = pipeline.run(make_source("pravo", "pravo_api", server.base, "legal_act", {"page_size": 10}))
    assert report.status == "partial" and report.counts["new"] == 1 and report.counts["failed"] == 1
    assert report.errors[0].stage == "fetch" and report.errors[0].url.endswith("/document/0001202406220020")


def test_wrong_charset_in_header(server, pipeline, store) -> None:
    cp1251 = page("pgrants_cards_page1.html").decode("utf-8").replace('<meta charset="utf-8">', "")
    server.add(PAGE1, Reply(cp1251.replace("₽", "руб.").encode("cp1251"), content_type="text/html; charset=utf-8"))
    server.add(PAGE2, Reply(page("pgrants_cards_empty.html")))
    report = pipeline.run(grants(server.base))
    assert report.status == "ok" and report.counts["new"] == 3
    titles = {d.title for d in store.get_many(store.ids_for_source("pgrants")).values()}
    assert "Серебряные волонтёры малых городов" in titles


def test_missing_charset_windows_1251(server, pipeline, store) -> None:
    cp1251 = page("pgrants_cards_page1.html").decode("utf-8").replace('<meta charset="utf-8">', "")
    server.add(PAGE1, Reply(cp1251.replace("₽", "руб.").encode("cp1251"), content_type="text/html"))
    server.add(PAGE2, Reply(page("pgrants_cards_empty.html"), content_type="text/html"))
    report = pipeline.run(grants(server.base))
    assert report.status == "ok" and report.counts["new"] == 3
    assert any(d.regions == ("Пермский край",) for d in store.get_many(store.ids_for_source("pgrants")).values())


def test_redirect_to_another_host_is_refused(server, pipeline, store, seeded) -> None:
    server.add(PAGE1, Reply("", status=302, headers={"Location": f"http://localhost:{server.port}/elsewhere"}))
    report = pipeline.run(grants(server.base))
    assert report.status == "failed"
    assert "чужой сайт" in messages(report)
    assert server.hits["/elsewhere"] == 0
    assert_intact(store, seeded)


def test_redirect_on_same_host_is_followed(server, pipeline, store, seeded) -> None:
    server.add(PAGE1, Reply("", status=301, headers={"Location": "/moved?page=1"}))
    server.add("/moved?page=1", Reply(page("pgrants_cards_page1.html")))
    report = pipeline.run(grants(server.base))
    assert report.status == "ok" and report.counts["unchanged"] == 4


def test_oversized_body(server, pipeline, store, seeded) -> None:
    report = pipeline.run(grants(server.base, max_bytes=2000))
    assert report.status == "failed"
    assert "больше допустимого" in messages(report)
    assert_intact(store, seeded)


def test_robots_txt_disallow(server, pipeline, store, seeded) -> None:
    server.add("/robots.txt", Reply("User-agent: *\nDisallow: /public/\n", content_type="text/plain"))
    hits_before = server.hits[PAGE1]
    report = pipeline.run(grants(server.base))
    assert report.status == "failed"
    assert "robots.txt" in messages(report) and report.counters["robotstxt/forbidden"] == 1
    assert server.hits[PAGE1] == hits_before
    assert_intact(store, seeded)


def test_403(server, pipeline, store, seeded) -> None:
    server.add(PAGE1, Reply("Forbidden", status=403, content_type="text/plain"))
    report = pipeline.run(grants(server.base))
    assert report.status == "failed" and "403" in messages(report)
    assert server.hits[PAGE1] == 2  # 1 before + 1 now: 403 is not retried
    assert_intact(store, seeded)


def test_empty_results_page_never_withdraws(server, pipeline, store, seeded) -> None:
    server.add(PAGE1, Reply(page("pgrants_cards_empty.html")))
    for _ in range(3):
        report = pipeline.run(grants(server.base))
        assert report.status == "partial"
        assert "ни одной записи" in messages(report)
    assert_intact(store, seeded)


def test_empty_results_page_on_a_new_source_is_ok(server, pipeline, store) -> None:
    server.add(PAGE1, Reply(page("pgrants_cards_empty.html")))
    report = pipeline.run(grants(server.base))
    assert report.status == "ok" and report.counts["seen"] == 0


def test_item_listed_twice_is_counted_once(server, pipeline, store) -> None:
    html = page("pgrants_cards_page1.html").decode("utf-8")
    start = html.index('<div class="cards-item-row">')
    end = html.index('<div class="cards-item-row">', start + 10)
    server.add(PAGE1, Reply(html[:end] + html[start:end] + html[end:]))
    server.add(PAGE2, Reply(page("pgrants_cards_page1.html")))  # the next page repeats the items
    server.add(PAGE3, Reply(page("pgrants_cards_empty.html")))
    report = pipeline.run(grants(server.base))
    assert report.status == "ok"
    assert report.counts["seen"] == 3 and report.counts["new"] == 3
    assert report.counters["gather/duplicate"] == 4
    assert store.count(include_withdrawn=True) == 3


def test_run_time_limit_aborts_stuck_run(server, pipeline, store, seeded) -> None:
    server.add(PAGE2, Reply(page("pgrants_cards_page2.html"), delay=1.5))
    report = pipeline.run(grants(server.base, read_timeout=5.0, time_limit=0.7))
    assert report.status == "failed"
    assert any(e.stage == "run" and "время выполнения" in e.message for e in report.errors)
    assert_intact(store, seeded)


def test_reports_are_stored_with_errors(server, pipeline, store, seeded) -> None:
    server.add(PAGE2, Reply("nope", status=503, content_type="text/plain"))
    pipeline.run(grants(server.base))
    runs = RunLog(store.engine).last(5)
    assert [r.status for r in runs] == ["partial", "ok"]
    assert runs[0].errors[0].stage == "gather" and runs[0].errors[0].url.endswith(PAGE2)
    assert runs[0].counts["seen"] == 3 and runs[1].counts["new"] == 4
