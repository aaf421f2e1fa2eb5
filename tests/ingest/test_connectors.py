"""regulation.gov.ru, HTML list (grants fund) and RSS/Atom connectors against local fixtures."""

from __future__ import annotations

import datetime as dt

from ingest.pipeline import Pipeline
from ingest.sources import load_registry
from tests.ingest.conftest import FIXTURES, make_source
from tests.ingest.server import FixtureServer, Reply

XML = "application/xml; charset=utf-8"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def registry_options(name: str) -> dict:
    """Options of a real registry entry, so the tests exercise the shipped selectors."""
    return dict(load_registry()[name].options)


def serve_regulation(server: FixtureServer) -> None:
    server.add("/api/npalist?limit=2&offset=0&sort=desc", Reply(fixture("regulation_page1.xml"), content_type=XML))
    server.add("/api/npalist?limit=2&offset=2&sort=desc", Reply(fixture("regulation_page2.xml"), content_type=XML))


def test_regulation_drafts_with_discussion_deadline(server, pipeline: Pipeline, store) -> None:
    serve_regulation(server)
    source = make_source("regulation", "regulation", server.base, "legal_act", {"page_size": 2})
    report = pipeline.run(source)
    assert report.status == "ok", report.errors
    assert report.counts["new"] == 3
    doc = store.get("regulation:148190")
    assert doc.status == "draft" and doc.kind == "legal_act"
    assert doc.deadline == dt.date(2024, 7, 1) and doc.published == dt.date(2024, 6, 17)
    assert doc.issuer == "Минстрой России"
    assert doc.doc_type == "Проект: Постановление Правительства Российской Федерации"
    assert doc.url == f"{server.base}/projects#npa=148190"
    assert doc.extra["stage"] == "Обсуждение текста проекта"
    assert store.get("regulation:148177").deadline == dt.date(2024, 6, 24)  # dd.mm.yyyy dates too


def serve_projects(server: FixtureServer) -> None:
    path = "/public/application/cards"
    server.add(f"{path}?page=1", Reply(fixture("pgrants_cards_page1.html")))
    server.add(f"{path}?page=2", Reply(fixture("pgrants_cards_page2.html")))
    server.add(f"{path}?page=3", Reply(fixture("pgrants_cards_empty.html")))


def test_grants_fund_projects_become_practices(server, pipeline: Pipeline, store) -> None:
    serve_projects(server)
    source = make_source("pgrants", "html_list", server.base, "practice", registry_options("pgrants-projects"))
    report = pipeline.run(source)
    assert report.status == "ok", report.errors
    assert report.counts["new"] == 4
    assert server.hits["/public/application/cards?page=4"] == 0  # stopped at the empty-page marker
    docs = sorted(store.get_many(store.ids_for_source("pgrants")).values(), key=lambda d: d.amount_max or 0)
    yard = next(d for d in docs if d.title.startswith("Двор, в котором"))
    assert yard.kind == "practice" and yard.regions == ("Вологодская область",)
    assert yard.amount_max == 1987450.0
    assert yard.extra["direction"] == "Развитие институтов гражданского общества"
    assert yard.extra["contest"] == "Первый конкурс 2024"
    assert yard.topics == ("Развитие институтов гражданского общества",)
    assert yard.url == f"{server.base}/public/application/item?id=9C6E1F2A-4D3B-4E7A-9B55-1A2B3C4D5E01"
    assert yard.issuer == "Фонд президентских грантов"
    assert min(d.amount_max for d in docs) == 498700.5


def test_competitions_list_with_deadlines(server, pipeline: Pipeline, store) -> None:
    html = "text/html"  # no charset in the header: <meta charset="windows-1251"> decides
    server.add("/public/contest/list?page=1", Reply(fixture("competitions_page1.html"), content_type=html))
    server.add("/public/contest/list?page=2", Reply(fixture("competitions_empty.html"), content_type=html))
    options = registry_options("pgrants-competitions")
    report = pipeline.run(make_source("contests", "html_list", server.base, "competition", options))
    assert report.status == "ok", report.errors
    docs = {d.title: d for d in store.get_many(store.ids_for_source("contests")).values()}
    first = docs["Первый конкурс 2025 года"]
    assert first.kind == "competition" and first.status == "open"
    assert first.deadline == dt.date(2025, 3, 15) and first.published == dt.date(2025, 2, 1)
    assert first.amount_max == 10_000_000 and first.audience == ("СО НКО",)
    second = docs["Специальный конкурс для малых городов"]
    assert second.deadline == dt.date(2025, 4, 30) and second.amount_max == 3_000_000


def test_rss_and_atom_items_classified_by_rules(server, pipeline: Pipeline, store) -> None:
    server.add("/rss", Reply(fixture("minek_rss.xml"), content_type="application/rss+xml"))
    server.add("/atom", Reply(fixture("minfin_atom.xml"), content_type="application/atom+xml"))
    options = registry_options("minek-news")
    options["feeds"] = ["/rss", "/atom"]
    report = pipeline.run(make_source("news", "feed", server.base, "measure", options))
    assert report.status == "ok", report.errors
    docs = {d.title: d for d in store.get_many(store.ids_for_source("news")).values()}
    assert len(docs) == 3  # the meeting item matches no rule and there is no default_kind
    contest = docs["Стартовал конкурсный отбор моногородов на получение субсидий на развитие инфраструктуры"]
    assert contest.kind == "competition" and contest.status == "open"
    assert contest.deadline == dt.date(2025, 3, 15) and contest.published == dt.date(2025, 2, 10)
    credits = docs["Правительство продлило льготные кредиты для малого бизнеса в малых городах"]
    assert credits.kind == "measure" and credits.deadline is None
    atom = docs["Объявлен Всероссийский конкурс «Лучшая муниципальная практика»"]
    assert atom.kind == "competition" and atom.deadline == dt.date(2025, 3, 31)
    assert atom.url == "https://minfin.gov.ru/ru/press-center/?id_4=39001"
