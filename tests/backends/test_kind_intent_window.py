"""The kind intent applied on the top window ranks exactly as scoring every
match and multiplying the asked kind by KIND_INTENT_FACTOR (what Elasticsearch
does with a function_score weight)."""

from __future__ import annotations

import pytest

from search_app.backends.demotion import finished_flags, kind_flags, rescorer
from search_app.backends.embedded import SCHEMA
from search_app.backends.tantivy_query import ranked_query
from search_app.backends.tantivy_sequences import PhraseLookup
from search_app.engine import SearchEngine
from search_app.query import SearchQuery

QUERIES = ["конкурс", "закон о местном самоуправлении", "как получить грант", "конкурс благоустройство", "закон"]


def _reference(engine: SearchEngine, text: str) -> list[tuple[str, float]]:
    """Every match scored, then the kind factor and the demotion applied to all of them."""
    plan = engine.plan(SearchQuery(text=text))
    assert plan.parsed.kinds, text  # the query must carry a kind intent
    searcher, _, sequences = engine.backend._reader()  # type: ignore[attr-defined]
    query = ranked_query(SCHEMA, plan, PhraseLookup(searcher, sequences))
    total = searcher.search(query, limit=1, count=True).count
    hits = [(float(s), a) for s, a in searcher.search(query, limit=max(total, 1)).hits]  # tantivy panics on 0
    ranked = rescorer(finished_flags(searcher, plan.today), kind_flags(searcher, plan.parsed.kinds))(hits)
    return [(searcher.doc(a)["id"][0], s) for s, a in ranked]


@pytest.mark.parametrize("text", QUERIES)
def test_window_kind_factor_equals_rescoring_every_match(sample_engine: SearchEngine, text: str) -> None:
    plan = sample_engine.plan(SearchQuery(text=text, per_page=30, with_facets=False))
    got = sample_engine.backend.search(plan).hits
    everything = _reference(sample_engine, text)
    expected = everything[:30]
    assert [s for _, s in got] == pytest.approx([s for _, s in expected], abs=1e-4)
    scores = dict(everything)
    assert all(abs(scores[i] - s) < 1e-4 for i, s in got)  # each hit carries its own final score
    cut = got[-1][1] + 1e-4  # at the page's last score, ties may be broken differently
    assert {i for i, s in got if s > cut} == {i for i, s in expected if s > cut}
