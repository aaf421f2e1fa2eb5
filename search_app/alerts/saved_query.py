"""A saved search: the URL state of a search page, kept canonical (pure).

Parsing reuses the search page's own ``UrlState`` and ``parse_search``, so a
saved search means exactly what its page shows. Presentation parameters (the
page number, page size, expanded facets) are not part of what is followed.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qsl, urlsplit

from search_app.query import QueryError, SearchQuery
from search_app.web.facets import value_label
from search_app.web.params import parse_search
from search_app.web.urlstate import FILTER_PARAMS, VIEW_PARAMS, UrlState

SEARCH_PATH = "/search"
PRESENTATION_PARAMS: tuple[str, ...] = ("page", "per_page", *VIEW_PARAMS)
MAX_URL_LENGTH = 4000


def saved_state(url: str) -> UrlState:
    """The search state of a search page URL (absolute or ``/search?…``), canonical.

    Raises ``QueryError`` (Russian) for anything that is not a valid search page.
    """
    url = url.strip()
    if not url:
        raise QueryError("Не указан адрес поиска.")
    if len(url) > MAX_URL_LENGTH:
        raise QueryError(f"Адрес поиска длиннее {MAX_URL_LENGTH} символов.")
    parts = urlsplit(url)
    if parts.path.rstrip("/") != SEARCH_PATH:
        raise QueryError("Сохранить можно только страницу поиска (/search?…).")
    state = UrlState.from_pairs(parse_qsl(parts.query, keep_blank_values=False)).without_all(PRESENTATION_PARAMS)
    parse_search(state)  # the same validation the page does
    return state


def canonical_query_string(url: str) -> str:
    """What is stored for a saved search: its canonical query string."""
    return saved_state(url).query_string()


def query_state(query_string: str) -> UrlState:
    """The URL state of a stored query string."""
    return UrlState.from_pairs(parse_qsl(query_string))


def search_url(query_string: str) -> str:
    """The search page of a stored query string."""
    return query_state(query_string).url(SEARCH_PATH)


def query_for(query_string: str, per_page: int = 10) -> SearchQuery:
    """The ``SearchQuery`` a stored query string describes (no facets, first page)."""
    return replace(parse_search(query_state(query_string), per_page), with_facets=False, page=1)


def default_name(query_string: str) -> str:
    """A name for a search saved without one: its words, else its filters."""
    state = query_state(query_string)
    if state.get("q"):
        return state.get("q")[:200]
    values = [value_label(FILTER_PARAMS.get(name, name), value) for name, value in state.pairs if name != "sort"]
    return ", ".join(values)[:200] or "Все документы"
