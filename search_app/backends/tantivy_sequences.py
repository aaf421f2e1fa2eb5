"""The synonym dictionary's multi-word sequences, indexed as single terms.

A multi-word synonym of a frequent word («мэрия» → «администрация города»)
made tantivy intersect two long posting lists and read the positions of
every document in both: 80–110 ms at 1M documents, for a query that only
named one word. Each text field therefore has a sequence field holding, for
every occurrence of a dictionary sequence, one term (its lemmas joined by
``_``). A dictionary sequence is then one term lookup; any other phrase (typed
in quotes, the whole query in a title) stays a positional phrase query.

The term scores exactly like the phrase it replaces:
- the sequence field has as many tokens as its text field (the sequence terms,
  then ``_`` marks), so BM25's length normalisation is the same;
- a term occurs as often as its phrase, so the term frequency is the same;
- tantivy gives a phrase the sum of its words' idf, a term has its own: the
  query boosts the term by the ratio (``phrase_boost``).
Membership (facets, totals) finds the same terms in ``all_lemmas``.

The dictionary can change after an index was built. Each index generation
records the fingerprint of the sequences it was built with, and a write with
another dictionary marks the generation stale: queries then use positional
phrases until ``munnav reindex`` builds a generation with the new dictionary.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import compress
from pathlib import Path
from typing import Protocol

import tantivy
from tantivy import Query

from search_app.analysis.analyzer import get_analyzer

JOINER = "_"  # never inside a lemma: the tokenizer's words exclude it
PAD = "_"  # fills a sequence field up to its text field's token count; never a sequence

LemmaSeq = tuple[str, ...]


class TermStats(Protocol):
    """Where a phrase's idf comes from (a ``tantivy.Searcher`` is one)."""

    @property
    def num_docs(self) -> int: ...

    def doc_freq(self, field_name: str, field_value: str) -> int: ...


def sequence_field(field: str) -> str:
    return f"{field}_seqs"


def sequence_term(seq: LemmaSeq) -> str:
    return JOINER.join(seq)


@dataclass(frozen=True)
class IndexedSequences:
    """The sequences the index holds as terms, and how to find them in a text."""

    sequences: frozenset[LemmaSeq]
    # first word → second word → (term, the words after those two) of each sequence
    by_start: dict[str, dict[str, tuple[tuple[str, list[str]], ...]]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        by_start: dict[str, dict[str, list[tuple[str, list[str]]]]] = {}
        for seq in sorted(self.sequences):
            by_start.setdefault(seq[0], {}).setdefault(seq[1], []).append((sequence_term(seq), list(seq[2:])))
        object.__setattr__(
            self, "by_start", {a: {b: tuple(v) for b, v in nxt.items()} for a, nxt in by_start.items()}
        )

    @property
    def fingerprint(self) -> str:
        text = "\n".join(sorted(sequence_term(s) for s in self.sequences))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def __contains__(self, seq: object) -> bool:
        return seq in self.sequences

    def found(self, words: list[str]) -> list[str]:
        """The terms of every sequence occurrence in ``words``."""
        by_start = self.by_start
        out: list[str] = []
        # positions whose word starts a sequence (the last word cannot), found in C
        for i in compress(range(len(words) - 1), map(by_start.__contains__, words)):
            for term, rest in by_start[words[i]].get(words[i + 1], ()):
                if not rest or words[i + 2 : i + 2 + len(rest)] == rest:
                    out.append(term)
        return out

    @staticmethod
    def field_text(tokens: int, found: list[str]) -> str:
        """A sequence field's text: its terms, padded to the text field's ``tokens``."""
        text = " ".join(found)
        pads = tokens - len(found)
        if pads <= 0:
            return text
        run = (" " + PAD) * pads
        return text + run if text else run[1:]


_indexed: tuple[object, IndexedSequences] | None = None


def indexed_sequences() -> IndexedSequences:
    """The dictionary's sequences, from the process-wide analyzer (what indexing uses);
    computed again when the analyzer's map changes (an edit in the console)."""
    global _indexed
    smap = get_analyzer().synonyms
    cached = _indexed
    if cached is None or cached[0] is not smap:
        cached = _indexed = (smap, IndexedSequences(smap.sequences()))
    return cached[1]


NO_SEQUENCES = IndexedSequences(frozenset())
RECORD = "SEQUENCES"  # in a generation's directory: the fingerprint it was built with, or "stale"
STALE = "stale"


def record_sequences(generation: Path) -> None:
    """A new generation is built with the current dictionary."""
    (generation / RECORD).write_text(indexed_sequences().fingerprint + "\n", encoding="utf-8")


def note_write(generation: Path) -> None:
    """Documents written with another dictionary than the generation's make its
    sequence terms incomplete: mark it stale (until the next rebuild)."""
    if _recorded(generation) not in (indexed_sequences().fingerprint, STALE):
        (generation / RECORD).write_text(STALE + "\n", encoding="utf-8")


def sequences_of(generation: Path) -> IndexedSequences:
    """The sequences a generation answers as terms: the dictionary's, when it was
    built with this very dictionary and no other wrote to it since; else none."""
    current = indexed_sequences()
    return current if _recorded(generation) == current.fingerprint else NO_SEQUENCES


def _recorded(generation: Path) -> str:
    try:
        return (generation / RECORD).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


@dataclass(frozen=True)
class PhraseLookup:
    """How one index answers phrases: its term statistics, and the sequences it
    holds as terms (none when it was built with another dictionary)."""

    stats: TermStats
    indexed: IndexedSequences = NO_SEQUENCES

    def scored(self, schema: tantivy.Schema, field: str, seq: LemmaSeq) -> Query:
        """The phrase ``seq`` in ``field``, scored as tantivy scores a phrase."""
        if seq not in self.indexed:
            return Query.phrase_query(schema, field, list(seq))
        term = Query.term_query(schema, sequence_field(field), sequence_term(seq))
        return Query.boost_query(term, phrase_boost(field, seq, self.stats))

    def matched(self, schema: tantivy.Schema, match_field: str, fields: Sequence[str], seq: LemmaSeq) -> Query:
        """Documents holding ``seq`` in any of ``fields``, unscored."""
        if seq in self.indexed:
            return Query.term_query(schema, match_field, sequence_term(seq))
        return Query.boolean_query(
            [(tantivy.Occur.Should, Query.phrase_query(schema, f, list(seq))) for f in fields]
        )


def phrase_boost(field: str, seq: LemmaSeq, stats: TermStats) -> float:
    """Sum of the words' idf over the sequence term's (tantivy's BM25 idf)."""
    n = stats.num_docs
    words = sum(_idf(stats.doc_freq(field, w), n) for w in seq)
    term = _idf(stats.doc_freq(sequence_field(field), sequence_term(seq)), n)
    return words / term if term > 0 else 1.0


def _idf(doc_freq: int, num_docs: int) -> float:
    return math.log(1.0 + (num_docs - doc_freq + 0.5) / (doc_freq + 0.5))
