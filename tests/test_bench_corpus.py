"""The synthetic corpus: deterministic, valid, with the skewed facets the benchmark relies on."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

from ingest.document import KINDS, STATUSES, Document
from search_app.bench.corpus import KIND_WEIGHTS, STATUS_BY_KIND, CorpusGenerator, Vocabulary

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
N = 3000


@cache
def _vocabulary() -> Vocabulary:
    return Vocabulary.from_sample_dir(SAMPLE)


@cache
def _docs(seed: int = 7) -> tuple[Document, ...]:
    return tuple(CorpusGenerator(_vocabulary(), seed=seed).documents(N))


def test_same_seed_same_corpus_other_seed_another() -> None:
    first, other = _docs(), _docs(seed=8)
    again = tuple(CorpusGenerator(_vocabulary(), seed=7).documents(N))
    assert [d.to_dict() for d in first] == [d.to_dict() for d in again]
    assert [d.to_dict() for d in first] != [d.to_dict() for d in other]


def test_documents_are_valid_records_with_text() -> None:
    for doc in _docs()[:300]:
        assert Document.from_dict(doc.to_dict()) == doc
        assert doc.lead and doc.main_text and doc.title  # a consultation: question and answer
        assert 1 <= len(doc.topics) <= 3 and 1 <= len(doc.audience) <= 2 and 1 <= len(doc.regions) <= 2
        assert not doc.status or doc.status in STATUSES


def test_facets_follow_their_distributions() -> None:
    docs = _docs()
    kinds = Counter(d.kind for d in docs)
    assert set(kinds) == set(KINDS)
    for kind, weight in KIND_WEIGHTS.items():  # within a few points of the weight
        assert abs(kinds[kind] / N - weight) < 0.04, kind
    for kind, options in STATUS_BY_KIND.items():
        seen = {d.status for d in docs if d.kind == kind}
        assert seen <= {s for s, _ in options} and len(seen) == len(options), kind
    regions = Counter(r for d in docs for r in d.regions).most_common()
    assert regions[0][1] > 3 * regions[len(regions) // 2][1]  # Zipf-like head
    assert all(d.deadline is None for d in docs if d.kind not in ("measure", "competition"))
