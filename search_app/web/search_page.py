"""The search page's view model, built from the URL state and the result (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from search_app.query import FEDERAL, SearchQuery, SearchResult
from search_app.web.facets import build_chips, build_facets, clear_all_url
from search_app.web.pagination import paginate
from search_app.web.urlstate import UrlState

SORT_LABELS: dict[str, str] = {
    "relevance": "по релевантности",
    "newest": "сначала новые",
    "deadline": "по сроку подачи заявок",
}
PER_PAGE_CHOICES: tuple[int, ...] = (10, 20, 50)


@dataclass(frozen=True)
class OpenSwitch:
    """«Показать завершённые»: on means finished documents are shown."""

    show_finished: bool
    url: str


def open_switch(query: SearchQuery, state: UrlState, path: str) -> OpenSwitch:
    url = state.replace("open", None if query.open_now else "1").url(path)
    return OpenSwitch(show_finished=not query.open_now, url=url)


def federal_hits(query: SearchQuery, result: SearchResult) -> frozenset[str]:
    """Hits kept under a region filter for their federal scope (badged «федеральная»)."""
    if not query.federal_added:
        return frozenset()
    own = set(query.own_regions)
    return frozenset(
        h.id for h in result.hits if FEDERAL in h.document.regions and not own & set(h.document.regions)
    )


def hidden_fields(state: UrlState, exclude: tuple[str, ...]) -> list[tuple[str, str]]:
    """The state as hidden inputs for a GET form that sets ``exclude`` itself."""
    return [(k, v) for k, v in state.pairs if k not in exclude and k != "page"]


def search_context(
    state: UrlState, path: str, query: SearchQuery | None, result: SearchResult | None, error: str | None = None
) -> dict[str, Any]:
    ctx: dict[str, Any] = {
        "state": state,
        "q": state.get("q"),
        "query": query,
        "result": result,
        "error": error,
        "sort_labels": SORT_LABELS,
        "sort": state.get("sort") or "relevance",
        "per_page_choices": PER_PAGE_CHOICES,
        "form_hidden": hidden_fields(state, ("q",)),
        "sort_hidden": hidden_fields(state, ("sort",)),
        "amount_hidden": hidden_fields(state, ("amount_from", "amount_to")),
        "amount_from": state.get("amount_from"),
        "amount_to": state.get("amount_to"),
        "facets": [],
        "chips": [],
        "clear_url": clear_all_url(state, path),
        "pages_nav": None,
        "open_switch": None,
        "federal_ids": frozenset(),
        "exclude_federal_url": "",
        "suggestion_url": "",
        "searched_url": "",
        "atom_url": state.without("page").url(path + ".atom"),
        "save_url": state.without("page").url(path),
        "csv_url": state.without("page").url(path + ".csv"),
        "api_url": state.url("/api/v1/search"),
    }
    if query is None or result is None:
        return ctx
    ctx["facets"] = build_facets(result.facets, state, path)
    ctx["chips"] = build_chips(query, state, path)
    ctx["open_switch"] = open_switch(query, state, path)
    ctx["pages_nav"] = paginate(
        query.page, result.pages, lambda n: state.replace("page", str(n) if n > 1 else None).url(path)
    )
    if result.suggestion:
        ctx["suggestion_url"] = state.replace("q", result.suggestion).url(path)
    ctx["federal_ids"] = federal_hits(query, result)
    ctx["exclude_federal_url"] = state.replace("federal", "0").url(path) if query.federal_added else ""
    ctx["first"] = query.offset + 1
    ctx["last"] = query.offset + len(result.hits)
    return ctx
