"""Disjunctive facet counts, and the total, from tantivy aggregations in worker threads.

Each selected facet is counted without its own selection (one aggregation per
selected facet, one for the rest). The aggregations run in a small thread pool,
so they overlap with finding and shaping the page: tantivy releases the GIL.

Counting reads a column value per matching document, so a query matching most
of the index (a common word, or no text at all) is counted by its complement:
the counts over the whole index (kept per index generation) minus the counts
over the documents the query does not match. The result is the same.
"""

from __future__ import annotations

import heapq
import os
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor

import tantivy
from tantivy import Occur, Query

from search_app.backends.base import Facets, SearchPlan
from search_app.backends.tantivy_query import (
    KEYWORD_FIELDS,
    MATCH_FIELD,
    filter_queries,
    membership_query,
)
from search_app.backends.tantivy_sequences import PhraseLookup

FACET_FIELDS = (*KEYWORD_FIELDS, "year")
# Multi-valued facets are also kept as single-valued fast columns (1st, 2nd, …
# value, then the rest): tantivy counts single-valued columns ~4× faster than one
# multi-valued column. A value occurs once per document, so the columns' counts add up.
MULTI_VALUED = ("regions", "topics", "audience")
SPLIT_COLUMNS = 3
# A document with fewer values fills its single-valued columns with NO_VALUE: a
# column every document has a value in is read ~2.5× faster than a sparse one
# (one terms aggregation over 400k matches: 6.2 ms sparse, 2.6 ms filled).
NO_VALUE = ""
ALL_TERMS = 2000  # summed or subtracted columns must list every value they have
EMPTY_KEYS = frozenset({NO_VALUE, "0", "none"})
COMPLEMENT_SHARE = 0.5  # count by the complement when the query surely matches more than this
# Below this many documents counting takes a fraction of a millisecond: handing it
# to another thread (and waiting for the GIL back) would cost more than it saves.
THREADED_FROM_DOCS = 20_000
# A single facet group surely matching this many documents is counted by two
# threads (1M docs, three words: ~125k matches × 11 columns took 14 ms in one).
SPLIT_FROM_MATCHES = 20_000
# Low-cardinality single-valued facets also kept as one combined column: a group
# wanting two or more of them reads one column per document instead of three
# (1M documents: 11 columns → 9). Its counts are split back per facet.
COMPOSED = ("kind", "status", "year")
COMPOSITE = "kind_status_year"
COMPOSITE_SEP = "|"

ColumnCounts = dict[str, dict[str, int]]

_pool: tuple[int, ThreadPoolExecutor] | None = None  # (owner pid, pool): threads do not survive fork
_pool_lock = threading.Lock()


def split_columns(field: str) -> tuple[str, ...]:
    return (*(f"{field}__{i}" for i in range(SPLIT_COLUMNS)), f"{field}__rest")


def columns_of(field: str) -> tuple[str, ...]:
    return split_columns(field) if field in MULTI_VALUED else (field,)


ALL_COLUMNS: tuple[str, ...] = (*(c for f in FACET_FIELDS for c in columns_of(f)), COMPOSITE)
# Columns whose bucket keys tantivy gives as strings already (the rest are numbers).
TEXT_COLUMNS = frozenset(c for f in (*KEYWORD_FIELDS, COMPOSITE) for c in columns_of(f))


def composite_value(kind: str, status: str, year: int) -> str:
    return COMPOSITE_SEP.join((kind, status, str(year)))


