"""Generic HTML list (+ optional detail page) connector driven by CSS selectors.

Everything site-specific lives in the registry entry's options:

- ``list_path``, ``page_param`` (``page``), ``first_page`` (1), ``max_pages``;
- ``item``: selector of one card; ``empty``: selector whose presence marks an
  empty results page; ``link``: ``"css@href"`` giving the record URL (its
  canonical form is the record key);
- ``fields``: Document field (or extra name) → selector, either
  ``"css"`` (text), ``"css@attr"`` or a table ``{selector, attr, strip_label,
  regex}``; dates, amounts and lists are converted by field name;
- ``detail``: the same mapping applied to the record's own page (fetched
  only if given); ``constants``: fixed values (e.g. ``status``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urldefrag, urljoin

from bs4 import BeautifulSoup, Tag

from ingest.connectors.base import Connector, Record
from ingest.connectors.text import clean, parse_amount, parse_date, short_hash, strip_label
from ingest.document import KNOWN_FIELDS, Document
from ingest.http import HttpClient, ParseError
from ingest.weburl import web_url_or_empty

DATE_FIELDS = frozenset({"published", "deadline"})
AMOUNT_FIELDS = frozenset({"amount_min", "amount_max"})
LIST_FIELDS = frozenset({"regions", "topics", "audience"})


def _spec(raw: Any) -> dict[str, Any]:
    if isinstance(raw, str):
        selector, _, attr = raw.partition("@")
        return {"selector": selector.strip(), "attr": attr.strip()}
    return dict(raw)


def extract(node: Tag, raw_spec: Any) -> list[str]:
    """All values a field spec selects inside ``node`` (text or attribute)."""
    spec = _spec(raw_spec)
    selector = spec.get("selector", "")
    elements = node.select(selector) if selector else [node]
    values: list[str] = []
    for element in elements:
        if spec.get("attr"):
            value = element.get(spec["attr"])
            value = " ".join(value) if isinstance(value, list) else (value or "")
        else:
            value = element.get_text(" ")
        value = clean(str(value))
        if spec.get("strip_label"):
            value = strip_label(value)
        if spec.get("regex"):
            match = re.search(spec["regex"], value)
            value = (match.group(1) if match and match.groups() else match.group(0) if match else "")
        if value:
            values.append(value)
    return values


def convert(name: str, values: list[str]) -> Any:
    """Turn extracted strings into a Document field value by field name."""
    if name in LIST_FIELDS:
        return list(dict.fromkeys(values))
    text = values[0] if values else ""
    if name in DATE_FIELDS:
        date = parse_date(text)
        return date.isoformat() if date else None
    if name in AMOUNT_FIELDS:
        return parse_amount(text)
    return text


def extract_fields(node: Tag, mapping: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, spec in mapping.items():
        value = convert(name, extract(node, spec))
        if value not in (None, "", []):
            out[name] = value
    return out


class HtmlListConnector(Connector):
    type_name = "html_list"
    required_options = ("list_path", "item", "fields")

    def gather(self, http: HttpClient) -> Iterator[Record]:
        page_param = str(self.options.get("page_param", "page"))
        first = int(self.options.get("first_page", 1))
        max_pages = int(self.options.get("max_pages", 50))
        previous: set[str] = set()
        for number in range(first, first + max_pages):
            page = http.get(self.url(str(self.options["list_path"])), params={page_param: number})
            soup = BeautifulSoup(page.text, "html.parser")
            empty = self.options.get("empty")
            if empty and soup.select_one(str(empty)):
                return
            cards = soup.select(str(self.options["item"]))
            if not cards:
                if number == first and not empty:
                    return
                if number == first:
                    raise ParseError(page.url, "на странице нет ни карточек, ни отметки о пустом списке")
                return
            keys: set[str] = set()
            for card in cards:
                record = self._record(card, page.url)
                keys.add(record.key)
                yield record
            if keys <= previous:  # the site repeats its last page past the end
                return
            previous = keys

    def _record(self, card: Tag, page_url: str) -> Record:
        data = extract_fields(card, self.options["fields"])
        link = extract(card, self.options["link"]) if self.options.get("link") else []
        # A link that is not http(s) (``javascript:``…) is dropped: the list page stands in.
        url = web_url_or_empty(urldefrag(urljoin(page_url, link[0]))[0]) if link else ""
        key = url or str(data.get("title", ""))
        if not key:
            raise ParseError(page_url, "карточка без ссылки и заголовка")
        return Record(short_hash(key), url or page_url, data)

    def fetch(self, http: HttpClient, record: Record) -> list[Document]:
        data: dict[str, Any] = dict(record.data)
        detail = self.options.get("detail")
        if detail:
            page = http.get(record.url)
            soup = BeautifulSoup(page.text, "html.parser")
            data.update(extract_fields(soup, detail))
        if not data.get("title"):
            raise ParseError(record.url, "не найден заголовок")
        values: dict[str, Any] = {
            "kind": self.source.kind,
            "regions": list(self.options.get("regions", [])),
            **dict(self.options.get("constants", {})),
            **data,
            "id": f"{self.source.name}:{record.key}",
            "url": record.url,
            "source": self.source.name,
        }
        if "amount" in values:
            values.setdefault("amount_max", parse_amount(str(values.pop("amount"))))
        unknown = {k for k in values if k not in KNOWN_FIELDS}
        values["extra_fields"] = sorted(unknown) if unknown else None
        if values["extra_fields"] is None:
            del values["extra_fields"]
        return [Document.from_dict(values)]
