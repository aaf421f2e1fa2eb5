"""CSV export of a whole result set, page by page, streamed."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import replace

from ingest.document import KIND_LABELS, STATUS_LABELS, Document
from search_app.query import SearchQuery, SearchResult

EXPORT_PAGE = 100
COLUMNS: tuple[str, ...] = (
    "id", "Вид", "Название", "Номер", "Тип акта", "Статус", "Кто выпустил", "Регионы", "Темы",
    "Для кого", "Дата", "Срок подачи", "Сумма от", "Сумма до", "Источник", "Страница",
)
# Cells starting with these would be run as formulas by spreadsheet programs.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if text.startswith(FORMULA_START) and not isinstance(value, int | float):
        return "'" + text
    return text


def row(doc: Document, page_url: str) -> list[str]:
    return [safe_cell(v) for v in (
        doc.id, KIND_LABELS.get(doc.kind, doc.kind), doc.title, doc.doc_number, doc.doc_type,
        STATUS_LABELS.get(doc.status, doc.status), doc.issuer or doc.answered_by, "; ".join(doc.regions),
        "; ".join(doc.topics), "; ".join(doc.audience),
        doc.published.isoformat() if doc.published else "",
        doc.deadline.isoformat() if doc.deadline else "",
        doc.amount_min, doc.amount_max, doc.url, page_url,
    )]


def csv_rows(
    query: SearchQuery, search: Callable[[SearchQuery], SearchResult], doc_url: Callable[[str], str],
    limit: int,
) -> Iterator[str]:
    """Header, then every hit of every page (each document once, at most ``limit``), as CSV
    text chunks. The first page is searched before this returns, so a query the engine
    refuses raises ``QueryError`` here (a 400) rather than in the middle of a 200 stream."""
    base = replace(query, with_facets=False, per_page=EXPORT_PAGE)
    return _chunks(base, search(replace(base, page=1)), search, doc_url, limit)


def _chunks(
    base: SearchQuery, first: SearchResult, search: Callable[[SearchQuery], SearchResult],
    doc_url: Callable[[str], str], limit: int,
) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(COLUMNS)
    yield "\ufeff" + flush()  # BOM: spreadsheet programs then read UTF-8 correctly
    seen: set[str] = set()
    page, result = 1, first
    while True:
        for hit in result.hits:
            if hit.id in seen or len(seen) >= limit:
                continue
            seen.add(hit.id)
            writer.writerow(row(hit.document, doc_url(hit.id)))
        yield flush()
        if len(seen) >= limit or page >= result.pages or not result.hits:
            return
        page += 1
        result = search(replace(base, page=page))
