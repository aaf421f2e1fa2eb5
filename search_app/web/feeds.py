"""Atom feed of a search and the OpenSearch description (pure XML builders)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from xml.etree import ElementTree as ET

from ingest.document import KIND_LABELS
from search_app.query import SearchResult

ATOM_NS = "http://www.w3.org/2005/Atom"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
SITE_NAME = "Муниципальный навигатор"


def _timestamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def atom_feed(
    result: SearchResult, title: str, self_url: str, html_url: str, doc_url: Callable[[str], str]
) -> bytes:
    """An Atom 1.0 feed of the hits, newest first (the caller sorts by date)."""
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    dates = [h.document.published for h in result.hits if h.document.published]
    sub(feed, "id", self_url)
    sub(feed, "title", title)
    sub(feed, "updated", _timestamp(max(dates) if dates else result.today))
    sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    sub(feed, "link", rel="alternate", type="text/html", href=html_url)
    author = sub(feed, "author")
    sub(author, "name", SITE_NAME)
    sub(feed, "generator", "munnav")
    for hit in result.hits:
        doc = hit.document
        url = doc_url(doc.id)
        entry = sub(feed, "entry")
        sub(entry, "id", url)
        sub(entry, "title", doc.title)
        sub(entry, "updated", _timestamp(doc.published or result.today))
        if doc.published:
            sub(entry, "published", _timestamp(doc.published))
        sub(entry, "link", rel="alternate", type="text/html", href=url)
        sub(entry, "category", term=doc.kind, label=KIND_LABELS.get(doc.kind, doc.kind))
        if doc.lead or doc.main_text:
            sub(entry, "summary", (doc.lead or doc.main_text)[:1000])
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8", xml_declaration=False)


def opensearch_description(search_template: str, suggest_template: str, icon_url: str) -> bytes:
    ET.register_namespace("", OPENSEARCH_NS)
    root = ET.Element(f"{{{OPENSEARCH_NS}}}OpenSearchDescription")

    def sub(tag: str, text: str | None = None, **attrs: str) -> None:
        el = ET.SubElement(root, f"{{{OPENSEARCH_NS}}}{tag}", attrs)
        if text is not None:
            el.text = text

    sub("ShortName", "Мун. навигатор")
    sub("Description", "Поиск мер поддержки, конкурсов, правовых актов и практик для местного самоуправления")
    sub("InputEncoding", "UTF-8")
    sub("Language", "ru-RU")
    sub("Image", icon_url, height="16", width="16", type="image/svg+xml")
    sub("Url", type="text/html", method="get", template=search_template)
    sub("Url", type="application/x-suggestions+json", method="get", template=suggest_template)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False)
