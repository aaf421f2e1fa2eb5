"""The protocol every backend implements: it only translates the shared models."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
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
    boost_topics: tuple[str, ...] = ()


@dataclass
class BackendHits:
    """Ids with scores for the requested page, the total, and raw facet buckets."""

    total: int
    hits: list[tuple[str, float]]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


class SearchBackend(Protocol):
    name: str

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
