"""Pure translation of a SearchPlan into Elasticsearch query DSL (no IO).

Mirrors ``tantivy_query`` clause by clause so both backends rank and filter
alike; every tuning number comes from ``search_app.ranking``.

Synonyms: the Python query parser already expands synonyms into
``Clause.alternatives`` (weighted by ``ranking.synonym_weight``), for both backends. This
builder therefore only emits queries that bypass the index's search-time
``synonym_graph`` filter: ``term`` queries are not analysed, and lemma
sequences go through ``match_phrase`` with the plain ``munnav_lemma``
analyzer. The ``synonym_graph`` on the lemma fields serves raw
``query_string`` users (Kibana, analysts) — no double expansion here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ingest.document import FINISHED_STATUSES
from search_app.analysis.query_parser import Clause, ParsedQuery
from search_app.backends.base import SearchPlan
from search_app.citations import CITES_FIELD
from search_app.index_document import NO_DATE, date_key
from search_app.query import FACET_FIELDS, SearchQuery
from search_app.ranking import (
    ACT_NUMBER_BOOST,
    ARTICLE_BOOST,
    FIELD_BOOSTS,
    FINISHED_FACTOR,
    KIND_INTENT_BOOST,
    RELATED_TOPIC_BOOST,
    TEXT_FIELDS,
    TIE_BREAKER,
    TITLE_PHRASE_BOOST,
    synonym_weight,
)

Dsl = dict[str, Any]

LEMMA_ANALYZER = "munnav_lemma"
# Facet values that mean "not set" in index documents; never shown as facet buckets.
EMPTY_FACET_VALUES = frozenset({"", "0", "none"})
TIEBREAK_SORT: Dsl = {"id": "asc"}


# -- text ------------------------------------------------------------------


def seq_query(field: str, seq: tuple[str, ...], boost: float = 1.0) -> Dsl:
    """One lemma (``term``) or a lemma sequence (``match_phrase``, no synonym filter)."""
    if len(seq) == 1:
        return {"term": {field: {"value": seq[0], "boost": boost}}}
    return {"match_phrase": {field: {"query": " ".join(seq), "analyzer": LEMMA_ANALYZER, "boost": boost}}}


def across_fields(seq: tuple[str, ...], boost: float = 1.0) -> Dsl:
    """One lemma sequence over every text field, best field first (dis_max)."""
    query: Dsl = {"queries": [seq_query(f, seq, FIELD_BOOSTS[f]) for f in TEXT_FIELDS], "tie_breaker": TIE_BREAKER}
    if boost != 1.0:
        query["boost"] = boost
    return {"dis_max": query}


def clause_query(clause: Clause) -> Dsl:
    own = across_fields(clause.lemmas)
    if not clause.alternatives:
        return own
    alts = [across_fields(a, synonym_weight(clause.lemmas, a)) for a in clause.alternatives]
    return {"dis_max": {"queries": [own, *alts], "tie_breaker": 0.0}}


def text_query(parsed: ParsedQuery) -> Dsl:
    """Scoring query for the text: clauses OR-ed, phrases required, exclusions out.

    Boosts (kind intent, whole-query title phrase) only re-rank documents the
    core already matched; they never add matches of their own.
    """
    if parsed.is_empty:
        return {"match_all": {}}
    core_should: list[Dsl] = [clause_query(c) for c in parsed.clauses]
    core_should += [{"term": {"doc_number": {"value": n, "boost": ACT_NUMBER_BOOST}}} for n in parsed.act_numbers]
    core_should += [
        {"term": {"article": {"value": k, "boost": ARTICLE_BOOST if ":" in k else ARTICLE_BOOST / 4}}}
        for k in parsed.articles
    ]
    core: Dsl = {}
    if core_should:
        core["should"] = core_should
    if parsed.phrases:
        core["must"] = [across_fields(p) for p in parsed.phrases]
    outer: Dsl = {"must": [{"bool": core}]}
    boosts: list[Dsl] = []
    if parsed.kinds:
        boosts.append({"constant_score": {"filter": {"terms": {"kind": list(parsed.kinds)}}, "boost": KIND_INTENT_BOOST}})
    if len(parsed.lemmas) >= 2:
        boosts.append(seq_query("title", parsed.lemmas, TITLE_PHRASE_BOOST))
    if boosts:
        outer["should"] = boosts
    if parsed.excluded:
        outer["must_not"] = [{"term": {f: lemma}} for lemma in parsed.excluded for f in TEXT_FIELDS]
    return {"bool": outer}


# -- filters ---------------------------------------------------------------


def finished_filter(today: dt.date) -> Dsl:
    """Closed/expired, or the deadline has passed (deadline stored as YYYYMMDD)."""
    return {
        "bool": {
            "should": [
                {"terms": {"status": sorted(FINISHED_STATUSES)}},
                {"range": {"deadline": {"gte": NO_DATE + 1, "lt": date_key(today)}}},
            ],
            "minimum_should_match": 1,
        }
    }


def facet_filters(query: SearchQuery) -> dict[str, Dsl]:
    """One ``terms`` filter per selected facet: OR within a facet, AND across facets."""
    out: dict[str, Dsl] = {}
    for name in FACET_FIELDS:
        values = query.filters.get(name)
        if not values:
            continue
        terms: list[Any] = [int(v) for v in values] if name == "year" else list(values)
        out[name] = {"terms": {name: terms}}
    return out


def base_filters(plan: SearchPlan) -> list[Dsl]:
    """Filters that are not facets: cited acts, ranges, open now, excluded or chosen ids."""
    q = plan.query
    out: list[Dsl] = []
    if q.filters.get(CITES_FIELD):
        out.append({"terms": {CITES_FIELD: list(q.filters[CITES_FIELD])}})
    if q.year_from or q.year_to:
        out.append({"range": {"year": {"gte": q.year_from or 1, "lte": q.year_to or 9999}}})
    if q.amount_from is not None:
        out.append({"range": {"amount_max": {"gte": float(q.amount_from)}}})
    if q.amount_to is not None:
        out.append({"range": {"amount_min": {"gte": 0.0, "lte": float(q.amount_to)}}})
    if q.open_now:
        out.append({"bool": {"must_not": [finished_filter(plan.today)]}})
    if plan.exclude_ids:
        out.append({"bool": {"must_not": [{"ids": {"values": list(plan.exclude_ids)}}]}})
    if plan.only_ids is not None:
        out.append({"ids": {"values": list(plan.only_ids)}})
    return out


def _and(filters: list[Dsl]) -> Dsl:
    if not filters:
        return {"match_all": {}}
    if len(filters) == 1:
        return filters[0]
    return {"bool": {"filter": filters}}


# -- ranking ---------------------------------------------------------------


def scored_query(plan: SearchPlan, filters: list[Dsl]) -> Dsl:
    """Text + ``filters`` (unscored); finished documents multiplied by FINISHED_FACTOR."""
    text = text_query(plan.parsed)
    matched: Dsl = {"bool": {"must": [text], "filter": filters}} if filters else text
    if plan.parsed.is_empty and not plan.boost_topics:
        return matched
    if plan.boost_topics:
        topics = {"constant_score": {"filter": {"terms": {"topics": list(plan.boost_topics)}}, "boost": RELATED_TOPIC_BOOST}}
        matched = {"bool": {"must": [matched], "should": [topics]}}
    return {
        "function_score": {
            "query": matched,
            "functions": [{"filter": finished_filter(plan.today), "weight": FINISHED_FACTOR}],
            "score_mode": "multiply",
            "boost_mode": "multiply",
        }
    }


def effective_sort(plan: SearchPlan) -> str:
    """Relevance without text (and nothing to boost) means newest first."""
    sort = plan.query.sort
    if sort == "relevance" and plan.parsed.is_empty and not plan.boost_topics:
        return "newest"
    return sort


def sort_clause(plan: SearchPlan) -> list[Dsl]:
    """Sort keys ending in a unique tiebreak, as ``search_after`` needs."""
    sort = effective_sort(plan)
    if sort == "newest":
        return [{"published": "desc"}, TIEBREAK_SORT]
    if sort == "deadline":
        return [{"deadline": "asc"}, TIEBREAK_SORT]
    return [{"_score": "desc"}, TIEBREAK_SORT]


# -- facets ----------------------------------------------------------------


def facet_aggs(query: SearchQuery, selected: dict[str, Dsl]) -> Dsl:
    """Disjunctive facets: each facet counted under every selection but its own."""
    aggs: Dsl = {}
    for name in FACET_FIELDS:
        others = [f for other, f in selected.items() if other != name]
        aggs[name] = {
            "filter": _and(others),
            "aggs": {"values": {"terms": {"field": name, "size": query.facet_size}}},
        }
    return aggs


def parse_facets(aggregations: dict[str, Any]) -> dict[str, list[tuple[str, int]]]:
    """``facet_aggs`` response → ``{field: [(value, count)]}`` without empty values."""
    out: dict[str, list[tuple[str, int]]] = {}
    for name in FACET_FIELDS:
        if name not in aggregations:
            continue
        buckets = aggregations[name]["values"]["buckets"]
        out[name] = [
            (_bucket_key(b["key"]), int(b["doc_count"]))
            for b in buckets
            if _bucket_key(b["key"]) not in EMPTY_FACET_VALUES
        ]
    return out


def _bucket_key(key: object) -> str:
    if isinstance(key, float) and key.is_integer():
        return str(int(key))
    return str(key)


# -- the whole request -----------------------------------------------------


def search_body(
    plan: SearchPlan,
    *,
    size: int | None = None,
    from_: int | None = None,
    search_after: list[Any] | None = None,
    with_facets: bool | None = None,
) -> Dsl:
    """The request body for one page (``from``/``size`` or ``search_after``).

    With facets, facet selections move to ``post_filter`` so aggregations see
    the hits before them; without, every filter sits in the query.
    """
    q = plan.query
    facets = q.with_facets if with_facets is None else with_facets
    selected = facet_filters(q)
    filters = base_filters(plan)
    if not facets:
        filters += list(selected.values())
    body: Dsl = {
        "query": scored_query(plan, filters),
        "sort": sort_clause(plan),
        "size": q.per_page if size is None else size,
        "track_total_hits": True,
        "_source": False,
    }
    if effective_sort(plan) != "relevance":
        body["track_scores"] = True
    if search_after is not None:
        body["search_after"] = search_after
    else:
        body["from"] = q.offset if from_ is None else from_
    if facets:
        if selected:
            body["post_filter"] = _and(list(selected.values()))
        body["aggs"] = facet_aggs(q, selected)
    return body


def vocabulary_body(prefix: str, limit: int) -> Dsl:
    """Title lemmas starting with ``prefix`` and their document frequencies."""
    escaped = "".join("\\" + ch if not (ch.isalnum() or ch in "-_ ") else ch for ch in prefix.lower())
    return {
        "size": 0,
        "aggs": {"vocab": {"terms": {"field": "title_vocab", "include": f"{escaped}.*", "size": limit}}},
    }


def more_like_this_body(doc_id: str, index: str, size: int) -> Dsl:
    """Documents sharing rare lemmas with ``doc_id`` (an alternative to the related plan)."""
    return {
        "query": {
            "more_like_this": {
                "fields": list(TEXT_FIELDS),
                "like": [{"_index": index, "_id": doc_id}],
                "min_term_freq": 1,
                "min_doc_freq": 1,
            }
        },
        "size": size,
        "_source": False,
    }


def terms_page_body(field: str, after: dict[str, Any] | None, size: int) -> Dsl:
    """One page of every distinct term of ``<field>_vocab`` with document counts."""
    composite: Dsl = {"size": size, "sources": [{"term": {"terms": {"field": f"{field}_vocab"}}}]}
    if after is not None:
        composite["after"] = after
    return {"size": 0, "track_total_hits": False, "aggs": {"vocab": {"composite": composite}}}
