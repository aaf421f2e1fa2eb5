"""Generic RSS 2.0 / Atom connector: feed items → documents by keyword rules.

Options: ``feeds`` (paths or URLs), ``rules`` (a list of tables with
``kind``, ``keywords`` and optional ``status``/``topics``; the first rule
whose keyword occurs in the title or description wins), ``default_kind``
(kind for items no rule matches; without it such items are skipped).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Iterator, Mapping
from typing import Any

from ingest.connectors.base import Connector, Record
from ingest.connectors.text import clean, parse_date, short_hash, truncate
from ingest.connectors.xmlutil import child_text, local, parse_xml
from ingest.document import KINDS, Document
from ingest.http import HttpClient, ParseError
from ingest.weburl import web_url_or_empty

DEADLINE = re.compile(
    r"(?:до|по|не позднее|срок[а-я]*\s+(?:подачи|приёма|приема)?\s*(?:заявок)?\s*[-–—:]?\s*(?:до)?)\s+"
    r"(\d{1,2}\.\d{1,2}\.\d{4}|\d{1,2}\s+[а-я]+\s+\d{4})",
    re.I,
)


def match_rule(text: str, rules: list[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    lowered = text.lower()
    for rule in rules:
        if any(str(k).lower() in lowered for k in rule.get("keywords", [])):
            return rule
    return None


def feed_items(root: Any, url: str) -> list[dict[str, str]]:
    """RSS ``channel/item`` or Atom ``entry`` elements as plain dicts."""
    name = local(root.tag)
    items: list[dict[str, str]] = []
    if name == "rss":
        channel = next((c for c in root if local(c.tag) == "channel"), None)
        if channel is None:
            raise ParseError(url, "RSS без элемента <channel>")
        for item in (i for i in channel if local(i.tag) == "item"):
            items.append({
                "title": child_text(item, "title"),
                "link": child_text(item, "link"),
                "guid": child_text(item, "guid"),
                "description": child_text(item, "description"),
                "date": child_text(item, "pubDate"),
            })
    elif name == "feed":
        for entry in (e for e in root if local(e.tag) == "entry"):
            link = ""
            for child in entry:
                if local(child.tag) == "link" and child.get("rel", "alternate") == "alternate":
                    link = child.get("href", "")
            items.append({
                "title": child_text(entry, "title"),
                "link": link,
                "guid": child_text(entry, "id"),
                "description": child_text(entry, "summary") or child_text(entry, "content"),
                "date": child_text(entry, "published") or child_text(entry, "updated"),
            })
    else:
        raise ParseError(url, f"ожидается RSS или Atom, получен <{name}>")
    return items


def feed_date(value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return parse_date(value)


class FeedConnector(Connector):
    type_name = "feed"
    required_options = ("feeds",)

    @classmethod
    def check_options(cls, source: Any) -> None:
        super().check_options(source)
        from ingest.sources import RegistryError

        for rule in source.options.get("rules", []):
            if not isinstance(rule, dict) or rule.get("kind") not in KINDS or not rule.get("keywords"):
                raise RegistryError(f"[sources.{source.name}.options].rules: нужны kind и keywords")

    def gather(self, http: HttpClient) -> Iterator[Record]:
        for feed in self.options["feeds"]:
            page = http.get(self.url(str(feed)))
            for item in feed_items(parse_xml(page.text, page.url), page.url):
                key = item["guid"] or item["link"] or item["title"]
                if not key:
                    continue
                # A link that is not http(s) (``javascript:``…) is never stored: the feed stands in.
                yield Record(short_hash(key), web_url_or_empty(item["link"]) or page.url, item)

    def fetch(self, http: HttpClient, record: Record) -> list[Document]:
        item: Mapping[str, str] = record.data
        title, text = clean(item["title"]), clean(item["description"])
        if not title:
            raise ParseError(record.url, "элемент ленты без заголовка")
        rule = match_rule(f"{title} {text}", list(self.options.get("rules", [])))
        kind = rule["kind"] if rule else self.options.get("default_kind")
        if not kind:
            return []
        deadline_match = DEADLINE.search(text) or DEADLINE.search(title)
        deadline = parse_date(deadline_match.group(1)) if deadline_match else None
        topics = list(rule.get("topics", [])) if rule else []
        status = rule.get("status", "") if rule else ""
        return [Document.from_dict({
            "id": f"{self.source.name}:{record.key}",
            "kind": kind,
            "title": title,
            "summary": truncate(text, 300),
            "body": text,
            "url": record.url,
            "source": self.source.name,
            "issuer": str(self.options.get("issuer", "")),
            "regions": list(self.options.get("regions", [])),
            "topics": topics,
            "published": _iso(feed_date(item["date"])),
            "deadline": _iso(deadline),
            "status": status,
            "guid": item["guid"] or item["link"],
        })]


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
