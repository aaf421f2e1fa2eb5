"""Facet and filter-chip view models: value / label / count / selected / toggle_url (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from ingest.document import KIND_LABELS, STATUS_LABELS
from search_app.query import FACET_FIELDS, FacetValue, SearchQuery
from search_app.web.formatting import money
from search_app.web.urlstate import EXPAND_PARAM, FILTER_PARAMS, PARAM_FOR_FIELD, UrlState

FACET_TITLES: dict[str, str] = {
    "kind": "Вид документа",
    "regions": "Регион",
    "topics": "Тема",
    "audience": "Для кого",
    "status": "Статус",
    "issuer": "Кто выпустил",
    "year": "Год",
}
# Filters that are not facets, shown as chips only.
FILTER_TITLES: dict[str, str] = {**FACET_TITLES, "cites": "Ссылается на"}
# Values shown before the rest fold under «Показать ещё».
VISIBLE_VALUES = 6
# Values under «Показать ещё»; beyond them a link opens the facet whole
# (``expand=<param>``): a page with every region and issuer rendered cost
# twice as much to build.
FOLDED_VALUES = 14


@dataclass(frozen=True)
class FacetItem:
    value: str
    label: str
    count: int
    selected: bool
    toggle_url: str

    def __html__(self) -> Markup:
        """The option's link, escaped (``{{ item }}`` in a template): a page lists
        up to ~140 options, and a macro call per option cost 0.4 ms a page."""
        state = " is-selected" if self.selected else ""
        hint = '<span class="visually-hidden">(выбрано, нажмите, чтобы убрать)</span>' if self.selected else ""
        return Markup(
            f'<a class="facet-option{state}" href="{escape(self.toggle_url)}" data-instant>'
            '<span class="facet-option__box" aria-hidden="true"></span>'
            f'<span class="facet-option__label">{escape(self.label)}</span>'
            f'<span class="facet-option__count">{self.count}</span>{hint}</a>'
        )


@dataclass(frozen=True)
class Facet:
    field: str
    param: str
    title: str
    items: tuple[FacetItem, ...]
    visible: int
    total_values: int = 0  # values the facet has, rendered or not
    more_url: str = ""  # opens the facet whole, when values were left out
    less_url: str = ""  # folds an opened facet back

    @property
    def shown(self) -> tuple[FacetItem, ...]:
        """The first values plus every selected one (never hide a ticked box)."""
        head = self.items[: self.visible]
        return head + tuple(i for i in self.items[self.visible:] if i.selected)

    @property
    def folded(self) -> tuple[FacetItem, ...]:
        return tuple(i for i in self.items[self.visible:] if not i.selected)

    @property
    def selected_count(self) -> int:
        return sum(1 for i in self.items if i.selected)


@dataclass(frozen=True)
class Chip:
    label: str
    remove_url: str


def value_label(field: str, value: str) -> str:
    if field == "kind":
        return KIND_LABELS.get(value, value)
    if field == "status":
        return STATUS_LABELS.get(value, value)
    return value


def build_facets(
    facets: dict[str, list[FacetValue]],
    state: UrlState,
    path: str,
    visible: int = VISIBLE_VALUES,
    folded: int = FOLDED_VALUES,
) -> list[Facet]:
    """Facets in a fixed order; a facet with nothing to choose from is left out.

    Each facet renders its first ``visible + folded`` values (and every selected
    one) unless the URL asks for it whole.
    """
    expanded = set(state.getlist(EXPAND_PARAM))
    out: list[Facet] = []
    for field in FACET_FIELDS:
        values = facets.get(field) or []
        if not values:
            continue
        param = PARAM_FOR_FIELD[field]
        whole = param in expanded
        limit = len(values) if whole else visible + folded
        rendered = [v for i, v in enumerate(values) if i < limit or v.selected]
        items = tuple(
            FacetItem(
                value=v.value,
                label=value_label(field, v.value),
                count=v.count,
                selected=v.selected,
                toggle_url=state.toggle_url(param, v.value, path),
            )
            for v in rendered
        )
        more_url = state.toggle(EXPAND_PARAM, param).url(path) if len(rendered) < len(values) else ""
        less_url = state.without(EXPAND_PARAM, param).url(path) if whole and len(values) > visible + folded else ""
        out.append(Facet(field, param, FACET_TITLES[field], items, visible, len(values), more_url, less_url))
    return out


def build_chips(query: SearchQuery, state: UrlState, path: str) -> list[Chip]:
    """One removable chip per active filter value and range, in URL order."""
    chips: list[Chip] = []
    for param, field in FILTER_PARAMS.items():
        # The URL's own spelling («131-ФЗ»): the query holds it normalised («131-фз»).
        values = state.getlist(param) if field == "cites" else query.selected(field)
        for value in values:
            label = f"{FILTER_TITLES[field]}: {value_label(field, value)}"
            chips.append(Chip(label, state.without_url(param, value, path)))
    if query.open_now:
        chips.append(Chip("Только открытые сейчас", state.without("open").url(path)))
    if not query.with_federal and query.own_regions:
        chips.append(Chip("Без федеральных документов", state.without("federal").url(path)))
    if query.year_from or query.year_to:
        label = "Годы: " + " – ".join(str(y) if y else "…" for y in (query.year_from, query.year_to))
        chips.append(Chip(label, state.without_all(("year_from", "year_to")).url(path)))
    if query.amount_from is not None:
        chips.append(Chip(f"Сумма от {money(query.amount_from)}", state.without("amount_from").url(path)))
    if query.amount_to is not None:
        chips.append(Chip(f"Сумма до {money(query.amount_to)}", state.without("amount_to").url(path)))
    return chips


def clear_all_url(state: UrlState, path: str) -> str:
    """Keep only the text (and sort): every filter and range removed."""
    return UrlState.from_pairs((k, v) for k, v in state.pairs if k in ("q", "sort")).url(path)
