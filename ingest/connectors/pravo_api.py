"""publication.pravo.gov.ru JSON API → ``legal_act`` documents.

``GET /api/Documents?index=N&PageSize=…`` pages (1-based ``index``), items
keyed by ``eoNumber``; optional card ``GET /api/Document?eoNumber=…``; the
public page is ``/document/<eoNumber>``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from ingest.connectors.base import Connector, Record
from ingest.connectors.text import ACT_HEADER, clean, parse_date
from ingest.document import Document
from ingest.http import HttpClient, ParseError

PAGE_SIZES = (10, 100, 200)


class PravoApiConnector(Connector):
    type_name = "pravo_api"

    def gather(self, http: HttpClient) -> Iterator[Record]:
        page_size = int(self.options.get("page_size", 200))
        max_pages = int(self.options.get("max_pages", 100))
        params: dict[str, Any] = {"PageSize": page_size}
        for name, key in (
            ("document_types", "DocumentTypes"),
            ("signatory_authority", "SignatoryAuthorityId"),
            ("publish_date_from", "PublishDateFrom"),
            ("publish_date_to", "PublishDateTo"),
        ):
            if self.options.get(name):
                value = self.options[name]
                params[key] = ",".join(value) if isinstance(value, list) else value
        index = 1
        while index <= max_pages:
            page = http.get(self.url("/api/Documents"), params={**params, "index": index})
            data = page.json()
            if not isinstance(data, dict) or not isinstance(data.get("items"), list):
                raise ParseError(page.url, "ожидается объект с полем items")
            for item in data["items"]:
                if not isinstance(item, dict) or not item.get("eoNumber"):
                    raise ParseError(page.url, "элемент без eoNumber")
                eo = str(item["eoNumber"])
                yield Record(eo, self.url(f"/document/{eo}"), item)
            total_pages = data.get("pagesTotalCount")
            if not data["items"] or not isinstance(total_pages, int) or index >= total_pages:
                return
            index += 1

    def fetch(self, http: HttpClient, record: Record) -> list[Document]:
        item: Mapping[str, Any] = record.data
        if self.options.get("cards", False):
            card = http.get(self.url("/api/Document"), params={"eoNumber": record.key}).json()
            if not isinstance(card, dict):
                raise ParseError(record.url, "карточка документа: ожидается объект")
            item = {**item, **{k: v for k, v in card.items() if v not in (None, "")}}
        return [self.document(record, item)]

    def document(self, record: Record, item: Mapping[str, Any]) -> Document:
        header = clean(str(item.get("complexName") or item.get("title") or ""))
        title = clean(str(item.get("title") or header))
        match = ACT_HEADER.match(header) or ACT_HEADER.match(title)
        if not match:
            raise ParseError(record.url, f"не удалось разобрать вид, дату и номер акта: {header[:120]!r}")
        signed = parse_date(match.group("date"))
        published = _portal_date(item.get("publishDateShort")) or parse_date(str(item.get("viewDate") or ""))
        extra: dict[str, Any] = {
            "eo_number": record.key,
            "portal_id": item.get("id") or "",
            "publication_date": published.isoformat() if published else "",
            "pages": item.get("pagesCount") or 0,
        }
        return Document.from_dict({
            "id": f"pravo:{record.key}",
            "kind": self.source.kind,
            "title": title,
            "summary": match.group("name").strip() or title,
            "body": header,
            "url": record.url,
            "source": self.source.name,
            "issuer": str(self.options.get("issuer", "")),
            "regions": list(self.options.get("regions", ["Российская Федерация"])),
            "published": _iso(signed or published),
            "status": "in_force",
            "doc_number": match.group("number").rstrip(".,;"),
            "doc_type": match.group("type").strip(),
            **extra,
        })


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _portal_date(value: Any) -> dt.date | None:
    return parse_date(value) if isinstance(value, str) else None
