"""regulation.gov.ru draft acts (``/api/npalist?limit&offset&sort=desc`` XML) → drafts.

``<projects total="N"><project id="…">`` with ``title``, ``publishDate``,
``startDiscussion``, ``endDiscussion``, ``department``, ``stage``, ``status``,
``kind``. Each project becomes a ``legal_act`` with status ``draft`` and the
end of public discussion as its deadline.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ingest.connectors.base import Connector, Record
from ingest.connectors.text import clean, parse_date
from ingest.connectors.xmlutil import child_text, local, parse_xml
from ingest.document import Document
from ingest.http import HttpClient, ParseError

FIELDS = ("title", "publishDate", "startDiscussion", "endDiscussion", "department", "stage", "status", "kind")


class RegulationConnector(Connector):
    type_name = "regulation"

    def gather(self, http: HttpClient) -> Iterator[Record]:
        limit = int(self.options.get("page_size", 50))
        max_pages = int(self.options.get("max_pages", 20))
        offset = 0
        for _ in range(max_pages):
            page = http.get(self.url("/api/npalist"), params={"limit": limit, "offset": offset, "sort": "desc"})
            root = parse_xml(page.text, page.url)
            if local(root.tag) != "projects":
                raise ParseError(page.url, f"ожидается элемент <projects>, получен <{local(root.tag)}>")
            projects = [p for p in root if local(p.tag) == "project"]
            for project in projects:
                pid = (project.get("id") or "").strip()
                if not pid:
                    raise ParseError(page.url, "проект без атрибута id")
                data = {name: clean(child_text(project, name)) for name in FIELDS}
                yield Record(pid, self.url(f"/projects#npa={pid}"), data)
            offset += len(projects)
            total = root.get("total", "")
            if not projects or (total.isdigit() and offset >= int(total)):
                return

    def fetch(self, http: HttpClient, record: Record) -> list[Document]:
        data: Mapping[str, Any] = record.data
        if not data.get("title"):
            raise ParseError(record.url, "у проекта нет названия")
        start, end = parse_date(data["startDiscussion"]), parse_date(data["endDiscussion"])
        discussion = ""
        if start and end:
            discussion = f"Публичное обсуждение с {start:%d.%m.%Y} по {end:%d.%m.%Y}."
        doc_type = data["kind"] or "Проект нормативного правового акта"
        if not doc_type.lower().startswith("проект"):
            doc_type = f"Проект: {doc_type}"
        parts = [data["title"], data["department"], data["stage"], data["status"], discussion]
        return [Document.from_dict({
            "id": f"regulation:{record.key}",
            "kind": self.source.kind,
            "title": data["title"],
            "summary": " ".join(p for p in (data["department"], discussion) if p),
            "body": "\n".join(p for p in parts if p),
            "url": record.url,
            "source": self.source.name,
            "issuer": data["department"],
            "regions": list(self.options.get("regions", ["Российская Федерация"])),
            "published": _iso(parse_date(data["publishDate"])),
            "deadline": _iso(end),
            "status": "draft",
            "doc_type": doc_type,
            "project_id": record.key,
            "stage": data["stage"],
            "procedure_status": data["status"],
            "discussion_start": _iso(start) or "",
        })]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None
