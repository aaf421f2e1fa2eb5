"""Disjunctive facet counts, and the total, from tantivy aggregations in worker threads.

Each selected facet is counted without its own selection (one aggregation per
selected facet, one for the rest). The aggregations run in a small thread pool,
so they overlap with finding and shaping the page: tantivy releases the GIL.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import tantivy

from search_app.backends.base import Facets, SearchPlan
from search_app.backends.tantivy_query import KEYWORD_FIELDS, match_query

FACET_FIELDS = (*KEYWORD_FIELDS, "year")
# Multi-valued facets are also kept as single-valued fast columns (1st, 2nd, …
# value, then the rest): tantivy counts single-valued columns ~4× faster than one
# multi-valued column. A value occurs once per document, so the columns' counts add up.
MULTI_VALUED = ("regions", "topics", "audience")
SPLIT_COLUMNS = 3
SPLIT_TERMS = 2000  # split columns are summed, so each must list every value it has
EMPTY_KEYS = frozenset({"", "0", "none"})

_pool: tuple[int, ThreadPoolExecutor] | None = None  # (owner pid, pool): threads do not survive fork
_pool_lock = threading.Lock()


def split_columns(field: str) -> tuple[str, ...]:
    return (*(f"{field}__{i}" for i in range(SPLIT_COLUMNS)), f"{field}__rest")


def facets_pending(
    schema: tantivy.Schema, searcher: tantivy.Searcher, plan: SearchPlan
) -> Callable[[], tuple[int, Facets]]:
    """Start counting; the returned callable waits and gives ``(total, facets)``."""
    selected = [f for f in FACET_FIELDS if plan.query.filters.get(f)]
    groups: dict[str | None, list[str]] = {None: [f for f in FACET_FIELDS if f not in selected]}
    for name in selected:
        groups[name] = [name]
    pool = _executor()
    futures: dict[str | None, Future[tuple[int, Facets]]] = {
        skip: pool.submit(_count_group, schema, searcher, plan, skip, fields) for skip, fields in groups.items()
    }

    def resolve() -> tuple[int, Facets]:
        facets: Facets = {}
        total = 0
        for skip, future in futures.items():
            group_total, counts = future.result()
            facets.update(counts)
            if skip is None:
                total = group_total
        return total, facets

    return resolve


def _count_group(
    schema: tantivy.Schema, searcher: tantivy.Searcher, plan: SearchPlan, skip: str | None, fields: list[str]
) -> tuple[int, Facets]:
    """Counts of ``fields`` under every filter but ``skip``; the match count when nothing is skipped."""
    size = plan.query.facet_size
    columns = {f: split_columns(f) if f in MULTI_VALUED else (f,) for f in fields}
    aggs = {
        c: {"terms": {"field": c, "size": size if len(cols) == 1 else max(size, SPLIT_TERMS)}}
        for cols in columns.values() for c in cols
    }
    if skip is None:  # every document has one kind: its buckets add up to the total
        aggs["kind"] = {"terms": {"field": "kind", "size": SPLIT_TERMS}}
    raw = searcher.aggregate(match_query(schema, plan, skip), aggs)
    out: Facets = {}
    for f, cols in columns.items():
        counts: dict[str, int] = {}
        for column in cols:
            for b in raw.get(column, {}).get("buckets", []):
                key = _bucket_key(b["key"])
                counts[key] = counts.get(key, 0) + int(b["doc_count"])
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        out[f] = [(k, c) for k, c in ranked if k not in EMPTY_KEYS][:size]
    total = sum(int(b["doc_count"]) for b in raw.get("kind", {}).get("buckets", [])) if skip is None else 0
    return total, out


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            _pool = (os.getpid(), ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="munnav-facets"))
        return _pool[1]


def _bucket_key(key: object) -> str:
    if isinstance(key, float) and key.is_integer():
        return str(int(key))
    return str(key)
