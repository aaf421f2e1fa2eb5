"""The query and result models every backend and every page share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from ingest.document import ARTICLE_NUMBER, KINDS, STATUSES, Document
from search_app.citations import cite_key

FACET_FIELDS: tuple[str, ...] = ("kind", "regions", "topics", "audience", "status", "issuer", "year")
# «cites»: consultations citing an act («131-фз») or an article («131-фз:17»); a filter, not a facet.
FILTER_FIELDS: tuple[str, ...] = (*FACET_FIELDS, "cites")
SORTS: tuple[str, ...] = ("relevance", "newest", "deadline")
# Federal scope applies in every region: a region filter keeps federal documents
# (after the region's own), unless the user excludes them (``with_federal``).
FEDERAL = "Российская Федерация"
MAX_QUERY_LENGTH = 500
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
MIN_YEAR, MAX_YEAR = 1, 9999  # publication years a filter accepts


def cites_filter_key(value: str) -> str:
    """«131-ФЗ» → «131-фз», «131-ФЗ:17» → «131-фз:17» (the index keys of ``citations``)."""
    number, _, article = value.partition(":")
    if article and not ARTICLE_NUMBER.fullmatch(article.strip()):
        raise QueryError(f"Некорректный номер статьи в фильтре cites: {article!r}.")
    return cite_key(number, article.strip())


DocUrl = Callable[[str], str]  # document id → the address of its page


class QueryError(ValueError):
    """A query the user must fix; the message is shown to them as is (Russian)."""


@dataclass(frozen=True)
class SearchQuery:
    """What the user asked for: text, ticked facet values, ranges, sort, page."""

    text: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    amount_from: float | None = None
    amount_to: float | None = None
    open_now: bool = False
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    with_facets: bool = True
    facet_size: int = 100
    verbatim: bool = False  # search exactly as typed: no layout switch, no typo correction
    with_federal: bool = True  # a region filter also keeps federal documents

    def validated(self) -> SearchQuery:
        """Return a normalised copy or raise ``QueryError`` with a Russian message."""
        if len(self.text) > MAX_QUERY_LENGTH:
            raise QueryError(
                f"Запрос слишком длинный ({len(self.text)} символов); сократите его до {MAX_QUERY_LENGTH}."
            )
        if self.sort not in SORTS:
            raise QueryError(f"Неизвестная сортировка {self.sort!r}; допустимо: {', '.join(SORTS)}.")
        if not 1 <= self.page <= MAX_PAGE:
            raise QueryError(f"Номер страницы должен быть от 1 до {MAX_PAGE}.")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise QueryError(f"Размер страницы должен быть от 1 до {MAX_PER_PAGE}.")
        filters: dict[str, tuple[str, ...]] = {}
        for name, values in self.filters.items():
            if name not in FILTER_FIELDS:
                raise QueryError(f"Неизвестный фильтр {name!r}.")
            clean = tuple(dict.fromkeys(v.strip() for v in values if v and v.strip()))
            if clean:
                filters[name] = clean
        for kind in filters.get("kind", ()):
            if kind not in KINDS:
                raise QueryError(f"Неизвестный вид документа {kind!r}.")
        for status in filters.get("status", ()):
            if status not in STATUSES:
                raise QueryError(f"Неизвестный статус {status!r}.")
        if "cites" in filters:
            filters["cites"] = tuple(dict.fromkeys(cites_filter_key(v) for v in filters["cites"]))
        for year in filters.get("year", ()):
            if not (year.isdigit() and len(year) == 4):
                raise QueryError(f"Год должен быть числом из четырёх цифр, получено {year!r}.")
        if self.year_from and self.year_to and self.year_from > self.year_to:
            raise QueryError("Начальный год больше конечного.")
        if self.amount_from is not None and self.amount_to is not None and self.amount_from > self.amount_to:
            raise QueryError("Минимальная сумма больше максимальной.")
        return replace(self, text=self.text.strip(), filters=filters)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def selected(self, name: str) -> tuple[str, ...]:
        return tuple(self.filters.get(name, ()))

    @property
    def own_regions(self) -> tuple[str, ...]:
        """The regions ticked other than the federal scope."""
        return tuple(r for r in self.selected("regions") if r != FEDERAL)

    @property
    def federal_added(self) -> bool:
        """Federal documents are kept under a region filter (and listed after the region's own)."""
        return self.with_federal and bool(self.own_regions)

    def filter_values(self, name: str) -> tuple[str, ...]:
        """The values a document's ``name`` must hold one of: the ticked ones, and
        the federal scope beside a ticked region (``federal_added``)."""
        values = self.selected(name)
        if name == "regions" and self.federal_added and FEDERAL not in values:
            return (*values, FEDERAL)
        return values


class FacetValue(NamedTuple):
    """One facet bucket (a tuple: a results page builds hundreds of them)."""

    value: str
    count: int
    selected: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "count": self.count, "selected": self.selected}


@dataclass(frozen=True)
class Hit:
    """One result: the stored document plus score and highlighted snippet (HTML)."""

    document: Document
    score: float
    snippet: str
    title_html: str
    finished: bool
    days_left: int | None

    @property
    def id(self) -> str:
        return self.document.id

    def to_dict(self, doc_url: DocUrl | None = None) -> dict[str, Any]:
        """The hit as JSON: ``url`` is the document's page (``doc_url``), else its source."""
        d = self.document
        return {
            "id": d.id,
            "kind": d.kind,
            "title": d.title,
            "doc_number": d.doc_number or None,
            "doc_type": d.doc_type or None,
            "status": d.status or None,
            "snippet": self.snippet,
            "score": round(self.score, 4),
            "url": doc_url(d.id) if doc_url else d.url or None,
            "source_url": d.url or None,
            "issuer": d.issuer or None,
            "regions": list(d.regions),
            "topics": list(d.topics),
            "audience": list(d.audience),
            "published": d.published.isoformat() if d.published else None,
            "deadline": d.deadline.isoformat() if d.deadline else None,
            "amount_min": d.amount_min,
            "amount_max": d.amount_max,
            "finished": self.finished,
            "days_left": self.days_left,
        }


@dataclass(frozen=True)
class SearchResult:
    query: SearchQuery
    total: int
    took_ms: float
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    today: dt.date
    notices: list[str] = field(default_factory=list)
    searched_text: str | None = None  # the text really searched, when a correction replaced it
    suggestion: str | None = None  # "did you mean"
    relaxed: bool = False  # no document held enough of the words: any of them matched

    @property
    def pages(self) -> int:
        """Pages one may open: never past ``MAX_PAGE``, which ``page`` is checked against."""
        return min(MAX_PAGE, max(1, -(-self.total // self.query.per_page)))

    def to_dict(self, doc_url: DocUrl | None = None) -> dict[str, Any]:
        return {
            "query": self.query.text,
            "total": self.total,
            "took_ms": round(self.took_ms, 2),
            "page": self.query.page,
            "per_page": self.query.per_page,
            "pages": self.pages,
            "hits": [h.to_dict(doc_url) for h in self.hits],
            "facets": {name: [v.to_dict() for v in values] for name, values in self.facets.items()},
            "searched_query": self.searched_text,
            "suggestion": self.suggestion,
            "relaxed": self.relaxed,
            "notices": self.notices,
        }
