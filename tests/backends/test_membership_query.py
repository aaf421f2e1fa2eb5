"""The unscored membership query (facets, totals) matches exactly what the ranked query matches."""

from __future__ import annotations

import pytest

from search_app.backends.embedded import SCHEMA
from search_app.backends.tantivy_query import match_query, membership_query
from search_app.backends.tantivy_sequences import NO_SEQUENCES, PhraseLookup
from search_app.engine import SearchEngine
from search_app.query import SearchQuery

TEXTS = [
    "муниципальный",
    "ремонт дорог",
    "субсидия на ремонт дорог",
    "жкх",  # abbreviation: a multi-word synonym (positions needed)
    "тос",
    "местное самоуправление",
    '"местного самоуправления" бюджет',  # a required phrase
    "грант -культура",  # an excluded word
    "131 фз",
    "ст. 14 131-фз",
    "как провести публичные слушания",  # kind intent + title phrase boosts: no extra matches
    "закон о закупках",
    "несуществующееслово",
    "несуществующееслово -грант",
]


def _phrases(engine: SearchEngine, indexed: bool = True) -> PhraseLookup:
    """Dictionary sequences as terms (as built), or every phrase by positions (a stale index)."""
    searcher, _, sequences = engine.backend._reader()
    assert sequences.sequences, "the sample index holds the dictionary's sequences"
    return PhraseLookup(searcher, sequences if indexed else NO_SEQUENCES)


def _ids(engine: SearchEngine, query: object) -> set[str]:
    searcher = engine.backend._snapshot()[0]
    result = searcher.search(query, limit=10_000)
    return {searcher.doc(addr)["id"][0] for _, addr in result.hits}


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("filters", [{}, {"kind": ("competition", "measure")}], ids=["all", "filtered"])
@pytest.mark.parametrize("indexed", [True, False], ids=["sequence-terms", "positional"])
def test_membership_equals_ranked_matches(sample_engine: SearchEngine, text: str, filters: dict, indexed: bool) -> None:
    plan = sample_engine.plan(SearchQuery(text=text, filters=filters))
    phrases = _phrases(sample_engine, indexed)
    ranked = _ids(sample_engine, match_query(SCHEMA, plan, phrases))
    assert _ids(sample_engine, membership_query(SCHEMA, plan, phrases)) == ranked
    if not indexed:  # the positional ranking matches what the sequence terms match
        assert ranked == _ids(sample_engine, match_query(SCHEMA, plan, _phrases(sample_engine)))


def test_the_queries_exercise_every_part(sample_engine: SearchEngine) -> None:
    """Synonym phrases, required phrases, exclusions, act numbers and articles all occur above."""
    parsed = [sample_engine.plan(SearchQuery(text=t)).parsed for t in TEXTS]
    assert any(len(alt) > 1 for p in parsed for c in p.clauses for alt in c.alternatives)
    assert any(p.phrases for p in parsed)
    assert any(p.excluded for p in parsed)
    assert any(p.act_numbers for p in parsed)
    assert any(p.articles for p in parsed)
    assert any(p.kinds for p in parsed)
    phrases = _phrases(sample_engine)
    plans = [sample_engine.plan(SearchQuery(text=t)) for t in TEXTS]
    counts = [len(_ids(sample_engine, membership_query(SCHEMA, plan, phrases))) for plan in plans]
    assert min(counts) == 0 and max(counts) > 50
