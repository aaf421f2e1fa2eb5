"""The unscored membership query (facets, totals) matches exactly what the ranked query matches."""

from __future__ import annotations

import pytest

from search_app.backends.embedded import SCHEMA
from search_app.backends.tantivy_query import match_query, membership_query
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


def _ids(engine: SearchEngine, query: object) -> set[str]:
    searcher = engine.backend._snapshot()[0]
    result = searcher.search(query, limit=10_000)
    return {searcher.doc(addr)["id"][0] for _, addr in result.hits}


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("filters", [{}, {"kind": ("competition", "measure")}], ids=["all", "filtered"])
def test_membership_equals_ranked_matches(sample_engine: SearchEngine, text: str, filters: dict) -> None:
    plan = sample_engine.plan(SearchQuery(text=text, filters=filters))
    ranked = _ids(sample_engine, match_query(SCHEMA, plan))
    assert _ids(sample_engine, membership_query(SCHEMA, plan)) == ranked


def test_the_queries_exercise_every_part(sample_engine: SearchEngine) -> None:
    """Synonym phrases, required phrases, exclusions, act numbers and articles all occur above."""
    parsed = [sample_engine.plan(SearchQuery(text=t)).parsed for t in TEXTS]
    assert any(len(alt) > 1 for p in parsed for c in p.clauses for alt in c.alternatives)
    assert any(p.phrases for p in parsed)
    assert any(p.excluded for p in parsed)
    assert any(p.act_numbers for p in parsed)
    assert any(p.articles for p in parsed)
    assert any(p.kinds for p in parsed)
    counts = [len(_ids(sample_engine, membership_query(SCHEMA, sample_engine.plan(SearchQuery(text=t))))) for t in TEXTS]
    assert min(counts) == 0 and max(counts) > 50
