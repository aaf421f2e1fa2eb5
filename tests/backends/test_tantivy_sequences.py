"""Dictionary sequences indexed as terms match and score exactly as positional phrases."""

from __future__ import annotations

from pathlib import Path

import pytest
from tantivy import Query

from search_app.backends import tantivy_sequences
from search_app.backends.embedded import SCHEMA
from search_app.backends.tantivy_sequences import (
    NO_SEQUENCES,
    PAD,
    IndexedSequences,
    PhraseLookup,
    indexed_sequences,
    note_write,
    record_sequences,
    sequences_of,
)
from search_app.engine import SearchEngine
from search_app.index_document import build_index_document
from search_app.ranking import TEXT_FIELDS

SEQS = IndexedSequences(frozenset({("местный", "самоуправление"), ("орган", "местный", "самоуправление")}))


def test_found_lists_every_occurrence_and_the_text_keeps_the_token_count() -> None:
    words = "орган местный самоуправление бюджет местный самоуправление местный".split()
    found = SEQS.found(words)
    assert found == ["орган_местный_самоуправление", "местный_самоуправление", "местный_самоуправление"]
    text = SEQS.field_text(len(words), found)
    assert len(text.split()) == len(words)
    assert text.split().count(PAD) == len(words) - 3
    assert SEQS.found(["местный"]) == []
    assert SEQS.field_text(3, []) == " ".join([PAD] * 3)
    assert SEQS.field_text(2, ["a_b"]) == f"a_b {PAD}"


def _occurring_sequences(engine: SearchEngine, field: str) -> list[tuple[str, ...]]:
    """Dictionary sequences that occur in a field of the sample corpus, most frequent first."""
    counts: dict[str, int] = {}
    for doc in engine.store.iter_documents():
        for term in indexed_sequences().found(build_index_document(doc, engine.analyzer)[field].split()):
            counts[term] = counts.get(term, 0) + 1
    return [tuple(t.split("_")) for t, _ in sorted(counts.items(), key=lambda kv: -kv[1])]


def _scores(searcher: object, query: Query) -> dict[str, float]:
    result = searcher.search(query, limit=10_000)  # type: ignore[attr-defined]
    return {searcher.doc(addr)["id"][0]: score for score, addr in result.hits}  # type: ignore[attr-defined]


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_sequence_terms_score_as_the_positional_phrase(sample_engine: SearchEngine, field: str) -> None:
    searcher, _, sequences = sample_engine.backend._reader()
    assert sequences.sequences
    occurring = _occurring_sequences(sample_engine, field)
    assert any(len(s) > 2 for s in occurring), "longer sequences are covered too"
    by_terms, positional = PhraseLookup(searcher, sequences), PhraseLookup(searcher, NO_SEQUENCES)
    for seq in occurring[:12]:
        expected = _scores(searcher, positional.scored(SCHEMA, field, seq))
        got = _scores(searcher, by_terms.scored(SCHEMA, field, seq))
        assert got.keys() == expected.keys(), seq
        for doc_id, score in expected.items():
            assert got[doc_id] == pytest.approx(score, rel=1e-4), (seq, doc_id)


def test_a_generation_written_with_another_dictionary_falls_back_to_positions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_sequences(tmp_path)
    assert sequences_of(tmp_path) is indexed_sequences()
    note_write(tmp_path)  # the same dictionary: nothing changes
    assert sequences_of(tmp_path) is indexed_sequences()
    monkeypatch.setattr(tantivy_sequences, "indexed_sequences", lambda: SEQS)
    assert sequences_of(tmp_path) is NO_SEQUENCES  # built with another dictionary
    note_write(tmp_path)  # documents written with this one: stale for good
    monkeypatch.undo()
    assert sequences_of(tmp_path) is NO_SEQUENCES
    record_sequences(tmp_path)  # a rebuild
    assert sequences_of(tmp_path) is indexed_sequences()
