"""Embedded backend: a tantivy index on disk, no services needed."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

import tantivy

from search_app.backends.base import BackendError, BackendHits, IndexDoc, Progress, SearchPlan
from search_app.backends.index_dirs import IndexDirs
from search_app.backends.tantivy_query import KEYWORD_FIELDS, match_query, scored_query
from search_app.ranking import TEXT_FIELDS

WRITER_HEAP = 64_000_000
_FACET_FIELDS = (*KEYWORD_FIELDS, "year")
# Multi-valued facets are also kept as single-valued fast columns (1st, 2nd, …
# value, then the rest): tantivy counts single-valued columns ~4× faster than one
# multi-valued column. A value occurs once per document, so the columns' counts add up.
MULTI_VALUED = ("regions", "topics", "audience")
SPLIT_COLUMNS = 3
SPLIT_TERMS = 2000


def split_columns(field: str) -> tuple[str, ...]:
    return (*(f"{field}__{i}" for i in range(SPLIT_COLUMNS)), f"{field}__rest")


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    for name in TEXT_FIELDS:
        sb.add_text_field(name, tokenizer_name="whitespace")
    sb.add_text_field("doc_number", tokenizer_name="raw")
    sb.add_text_field("article", tokenizer_name="raw")
    sb.add_text_field("refs", tokenizer_name="raw")
    sb.add_text_field("forms", tokenizer_name="whitespace", index_option="basic")
    for name in KEYWORD_FIELDS:
        sb.add_text_field(name, tokenizer_name="raw", fast=True)
    for name in MULTI_VALUED:
        for column in split_columns(name):
            sb.add_text_field(column, tokenizer_name="raw", fast=True, index_option="basic")
    for name in ("year", "published", "deadline"):
        sb.add_integer_field(name, indexed=True, fast=True)
    for name in ("amount_min", "amount_max"):
        sb.add_float_field(name, indexed=True, fast=True)
    return sb.build()


SCHEMA = build_schema()
_SCHEMA_FIELDS = frozenset(
    ("id", *TEXT_FIELDS, "doc_number", "article", "refs", "forms", *KEYWORD_FIELDS, "year", "published", "deadline",
     "amount_min", "amount_max")
)


def to_tantivy(doc: IndexDoc) -> tantivy.Document:
    fields = {k: v for k, v in doc.items() if k in _SCHEMA_FIELDS and v not in ("", [], None)}
    for name in MULTI_VALUED:
        values = fields.get(name) or []
        *singles, rest = split_columns(name)
        for column, value in zip(singles, values, strict=False):
            fields[column] = value
        if len(values) > SPLIT_COLUMNS:
            fields[rest] = values[SPLIT_COLUMNS:]
    return tantivy.Document.from_dict(fields, SCHEMA)


class EmbeddedBackend:
    """Reads follow the CURRENT generation; writes take a cross-process lock."""

    name = "embedded"

    def __init__(self, root: Path) -> None:
        self.dirs = IndexDirs(root)
        self._index: tantivy.Index | None = None
        self._opened: tuple[int, Path | None] = (-1, None)
        self._meta_stamp = 0
        self._lock = threading.Lock()

    # -- reading ---------------------------------------------------------

    def _searcher(self) -> tantivy.Searcher:
        with self._lock:
            stamp = self.dirs.pointer_stamp()
            if self._index is None or stamp != self._opened[0]:
                path = self.dirs.current()
                if path is None:
                    path = self._create_empty()
                    stamp = self.dirs.pointer_stamp()
                self._index = _open_index(path)
                self._opened = (stamp, path)
                self._meta_stamp = _meta_stamp(path)
            else:
                meta = _meta_stamp(self._opened[1])
                if meta != self._meta_stamp:
                    self._index.reload()
                    self._meta_stamp = meta
            return self._index.searcher()

    def _create_empty(self) -> Path:
        with self.dirs.write_lock():
            return self._current_or_empty()

    def _current_or_empty(self) -> Path:
        """The current generation, creating an empty one first (write lock held)."""
        current = self.dirs.current()
        if current is not None:
            return current
        path = self.dirs.new_generation()
        tantivy.Index(SCHEMA, str(path), reuse=False).writer(WRITER_HEAP, 1).commit()
        self.dirs.switch_to(path)
        return path

    def count(self) -> int:
        return self._searcher().num_docs

    def search(self, plan: SearchPlan) -> BackendHits:
        searcher = self._searcher()
        q = plan.query
        query = scored_query(SCHEMA, plan)
        kwargs: dict[str, object] = {}
        sort = q.sort
        if sort == "relevance" and plan.parsed.is_empty and not plan.boost_topics:
            sort = "newest"
        if sort == "newest":
            kwargs = {"order_by_field": "published", "order": tantivy.Order.Desc}
        elif sort == "deadline":
            kwargs = {"order_by_field": "deadline", "order": tantivy.Order.Asc}
        result = searcher.search(query, limit=q.per_page, count=True, offset=q.offset, **kwargs)
        hits = [(searcher.doc(addr)["id"][0], float(score)) for score, addr in result.hits]
        facets = self._facets(searcher, plan) if q.with_facets else {}
        return BackendHits(total=result.count or 0, hits=hits, facets=facets)

    def _facets(self, searcher: tantivy.Searcher, plan: SearchPlan) -> dict[str, list[tuple[str, int]]]:
        """Disjunctive facets: each facet counted without its own selection."""
        size = plan.query.facet_size
        selected = [f for f in _FACET_FIELDS if plan.query.filters.get(f)]
        groups: dict[str | None, list[str]] = {None: [f for f in _FACET_FIELDS if f not in selected]}
        for name in selected:
            groups[name] = [name]
        out: dict[str, list[tuple[str, int]]] = {}
        for skip, fields in groups.items():
            if not fields:
                continue
            columns = {f: split_columns(f) if f in MULTI_VALUED else (f,) for f in fields}
            # Split columns are summed, so each must list every value it has, not its top ones.
            aggs = {
                c: {"terms": {"field": c, "size": size if len(cols) == 1 else max(size, SPLIT_TERMS)}}
                for cols in columns.values() for c in cols
            }
            raw = searcher.aggregate(match_query(SCHEMA, plan, skip), aggs)
            for f, cols in columns.items():
                counts: dict[str, int] = {}
                for column in cols:
                    for b in raw.get(column, {}).get("buckets", []):
                        key = _bucket_key(b["key"])
                        counts[key] = counts.get(key, 0) + int(b["doc_count"])
                ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
                out[f] = [(k, c) for k, c in ranked if k not in ("", "0", "none")][:size]
        return out

    def vocabulary(self, prefix: str, limit: int = 50, field: str = "title") -> list[tuple[str, int]]:
        return self._searcher().terms_with_prefix(field, prefix, limit=limit)

    def terms(self, field: str) -> dict[str, int]:
        """Every term of a field with its document frequency ("forms" or a lemma field)."""
        return dict(self._searcher().terms_with_prefix(field, ""))

    def generation(self) -> tuple[int, int]:
        """Changes whenever the index visible to readers changes."""
        self._searcher()
        return (self._opened[0], self._meta_stamp)

    def doc_freq(self, field: str, term: str) -> int:
        return self._searcher().doc_freq(field, term)

    # -- writing ---------------------------------------------------------

    def index(self, docs: Iterable[IndexDoc]) -> int:
        """Upsert documents into the current generation; searchable on return."""
        with self.dirs.write_lock():
            path = self._current_or_empty()
            writer = _open_index(path).writer(WRITER_HEAP, 1)
            n = 0
            for doc in docs:
                writer.delete_documents_by_term("id", doc["id"])
                writer.add_document(to_tantivy(doc))
                n += 1
            if not n:  # nothing to write: keep the index (and its generation) as it is
                writer.rollback()
                return 0
            writer.commit()
            writer.wait_merging_threads()
        return n

    def delete(self, ids: Iterable[str]) -> None:
        with self.dirs.write_lock():
            path = self.dirs.current()
            if path is None:
                return
            writer = _open_index(path).writer(WRITER_HEAP, 1)
            for doc_id in ids:
                writer.delete_documents_by_term("id", doc_id)
            writer.commit()
            writer.wait_merging_threads()

    def rebuild(self, docs: Iterable[IndexDoc], expected: int, progress: Progress | None = None) -> str:
        """Build a new generation, verify its count, then switch to it atomically."""
        with self.dirs.write_lock():
            path = self.dirs.new_generation()
            (path / ".building").touch()
            index = tantivy.Index(SCHEMA, str(path), reuse=False)
            writer = index.writer(WRITER_HEAP * 2, 2)
            n = 0
            for doc in docs:
                writer.add_document(to_tantivy(doc))
                n += 1
                if progress is not None:
                    progress(1)
            writer.commit()
            writer.wait_merging_threads()
            index.reload()
            got = index.searcher().num_docs
            if got != expected:
                raise RuntimeError(f"проверка не пройдена: в индексе {got} документов, в хранилище {expected}")
            (path / ".building").unlink()
            self.dirs.switch_to(path)
            self.dirs.prune()
            return path.name

    def rollback(self) -> str | None:
        """Switch CURRENT back to the previous generation."""
        with self.dirs.write_lock():
            previous = self.dirs.previous()
            if previous is None:
                return None
            current = self.dirs.current()
            self.dirs.switch_to(previous)
            if current is not None:
                # Keep the rolled-back generation out of the way of future "previous" lookups.
                current.rename(current.with_name("rolled-back-" + current.name))
            return previous.name

    def close(self) -> None:
        self._index = None


def _open_index(path: Path) -> tantivy.Index:
    try:
        return tantivy.Index(SCHEMA, str(path), reuse=True)
    except ValueError as exc:
        if "schema does not match" in str(exc):
            raise BackendError(
                "индекс создан другой версией программы; пересоберите его: munnav reindex"
            ) from exc
        raise BackendError(f"не удаётся открыть индекс {path}: {exc}") from exc


def _meta_stamp(path: Path | None) -> int:
    if path is None:
        return 0
    try:
        return (path / "meta.json").stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def _bucket_key(key: object) -> str:
    if isinstance(key, float) and key.is_integer():
        return str(int(key))
    return str(key)