class FacetCounter:
    """Counts facets for one backend; keeps the whole-index counts of the generation it last saw."""

    def __init__(self) -> None:
        # (generation, whole-index counts or None when a column has too many
        # values, columns that can be read: they hold values (and the composite
        # column lists all of its values))
        self._whole: tuple[object, ColumnCounts | None, frozenset[str]] | None = None
        self._lock = threading.Lock()

    def pending(
        self,
        schema: tantivy.Schema,
        searcher: tantivy.Searcher,
        plan: SearchPlan,
        generation: object,
        phrases: PhraseLookup,
    ) -> Callable[[], tuple[int, Facets]]:
        """Start counting; the returned callable waits and gives ``(total, facets)``."""
        selected = [f for f in FACET_FIELDS if plan.query.filters.get(f)]
        groups: dict[str | None, list[str]] = {None: [f for f in FACET_FIELDS if f not in selected]}
        for name in selected:
            groups[name] = [name]
        threaded = searcher.num_docs >= THREADED_FROM_DOCS
        pool: ThreadPoolExecutor | _Inline = _executor() if threaded else _Inline()
        filled = self._whole_index(searcher, generation)[1]
        size = plan.query.facet_size
        futures: dict[str | None, list[Future[ColumnCounts]]] = {}
        surely = _surely_matches(searcher, plan)  # the text's estimate: the same for every group
        for skip, fields in groups.items():
            # A column empty in the whole index is empty in every result: not read.
            wanted = [c for f in fields for c in columns_of(f) if c in filled]
            if skip is None and "kind" not in wanted:
                wanted.append("kind")  # every document has one kind: its buckets add up to the total
            if COMPOSITE in filled and sum(c in COMPOSED for c in wanted) >= 2:
                wanted = [c for c in wanted if c not in COMPOSED] + [COMPOSITE]
            query = membership_query(schema, plan, phrases, skip)
            unfiltered = not filter_queries(schema, plan, skip)
            if unfiltered and surely > COMPLEMENT_SHARE * searcher.num_docs:
                chunks, complement = [wanted], True
            elif threaded and unfiltered and len(groups) == 1 and surely >= SPLIT_FROM_MATCHES:
                # One large group would keep one core busy while the other idles
                # once the page is shaped: its columns are counted in two halves.
                chunks, complement = [wanted[0::2], wanted[1::2]], False
            else:
                chunks, complement = [wanted], False
            futures[skip] = [
                pool.submit(self._count_columns, searcher, query, chunk, size, complement, generation)
                for chunk in chunks
            ]

        def resolve() -> tuple[int, Facets]:
            facets: Facets = {}
            total = 0
            for skip, parts in futures.items():
                counts: ColumnCounts = {}
                for part in parts:
                    counts.update(part.result())
                facets.update({f: _merge(counts, columns_of(f), size) for f in groups[skip]})
                if skip is None:
                    total = sum(counts.get("kind", {}).values())
            return total, facets

        return resolve

    def _count_columns(
        self,
        searcher: tantivy.Searcher,
        query: Query,
        columns: list[str],
        size: int,
        complement: bool,
        generation: object,
    ) -> ColumnCounts:
        """Counts of ``columns`` over the documents ``query`` matches."""
        counts = self._by_complement(searcher, query, columns, generation) if complement else None
        if counts is None:
            counts = _column_counts(searcher.aggregate(query, _terms_aggs(columns, size)))
        if COMPOSITE in counts:
            counts.update(_split_composite(counts.pop(COMPOSITE)))
        return counts

    def _by_complement(
        self, searcher: tantivy.Searcher, query: Query, wanted: list[str], generation: object
    ) -> ColumnCounts | None:
        whole = self._whole_index(searcher, generation)[0]
        if whole is None:
            return None
        rest = Query.boolean_query([(Occur.Must, Query.all_query()), (Occur.MustNot, query)])
        raw = searcher.aggregate(rest, _terms_aggs(wanted, ALL_TERMS))
        if any(raw.get(c, {}).get("sum_other_doc_count", 0) for c in wanted):
            return None
        outside = _column_counts(raw)
        return {c: _minus(whole.get(c, {}), outside.get(c, {})) for c in wanted}

    def _whole_index(
        self, searcher: tantivy.Searcher, generation: object
    ) -> tuple[ColumnCounts | None, frozenset[str]]:
        """Every column's counts over the whole index (None when a column has too
        many values), and the columns holding any value; once per generation."""
        with self._lock:
            if self._whole is None or self._whole[0] != generation:
                raw = searcher.aggregate(Query.all_query(), _terms_aggs(list(ALL_COLUMNS), ALL_TERMS))
                cut = {c for c in ALL_COLUMNS if raw.get(c, {}).get("sum_other_doc_count", 0)}
                # The composite column is read only when all of its values are listed;
                # without it the other columns still serve.
                usable = [c for c in ALL_COLUMNS if not (c == COMPOSITE and c in cut)]
                filled = frozenset(c for c in usable if _has_values(raw.get(c, {})))
                counts = None if cut - {COMPOSITE} else _column_counts({c: raw[c] for c in usable if c in raw})
                self._whole = (generation, counts, filled | {"kind"})
            return self._whole[1], self._whole[2]


