"""Request arguments → a validated ``SearchQuery`` (pure; raises ``QueryError``)."""

from __future__ import annotations

import math

from search_app.query import MAX_PAGE, MAX_PER_PAGE, MAX_YEAR, MIN_YEAR, QueryError, SearchQuery
from search_app.web.urlstate import FILTER_PARAMS, VIEW_PARAMS, UrlState

DEFAULT_PER_PAGE = 10
TRUE_VALUES = frozenset({"1", "true", "on", "yes"})
FALSE_VALUES = frozenset({"0", "false", "off", "no"})
# Values one list parameter may carry: more than any facet offers in practice, few
# enough that a page of chips and facet links stays cheap.
MAX_VALUES_PER_PARAM = 100


def parse_search(state: UrlState, per_page: int = DEFAULT_PER_PAGE) -> SearchQuery:
    """Build the query the URL describes; raise ``QueryError`` (Russian) for bad values."""
    check_repeats(state)
    filters = {field: tuple(state.getlist(param)) for param, field in FILTER_PARAMS.items() if state.has(param)}
    query = SearchQuery(
        text=state.get("q"),
        filters=filters,
        year_from=_int(state, "year_from", "Год «с»", MIN_YEAR, MAX_YEAR),
        year_to=_int(state, "year_to", "Год «по»", MIN_YEAR, MAX_YEAR),
        amount_from=_amount(state, "amount_from", "Сумма «от»"),
        amount_to=_amount(state, "amount_to", "Сумма «до»"),
        open_now=open_now(state),
        sort=state.get("sort") or "relevance",
        page=_int(state, "page", "Номер страницы", 1, MAX_PAGE) or 1,
        per_page=_int(state, "per_page", "Размер страницы", 1, MAX_PER_PAGE) or per_page,
        verbatim=state.get("verbatim") == "1",
        with_federal=_flag(state, "federal", default=True),
    )
    return query.validated()


def check_repeats(state: UrlState) -> None:
    """Refuse a list parameter repeated past ``MAX_VALUES_PER_PARAM`` (distinct values)."""
    for param in (*FILTER_PARAMS, *VIEW_PARAMS):
        count = len(state.getlist(param))
        if count > MAX_VALUES_PER_PARAM:
            raise QueryError(
                f"Параметр {param} повторён {count} раз; допустимо не больше {MAX_VALUES_PER_PARAM}."
            )


def open_now(state: UrlState) -> bool:
    """Only documents open now: when the user asks (``open=1``), never implied by
    another choice (it would change the counts the facets showed)."""
    return _flag(state, "open", default=False)


def _flag(state: UrlState, name: str, default: bool) -> bool:
    raw = state.get(name).lower()
    if not raw:
        return default
    if raw in TRUE_VALUES:
        return True
    if raw in FALSE_VALUES:
        return False
    raise QueryError(f"Параметр {name} принимает 1 или 0, получено {raw[:20]!r}.")


def _int(state: UrlState, name: str, label: str, low: int, high: int) -> int | None:
    raw = state.get(name)
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise QueryError(f"{label}: ожидается целое число от {low} до {high}, получено {raw[:20]!r}.") from None
    if not low <= value <= high:
        raise QueryError(f"{label}: ожидается целое число от {low} до {high}, получено {value}.")
    return value


def _amount(state: UrlState, name: str, label: str) -> float | None:
    raw = state.get(name)
    if not raw:
        return None
    cleaned = "".join(raw.split()).replace("\u202f", "").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise QueryError(f"{label}: ожидается сумма в рублях, получено {raw[:20]!r}.") from None
    if not math.isfinite(value):
        raise QueryError(f"{label}: ожидается сумма в рублях, получено {raw[:20]!r}.")
    if value < 0:
        raise QueryError(f"{label}: сумма не может быть отрицательной.")
    return value
