"""pravo.gov.ru IPS consolidated texts (``/proxy/ips/?docbody=&nd=…``) → act + articles.

One ``legal_act`` for the act (header and table of contents) and one
``legal_act`` per article («Статья 14. …», id ``ips:<nd>:st-14``), linked to
the act by ``act_id`` / ``article`` extras, so that a search hits the article.
Pages are windows-1251 on the live site; ``HttpClient`` decodes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from ingest.connectors.base import Connector, Record
from ingest.connectors.text import parse_date, truncate
from ingest.document import Document
from ingest.http import HttpClient, ParseError

HEADING_CLASSES = frozenset({"H", "T"})
SUPERSCRIPT_CLASSES = frozenset({"W9"})
ARTICLE = re.compile(r"^Статья\s+(\d+(?:[.\-]\d+)*)\s*\.?\s*(.*)$", re.S)
DIVISION = re.compile(r"^(Раздел|РАЗДЕЛ|Глава|ГЛАВА|Подраздел|ПОДРАЗДЕЛ|Часть|ЧАСТЬ)\b")
REPEALED = re.compile(r"^\(?\s*Стать[яи]\s+утратил[аи]\s+силу", re.I)
ACT_BODY_LIMIT = 20_000
SUMMARY_LIMIT = 300


@dataclass
class Paragraph:
    cls: str
    text: str


@dataclass
class Article:
    number: str
    heading: str
    name: str
    division: str
    paragraphs: list[str] = field(default_factory=list)


class _Paragraphs(HTMLParser):
    """Collects ``<p>`` paragraphs as (class, text); superscripts become «.N» (23¹ → 23.1)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[Paragraph] = []
        self._cls: str | None = None
        self._parts: list[str] = []
        self._sup_depth = 0
        self._span_stack: list[bool] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "p":
            self._flush()
            self._cls = dict(attrs).get("class") or ""
        elif tag == "br" and self._cls is not None:
            self._parts.append(" ")
        elif tag == "span":
            is_sup = (dict(attrs).get("class") or "") in SUPERSCRIPT_CLASSES
            self._span_stack.append(is_sup)
            if is_sup:
                self._sup_depth += 1
                if self._cls is not None and self._parts and self._parts[-1][-1:].isdigit():
                    self._parts.append(".")
        elif tag == "sup" and self._cls is not None:
            self._parts.append(".")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag == "p":
            self._flush()
        elif tag == "span" and self._span_stack:
            if self._span_stack.pop():
                self._sup_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._cls is not None and not self._skip:
            self._parts.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        if self._cls is not None:
            text = " ".join("".join(self._parts).replace("\u00a0", " ").split())
            if text:
                self.paragraphs.append(Paragraph(self._cls, text))
        self._cls = None
        self._parts = []


def parse_paragraphs(html: str) -> list[Paragraph]:
    parser = _Paragraphs()
    parser.feed(html)
    parser.close()
    return parser.paragraphs


def split_articles(paragraphs: list[Paragraph]) -> tuple[list[str], list[Article]]:
    """Header paragraphs (before the first article) and the articles with their text."""
    header: list[str] = []
    articles: list[Article] = []
    division = ""
    for para in paragraphs:
        heading = para.cls in HEADING_CLASSES
        match = ARTICLE.match(para.text) if heading else None
        if match:
            number, name = match.group(1), match.group(2).strip().rstrip(".").strip()
            articles.append(Article(number, para.text.rstrip("."), name, division))
        elif heading and DIVISION.match(para.text):
            division = para.text
        elif articles:
            articles[-1].paragraphs.append(para.text)
        else:
            header.append(para.text)
    return header, articles


def act_title(header: list[str], paragraphs: list[Paragraph]) -> str:
    for para in paragraphs:
        if para.cls == "T" and not ARTICLE.match(para.text) and not DIVISION.match(para.text):
            text = para.text
            if text.isupper():
                text = text.capitalize().replace("российской федерации", "Российской Федерации")
            return text
    return header[0] if header else ""


class IpsConnector(Connector):
    type_name = "ips"
    required_options = ("documents",)

    @classmethod
    def check_options(cls, source: Any) -> None:
        super().check_options(source)
        from ingest.sources import RegistryError

        docs = source.options["documents"]
        if not isinstance(docs, list) or not all(
            isinstance(d, str) or (isinstance(d, dict) and "nd" in d) for d in docs
        ):
            raise RegistryError(
                f"[sources.{source.name}.options].documents: список номеров nd или таблиц {{nd = …}}"
            )

    def gather(self, http: HttpClient) -> Iterator[Record]:
        path = str(self.options.get("path", "/proxy/ips/"))
        for entry in self.options["documents"]:
            meta: Mapping[str, Any] = {"nd": entry} if isinstance(entry, str) else entry
            nd = str(meta["nd"])
            yield Record(nd, self.url(f"{path}?docbody=&nd={nd}"), dict(meta))

    def fetch(self, http: HttpClient, record: Record) -> list[Document]:
        page = http.get(record.url)
        return self.documents(record, page.text)

    def documents(self, record: Record, html: str) -> list[Document]:
        paragraphs = parse_paragraphs(html)
        header, articles = split_articles(paragraphs)
        meta: Mapping[str, Any] = record.data or {}
        name = str(meta.get("title") or act_title(header, paragraphs))
        if not name or not articles:
            raise ParseError(record.url, "не найден текст акта со статьями")
        number, date = str(meta.get("number", "")), str(meta.get("date", ""))
        signed = parse_date(date)
        title = name
        if number and signed:
            title = f"{name} от {signed:%d.%m.%Y} № {number}"
        act_id = f"ips:{record.key}"
        common: dict[str, Any] = {
            "kind": self.source.kind,
            "url": record.url,
            "source": self.source.name,
            "regions": list(self.options.get("regions", ["Российская Федерация"])),
            "doc_number": number,
            "doc_type": str(meta.get("doc_type") or _doc_type(name)),
        }
        contents = "\n".join(a.heading for a in articles)
        intro = "\n".join(p for p in header if p != name)
        docs = [
            Document.from_dict({
                **common,
                "id": act_id,
                "title": title,
                "summary": truncate(intro, SUMMARY_LIMIT) or f"Консолидированный текст: {len(articles)} статей",
                "body": truncate(f"{intro}\n{contents}".strip(), ACT_BODY_LIMIT),
                "published": signed.isoformat() if signed else None,
                "status": "in_force",
                "nd": record.key,
                "articles": len(articles),
            })
        ]
        seen: dict[str, int] = {}
        for article in articles:
            seen[article.number] = seen.get(article.number, 0) + 1
            suffix = "" if seen[article.number] == 1 else f"-{seen[article.number]}"
            text = "\n".join(article.paragraphs)
            repealed = bool(REPEALED.match(text)) and len(article.paragraphs) <= 2
            docs.append(Document.from_dict({
                **common,
                "id": f"{act_id}:st-{article.number}{suffix}",
                "title": f"{article.heading} — {name}",
                "summary": truncate(article.paragraphs[0], SUMMARY_LIMIT) if article.paragraphs else "",
                "body": text,
                "status": "expired" if repealed else "in_force",
                "act_id": act_id,
                "act_title": title,
                "article": article.number,
                "article_title": article.name,
                "division": article.division,
                "nd": record.key,
            }))
        return docs


def _doc_type(name: str) -> str:
    lowered = name.lower()
    if "кодекс" in lowered:
        return "Кодекс"
    if "конституция" in lowered:
        return "Конституция"
    if "конституционный закон" in lowered:
        return "Федеральный конституционный закон"
    return "Федеральный закон"
