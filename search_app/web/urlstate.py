"""The search state as URL arguments, and the links that change it (pure).

Only known parameters survive, in a stable order, so every link is canonical
and unknown parameters are dropped. Any change other than the page number
resets the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote_plus

# URL parameter ↔ SearchQuery filter field.
FILTER_PARAMS: dict[str, str] = {
    "kind": "kind",
    "region": "regions",
    "topic": "topics",
    "audience": "audience",
    "status": "status",
    "issuer": "issuer",
    "year": "year",
    "cites": "cites",
}
PARAM_FOR_FIELD: dict[str, str] = {field: param for param, field in FILTER_PARAMS.items()}
SCALAR_PARAMS: tuple[str, ...] = (
    "q", "year_from", "year_to", "amount_from", "amount_to", "open", "federal", "sort", "per_page", "page", "verbatim",
)
# Facets opened whole on the page (``expand=region``): presentation only.
EXPAND_PARAM = "expand"
VIEW_PARAMS: tuple[str, ...] = (EXPAND_PARAM,)
KNOWN_PARAMS: tuple[str, ...] = ("q", *FILTER_PARAMS, *SCALAR_PARAMS[1:], *VIEW_PARAMS)
_PARAM_ORDER: dict[str, int] = {name: i for i, name in enumerate(KNOWN_PARAMS)}


@dataclass(frozen=True)
class UrlState:
    """Ordered ``(name, value)`` pairs of the known search parameters."""

    pairs: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> UrlState:
        """Keep known, non-empty parameters; scalars keep their first value."""
        seen_scalars: set[str] = set()
        seen_pairs: set[tuple[str, str]] = set()  # a set, not ``in kept``: linear in the pairs
        kept: list[tuple[str, str]] = []
        for name, value in pairs:
            if name not in _PARAM_ORDER or value is None:
                continue
            value = value.strip() if name != "q" else value
            if not value.strip():
                continue
            if name in SCALAR_PARAMS:
                if name in seen_scalars:
                    continue
                seen_scalars.add(name)
            elif (name, value) in seen_pairs:
                continue
            seen_pairs.add((name, value))
            kept.append((name, value))
        return cls(tuple(sorted(kept, key=lambda p: _PARAM_ORDER[p[0]])))

    def get(self, name: str, default: str = "") -> str:
        for key, value in self.pairs:
            if key == name:
                return value
        return default

    def getlist(self, name: str) -> list[str]:
        return [value for key, value in self.pairs if key == name]

    def has(self, name: str, value: str | None = None) -> bool:
        return any(key == name and (value is None or v == value) for key, v in self.pairs)

    def _changed(self, pairs: Iterable[tuple[str, str]], keep_page: bool = False) -> UrlState:
        return UrlState.from_pairs(p for p in pairs if keep_page or p[0] != "page")

    def toggle(self, name: str, value: str) -> UrlState:
        """Add the value, or remove it when present (facet checkboxes)."""
        if self.has(name, value):
            return self.without(name, value)
        return self._changed((*self.pairs, (name, value)))

    def toggle_url(self, name: str, value: str, path: str) -> str:
        """``self.toggle(name, value).url(path)`` for a list parameter, without
        re-validating the pairs that stay: a results page links every facet value."""
        if name in SCALAR_PARAMS or name not in _PARAM_ORDER or not value or value.strip() != value:
            return self.toggle(name, value).url(path)
        kept = [p for p in self.pairs if p[0] != "page"]
        if (name, value) in kept:
            kept.remove((name, value))
        else:
            order = _PARAM_ORDER[name]
            at = sum(1 for key, _ in kept if _PARAM_ORDER[key] <= order)
            kept.insert(at, (name, value))
        qs = "&".join(_encoded_pair(key, v) for key, v in kept)
        return f"{path}?{qs}" if qs else path

    def without_url(self, name: str, value: str, path: str) -> str:
        """``self.without(name, value).url(path)`` without re-validating the pairs that stay
        (one link per filter chip: rebuilding the state for each made chips quadratic)."""
        qs = "&".join(
            _encoded_pair(key, v) for key, v in self.pairs if key != "page" and (key, v) != (name, value)
        )
        return f"{path}?{qs}" if qs else path

    def without(self, name: str, value: str | None = None) -> UrlState:
        return self._changed(p for p in self.pairs if not (p[0] == name and (value is None or p[1] == value)))

    def without_all(self, names: Iterable[str]) -> UrlState:
        drop = set(names)
        return self._changed(p for p in self.pairs if p[0] not in drop)

    def replace(self, name: str, value: str | None) -> UrlState:
        """Set a scalar (``None`` removes it); only ``page`` keeps the page number."""
        rest = [p for p in self.pairs if p[0] != name]
        if value is not None:
            rest.append((name, value))
        return self._changed(rest, keep_page=name == "page")

    def query_string(self) -> str:
        # Same output as urlencode(self.pairs); each pair is encoded once and
        # reused, since a results page builds a link for every facet value.
        return "&".join(_encoded_pair(key, value) for key, value in self.pairs)

    def url(self, path: str) -> str:
        qs = self.query_string()
        return f"{path}?{qs}" if qs else path


@lru_cache(maxsize=8192)
def _encoded_pair(key: str, value: str) -> str:
    return f"{quote_plus(key)}={quote_plus(value)}"
