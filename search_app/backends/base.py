"""The protocol every backend implements: it only translates the shared models."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from search_app.analysis.query_parser import ParsedQuery
from search_app.query import SearchQuery

IndexDoc = dict[str, Any]
Progress = Callable[[int], None]


class BackendError(RuntimeError):
    """The engine cannot answer (down, timed out, red cluster): a 503, not a 500."""


@dataclass(frozen=True)
class SearchPlan:
    """A validated query, its analysis and the day it is asked on."""

    query: SearchQuery
    parsed: ParsedQuery
    today: dt.date
    exclude_ids: tuple[str, ...] = ()
    only_ids: tuple[str, ...] | None = None  # None: any document; else only these
    boost_topics: tuple[str, ...] = ()
    relax: int = 0  # content clauses fewer than the strict rule asks (the strict set was tiny)

    @property
    def required(self) -> int:
        """Content clauses a document must match (``ParsedQuery.required``)."""
        return self.parsed.required(self.relax)


Facets = dict[str, list[tuple[str, int]]]


class BackendHits:
    """Ids with scores for the requested page, the total, and raw facet buckets.

    A backend may compute the total and facets while the engine shapes the hits:
    ``pending`` is then called once, on first access, and gives both.
    """

    def __init__(
        self,
        total: int | None,
        hits: list[tuple[str, float]],
        facets: Facets | None = None,
        pending: Callable[[], tuple[int, Facets]] | None = None,
    ) -> None:
        self.hits = hits
        self.notices: list[str] = []  # for the page: how the set was found (e.g. widened)
        self._total = total
        self._facets = facets or {}
        self._pending = pending

    def _resolve(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            total, self._facets = pending()
            if self._total is None:
                self._total = total

    @property
    def total(self) -> int:
        self._resolve()
        return self._total or 0

    @property
    def facets(self) -> Facets:
        self._resolve()
        return self._facets


def unchanged(doc: IndexDoc) -> IndexDoc:
    return doc


class SearchBackend(Protocol):
    name: str
    # Shapes an index document for this backend; a module-level function, so it
    # can run in the analysis worker processes (off the importing process).
    # ``index`` and ``rebuild`` take documents shaped or not.
    prepare: Callable[[IndexDoc], IndexDoc]

    def search(self, plan: SearchPlan) -> BackendHits: ...

    def index(self, docs: Iterable[IndexDoc]) -> int: ...

    def delete(self, ids: Iterable[str]) -> None: ...

    def count(self) -> int: ...

    def rebuild(self, docs: Iterable[IndexDoc], expected: int, progress: Progress | None = None) -> str: ...

    def vocabulary(self, prefix: str, limit: int) -> list[tuple[str, int]]: ...

    def terms(self, field: str) -> dict[str, int]:
        """All terms of ``field`` ("forms" = surface forms, or a lemma field) with doc counts."""
        ...

    def generation(self) -> object:
        """A value that changes whenever the searchable index changes (cache key)."""
        ...

    def close(self) -> None: ...