def _surely_matches(searcher: tantivy.Searcher, plan: SearchPlan) -> int:
    """A cheap lower bound of how many documents the text matches (no text: all).

    A clause matches at least as many documents as its most frequent single
    lemma; of ``n`` clauses with those counts ``d``, at least
    ``(Σd − (k−1)·N) / (n−k+1)`` documents hold ``k`` (each of the others holds
    at most ``k−1``, a matching one at most ``n``).
    """
    parsed = plan.parsed
    num_docs = searcher.num_docs
    if parsed.is_empty:
        return num_docs
    if parsed.phrases or parsed.excluded:
        return 0
    counts = [
        max((searcher.doc_freq(MATCH_FIELD, seq[0]) for seq in clause.sequences if len(seq) == 1), default=0)
        for clause in parsed.content
    ]
    required = plan.required
    if not counts or required < 1:
        return 0
    return max(0, -(-(sum(counts) - (required - 1) * num_docs) // (len(counts) - required + 1)))


def _has_values(result: Mapping[str, list[dict[str, object]]]) -> bool:
    return any(_bucket_key(b["key"]) not in EMPTY_KEYS for b in result.get("buckets", []))


def _terms_aggs(columns: list[str], size: int) -> dict[str, object]:
    # One more bucket than shown: an empty value («none», year 0) may take one.
    return {
        c: {"terms": {"field": c, "size": size + 1 if c in FACET_FIELDS and c != "kind" else max(size, ALL_TERMS)}}
        for c in columns
    }


def _column_counts(raw: Mapping[str, dict]) -> ColumnCounts:
    # Complement and split columns list every value: hundreds of buckets per
    # query, so text columns take the keys as they come (only numbers are converted).
    out: ColumnCounts = {}
    for column, result in raw.items():
        buckets = result.get("buckets", ())
        if column in TEXT_COLUMNS:
            out[column] = {b["key"]: b["doc_count"] for b in buckets}
        else:
            out[column] = {_bucket_key(b["key"]): int(b["doc_count"]) for b in buckets}
    return out


def _minus(whole: dict[str, int], outside: dict[str, int]) -> dict[str, int]:
    get = outside.get
    return {k: n - get(k, 0) for k, n in whole.items()}


def _split_composite(combined: dict[str, int]) -> ColumnCounts:
    """Per-facet counts from the composite column's ``kind|status|year`` counts."""
    keys = [key.split(COMPOSITE_SEP) for key in combined]
    out: ColumnCounts = {}
    for i, name in enumerate(COMPOSED):
        column: dict[str, int] = {}
        for parts, n in zip(keys, combined.values(), strict=True):
            value = parts[i]
            column[value] = column.get(value, 0) + n
        out[name] = column
    return out


def _merge(counts: ColumnCounts, columns: tuple[str, ...], size: int) -> list[tuple[str, int]]:
    """A facet's ``size`` most frequent values over its columns (count desc, value asc)."""
    merged: dict[str, int] = dict(counts.get(columns[0], {}))
    for column in columns[1:]:
        get = merged.get
        for key, n in counts.get(column, {}).items():
            merged[key] = get(key, 0) + n
    ranked = heapq.nsmallest(size, ((-n, k) for k, n in merged.items() if n > 0 and k not in EMPTY_KEYS))
    return [(k, -n) for n, k in ranked]


class _Inline:
    """Runs a task at once, in the calling thread (small indexes)."""

    def submit(self, fn: Callable[..., tuple[int, Facets]], *args: object) -> Future[tuple[int, Facets]]:
        future: Future[tuple[int, Facets]] = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # re-raised by future.result(), as from the pool
            future.set_exception(exc)
        return future


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
