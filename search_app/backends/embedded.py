"""Embedded backend: a tantivy index on disk, no services needed."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

import tantivy

from ingest.document import FINISHED_STATUSES
from search_app.backends.base import BackendError, BackendHits, IndexDoc, Progress, SearchPlan
from search_app.backends.demotion import KIND_CODE, KIND_CODES, ranked_top
from search_app.backends.index_dirs import IndexDirs
from search_app.backends.tantivy_facets import (
    COMPOSITE,
    MULTI_VALUED,
    NO_VALUE,
    SPLIT_COLUMNS,
    FacetCounter,
    composite_value,
    split_columns,
)
from search_app.backends.tantivy_query import KEYWORD_FIELDS, MATCH_FIELD, ranked_query
from search_app.backends.tantivy_sequences import (
    NO_SEQUENCES,
    IndexedSequences,
    PhraseLookup,
    indexed_sequences,
    note_write,
    record_sequences,
    sequence_field,
    sequences_of,
)
from search_app.backends.tantivy_sorts import deadline_tiers, tiered_page
from search_app.citations import CITES_FIELD
from search_app.index_document import LEMMA_WORDS
from search_app.ranking import TEXT_FIELDS

WRITER_HEAP = 128_000_000  # ~50k synthetic documents fit before tantivy flushes a segment
# A rebuild writes one generation in one commit: a large buffer in one thread
# gives few segments (the Python side is the bottleneck, not tantivy's threads),
# and facet counting pays per segment (100k docs: 5 segments -> 1, facets -40%).
REBUILD_HEAP = 256_000_000


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    for name in TEXT_FIELDS:
        sb.add_text_field(name, tokenizer_name="whitespace")
        sb.add_text_field(sequence_field(name), tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("doc_number", tokenizer_name="raw")
    sb.add_text_field("article", tokenizer_name="raw")
    sb.add_text_field("refs", tokenizer_name="raw")
    sb.add_text_field(CITES_FIELD, tokenizer_name="raw")
    sb.add_text_field("forms", tokenizer_name="whitespace", index_option="basic")
    sb.add_text_field(MATCH_FIELD, tokenizer_name="whitespace", index_option="basic")
    for name in KEYWORD_FIELDS:
        sb.add_text_field(name, tokenizer_name="raw", fast=True)
    for name in MULTI_VALUED:
        for column in split_columns(name):
            sb.add_text_field(column, tokenizer_name="raw", fast=True, index_option="basic")
    sb.add_text_field(COMPOSITE, tokenizer_name="raw", fast=True, index_option="basic")
    for name in ("year", "published", "deadline"):
        sb.add_integer_field(name, indexed=True, fast=True)
    for name in ("amount_min", "amount_max"):
        sb.add_float_field(name, indexed=True, fast=True)
    sb.add_boolean_field("closed", fast=True)  # status closed/expired: read when demoting the top window
    sb.add_integer_field(KIND_CODE, fast=True)  # read when the kind intent re-ranks the top window
    return sb.build()


SCHEMA = build_schema()
_SCHEMA_FIELDS = frozenset(
    ("id", *TEXT_FIELDS, "doc_number", "article", "refs", CITES_FIELD, "forms", *KEYWORD_FIELDS, "year", "published", "deadline",
     "amount_min", "amount_max")
)


_SEQUENCE_FIELDS = {name: sequence_field(name) for name in TEXT_FIELDS}
_SPLIT: dict[str, tuple[tuple[str, ...], str]] = {
    name: (split_columns(name)[:-1], split_columns(name)[-1]) for name in MULTI_VALUED
}


def tantivy_fields(doc: IndexDoc) -> IndexDoc:
    """The fields the schema has (split facet columns, «closed» flag) from an index
    document; runs in the analysis workers. Shaped documents pass through."""
    if "closed" in doc:
        return doc
    fields = {k: v for k, v in doc.items() if k in _SCHEMA_FIELDS and v not in ("", [], None)}
    fields["closed"] = doc.get("status") in FINISHED_STATUSES
    fields[KIND_CODE] = KIND_CODES.get(str(doc.get("kind")), len(KIND_CODES))
    fields[COMPOSITE] = composite_value(str(doc.get("kind", "")), str(doc.get("status", "")), int(doc.get("year") or 0))
    texts = [name for name in TEXT_FIELDS if name in fields]
    match = [fields[name] for name in texts]
    sequences = indexed_sequences()
    lemma_words = doc.get(LEMMA_WORDS) or {}
    for name in texts:
        words = lemma_words.get(name) or fields[name].split()
        found = sequences.found(words)
        fields[_SEQUENCE_FIELDS[name]] = sequences.field_text(len(words), found)
        if found:
            match.append(" ".join(found))
    fields[MATCH_FIELD] = match
    for name, (singles, rest) in _SPLIT.items():
        values = fields.get(name) or ()
        for i, column in enumerate(singles):
            fields[column] = values[i] if i < len(values) else NO_VALUE
        if len(values) > SPLIT_COLUMNS:
            fields[rest] = values[SPLIT_COLUMNS:]
    return fields


def to_tantivy(doc: IndexDoc) -> tantivy.Document:
    return tantivy.Document.from_dict(tantivy_fields(doc), SCHEMA)


class EmbeddedBackend:
    """Reads follow the CURRENT generation; writes take a cross-process lock."""

    name = "embedded"
    prepare = staticmethod(tantivy_fields)

    def __init__(self, root: Path) -> None:
        self.dirs = IndexDirs(root)
        self._index: tantivy.Index | None = None
        self._opened: tuple[int, Path | None] = (-1, None)
        self._meta_stamp = 0
        self._sequences: IndexedSequences = NO_SEQUENCES
        self._lock = threading.Lock()
        self._facets = FacetCounter()

    # -- reading ---------------------------------------------------------

    def _searcher(self) -> tantivy.Searcher:
        return self._snapshot()[0]

    def _snapshot(self) -> tuple[tantivy.Searcher, tuple[int, int]]:
        """A searcher and the generation it reads, taken together."""
        return self._reader()[:2]

    def _reader(self) -> tuple[tantivy.Searcher, tuple[int, int], IndexedSequences]:
        """A searcher, the generation it reads and the sequences it holds as terms."""
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
                self._sequences = sequences_of(path)
            else:
                meta = _meta_stamp(self._opened[1])
                if meta != self._meta_stamp and self._opened[1] is not None:
                    self._index.reload()
                    self._meta_stamp = meta
                    self._sequences = sequences_of(self._opened[1])
            return self._index.searcher(), (self._opened[0], self._meta_stamp), self._sequences

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
        record_sequences(path)
        self.dirs.switch_to(path)
        return path

    def count(self) -> int:
        return self._searcher().num_docs

    def search(self, plan: SearchPlan) -> BackendHits:
        searcher, generation, sequences = self._reader()
        phrases = PhraseLookup(searcher, sequences)
        q = plan.query
        # Facets and the total are counted in other threads while this one finds
        # the page and the engine shapes it.
        pending = self._facets.pending(SCHEMA, searcher, plan, generation, phrases) if q.with_facets else None
        count = pending is None
        query = ranked_query(SCHEMA, plan, phrases)
        sort = q.sort
        if sort == "relevance" and plan.parsed.is_empty and not plan.boost_topics:
            sort = "newest"
        counted: list[int] = []
        if sort == "relevance":

            def top(limit: int) -> list[tuple[float, tantivy.DocAddress]]:
                result = searcher.search(query, limit=limit, count=count and not counted)
                if count and not counted:
                    counted.append(result.count or 0)
                return [(float(score), addr) for score, addr in result.hits]

            page = ranked_top(top, searcher, plan.today, plan.parsed.kinds, q.offset + q.per_page)[q.offset :]
        elif sort == "deadline":
            addresses, total = tiered_page(searcher, deadline_tiers(SCHEMA, query, plan.today), q.offset, q.per_page)
            counted.append(total)
            page = [(0.0, addr) for addr in addresses]
        else:
            result = searcher.search(
                query, limit=q.per_page, count=count, offset=q.offset, order_by_field="published",
                order=tantivy.Order.Desc,
            )
            counted.append(result.count or 0)
            page = [(0.0, addr) for _, addr in result.hits]
        hits = [(searcher.doc(addr)["id"][0], score) for score, addr in page]
        return BackendHits(total=counted[0] if count else None, hits=hits, pending=pending)

    def vocabulary(self, prefix: str, limit: int = 50, field: str = "title") -> list[tuple[str, int]]:
        return self._searcher().terms_with_prefix(field, prefix, limit=limit)

    def terms(self, field: str) -> dict[str, int]:
        """Every term of a field with its document frequency ("forms" or a lemma field)."""
        return dict(self._searcher().terms_with_prefix(field, ""))

    def generation(self) -> tuple[int, int]:
        """Changes whenever the index visible to readers changes."""
        return self._snapshot()[1]

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
            note_write(path)  # before the commit: readers re-read it when the index changes
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
            record_sequences(path)
            writer = index.writer(REBUILD_HEAP, 1)
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
