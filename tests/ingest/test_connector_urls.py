"""Connectors never store a non-web link (issue 16, item 2): the item falls back to its page."""

from __future__ import annotations

from ingest.pipeline import Pipeline
from tests.ingest.conftest import make_source
from tests.ingest.server import FixtureServer, Reply

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Новости</title>
<item><title>Конкурс для ТОС</title><link>javascript:alert(document.cookie)</link>
<description>Конкурс проектов</description><pubDate>Mon, 10 Feb 2025 09:30:00 +0300</pubDate></item>
<item><title>Субсидия</title><link>data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;</link>
<description>Мера</description></item>
</channel></rss>"""

CARDS = """<html><body>
<div class="card"><a class="t" href="javascript:alert(1)">Проект с опасной ссылкой</a></div>
<div class="card"><a class="t" href="/item?id=2">Проект с обычной ссылкой</a></div>
</body></html>"""


def test_feed_items_with_script_links_keep_the_feed_address(server: FixtureServer, pipeline: Pipeline,
                                                            store) -> None:
    server.add("/rss", Reply(RSS.encode("utf-8"), content_type="application/rss+xml"))
    source = make_source("news", "feed", server.base, "measure", {"feeds": ["/rss"], "default_kind": "measure"})
    report = pipeline.run(source)
    assert report.status == "ok", report.errors
    urls = {d.title: d.url for d in store.get_many(store.ids_for_source("news")).values()}
    assert urls == {"Конкурс для ТОС": f"{server.base}/rss", "Субсидия": f"{server.base}/rss"}


def test_html_cards_with_script_links_keep_the_list_address(server: FixtureServer, pipeline: Pipeline,
                                                           store) -> None:
    server.add("/list?page=1", Reply(CARDS.encode("utf-8")))
    server.add("/list?page=2", Reply(b"<html><body><p class='none'>-</p></body></html>"))
    options = {"list_path": "/list", "page_param": "page", "first_page": 1, "max_pages": 2, "item": ".card",
               "empty": "p.none", "link": "a.t@href", "fields": {"title": "a.t"}}
    report = pipeline.run(make_source("cards", "html_list", server.base, "practice", options))
    assert report.status == "ok", report.errors
    urls = {d.title: d.url for d in store.get_many(store.ids_for_source("cards")).values()}
    assert urls == {
        "Проект с опасной ссылкой": f"{server.base}/list?page=1",
        "Проект с обычной ссылкой": f"{server.base}/item?id=2",
    }
