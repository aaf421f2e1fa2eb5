"""publication.pravo.gov.ru API connector on the real saved Documents.json."""

from __future__ import annotations

import json
import re

import pytest

from ingest.pipeline import Pipeline
from tests.ingest.conftest import REAL, make_source
from tests.ingest.server import FixtureServer, Reply

DOCUMENTS = REAL / "publication_pravo" / "Documents.json"
pytestmark = pytest.mark.skipif(not DOCUMENTS.exists(), reason="нет ../shared/real")
HEADER = re.compile(r"от (\d\d)\.(\d\d)\.(\d{4}) № (\d+-ФЗ)")


def _items() -> list[dict]:
    return json.loads(DOCUMENTS.read_text(encoding="utf-8"))["items"]


def _serve_pages(server: FixtureServer, page_size: int) -> None:
    items = _items()
    pages = [items[i : i + page_size] for i in range(0, len(items), page_size)]
    for n, chunk in enumerate(pages, start=1):
        envelope = {
            "items": chunk, "itemsTotalCount": len(items), "itemsPerPage": page_size,
            "currentPage": n, "pagesTotalCount": len(pages),
        }
        server.add(
            f"/api/Documents?PageSize={page_size}&index={n}",
            Reply(json.dumps(envelope, ensure_ascii=False), content_type="application/json; charset=utf-8"),
        )
    server.add("/robots.txt", Reply("User-agent: *\nDisallow: /Rss\nDisallow: /File\nDisallow: /Search\n",
                                    content_type="text/plain"))


def _source(server: FixtureServer, page_size: int, **options: object):
    return make_source("pravo", "pravo_api", server.base, "legal_act", {"page_size": page_size, **options})


def test_all_160_real_laws_with_numbers_and_dates(server, pipeline: Pipeline, store) -> None:
    server.add("/api/Documents?PageSize=200&index=1",
               Reply(DOCUMENTS.read_bytes(), content_type="application/json; charset=utf-8"))
    report = pipeline.run(_source(server, 200))
    assert report.status == "ok", report.errors
    assert report.counts == {"seen": 160, "new": 160, "updated": 0, "unchanged": 0, "withdrawn": 0, "failed": 0}
    for item in _items():
        doc = store.get(f"pravo:{item['eoNumber']}")
        day, month, year, number = HEADER.search(item["complexName"]).groups()
        assert doc.doc_number == number
        assert doc.published.isoformat() == f"{year}-{month}-{day}"
        assert doc.extra["publication_date"] == item["publishDateShort"][:10]
        assert doc.doc_type == "Федеральный закон"
        assert "<br" not in doc.title and "  " not in doc.title
        assert doc.title.startswith(f"Федеральный закон от {day}.{month}.{year} № {number} \"")
        assert doc.url == f"{server.base}/document/{item['eoNumber']}"
        assert doc.status == "in_force" and doc.kind == "legal_act"
    law = store.get("pravo:0001202406220019")
    assert law.doc_number == "160-ФЗ"
    assert law.summary.startswith('"О внесении изменений в статью 19')


def test_pages_by_index_and_second_run_unchanged(server, pipeline: Pipeline, indexer) -> None:
    _serve_pages(server, 100)
    source = _source(server, 100)
    first = pipeline.run(source)
    assert first.status == "ok" and first.counts["new"] == 160
    assert server.hits["/api/Documents?PageSize=100&index=2"] == 1
    assert len(indexer.indexed) == 160
    second = pipeline.run(source)
    assert second.counts["unchanged"] == 160 and second.counts["new"] == 0
    assert len(indexer.indexed) == 160  # nothing re-indexed


def test_cards_are_merged_when_enabled(server, pipeline: Pipeline, store) -> None:
    items = _items()[:3]
    envelope = {"items": items, "itemsTotalCount": 3, "itemsPerPage": 10, "currentPage": 1, "pagesTotalCount": 1}
    server.add("/api/Documents?PageSize=10&index=1", Reply(json.dumps(envelope), content_type="application/json"))
    for item in items:
        card = {**item, "pagesCount": 99}
        server.add(f"/api/Document?eoNumber={item['eoNumber']}", Reply(json.dumps(card), content_type="application/json"))
    report = pipeline.run(_source(server, 10, cards=True))
    assert report.status == "ok" and report.counts["new"] == 3
    assert store.get(f"pravo:{items[0]['eoNumber']}").extra["pages"] == 99
