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
from search_app.index_document import NO_DATE, NO_DEADLINE, date_key
from search_app.query import FACET_FIELDS, SearchQuery
from search_app.ranking import (
    ACT_NUMBER_BOOST,
    ARTICLE_BOOST,
    FIELD_BOOSTS,
    FINISHED_FACTOR,
    KIND_INTENT_FACTOR,
    REGION_TIER_BOOST,
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


def text_query(parsed: ParsedQuery, required: int | None = None) -> Dsl:
    """Scoring query for the text: ``required`` of the content clauses (default:
    the strict rule, ``ParsedQuery.required``) or the act / article asked for,
    phrases required, exclusions out. As ``tantivy_query.text_query``.

    Boosts (whole-query title phrase, common words) only re-rank documents
    the core already matched; they never add matches of their own. The kind
    intent multiplies the score (``scored_query``).
    """
    if parsed.is_empty:
        return {"match_all": {}}
    units = [clause_query(c) for c in parsed.content]
    exact: list[Dsl] = [{"term": {"doc_number": {"value": n, "boost": ACT_NUMBER_BOOST}}} for n in parsed.act_numbers]
    exact += [
        {"term": {"article": {"value": k, "boost": ARTICLE_BOOST if ":" in k else ARTICLE_BOOST / 4}}}
        for k in parsed.articles
    ]
    must: list[Dsl] = []
    if units:
        matched = _at_least(units, parsed.required() if required is None else required)
        must.append({"bool": {"should": [matched, *exact], "minimum_should_match": 1}} if exact else matched)
    must += [across_fields(p) for p in parsed.phrases]
    core: Dsl = {"must": must}
    if parsed.optional:
        core["should"] = [clause_query(c) for c in parsed.optional]
    outer: Dsl = {"must": [{"bool": core}]}
    boosts: list[Dsl] = []
    if len(parsed.lemmas) >= 2:
        boosts.append(seq_query("title", parsed.lemmas, TITLE_PHRASE_BOOST))
    if boosts:
        outer["should"] = boosts
    if parsed.excluded:
        outer["must_not"] = [{"term": {f: lemma}} for lemma in parsed.excluded for f in TEXT_FIELDS]
    return {"bool": outer}


def _at_least(units: list[Dsl], required: int) -> Dsl:
    """``required`` of ``units`` must match (``minimum_should_match``); scores add up."""
    if len(units) == 1:
        return units[0]
    if required >= len(units):
        return {"bool": {"must": units}}
    return {"bool": {"should": units, "minimum_should_match": max(1, required)}}


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
        values = query.filter_values(name)
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
    """Text + ``filters`` (unscored); finished documents multiplied by FINISHED_FACTOR,
    documents of the kind the wording asks for by KIND_INTENT_FACTOR."""
    text = text_query(plan.parsed, plan.required)
    matched: Dsl = {"bool": {"must": [text], "filter": filters}} if filters else text
    if plan.parsed.is_empty and not plan.boost_topics:
        return matched
    boosts: list[Dsl] = []
    if plan.boost_topics:
        boosts.append({"constant_score": {"filter": {"terms": {"topics": list(plan.boost_topics)}}, "boost": RELATED_TOPIC_BOOST}})
    if plan.query.federal_added:
        own = list(plan.query.own_regions)
        boosts.append({"constant_score": {"filter": {"terms": {"regions": own}}, "boost": REGION_TIER_BOOST}})
    if boosts:
        matched = {"bool": {"must": [matched], "should": boosts}}
    return {
        "function_score": {
            "query": matched,
            "functions": [
                {"filter": finished_filter(plan.today), "weight": FINISHED_FACTOR},
                *([{"filter": {"terms": {"kind": list(plan.parsed.kinds)}}, "weight": KIND_INTENT_FACTOR}]
                  if plan.parsed.kinds else []),
            ],
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


# One number per document: open items by nearest deadline (YYYYMMDD), then the
# permanent ones newest first, then the finished ones latest deadline first, then
# finished ones without a deadline (as ``tantivy_sorts.deadline_tiers``).
DEADLINE_TIER_SCRIPT = """
long d = doc['deadline'].size() == 0 ? params.no_deadline : doc['deadline'].value;
long p = doc['published'].size() == 0 ? 0 : doc['published'].value;
String s = doc['status'].size() == 0 ? '' : doc['status'].value;
boolean dated = d < params.no_deadline;
boolean done = params.finished.contains(s) || (dated && d < params.today);
if (!done) { return dated ? d : 1000000000L - p; }
return dated ? 2000000000L - d : 3000000000L - p;
""".strip()


def deadline_sort(today: dt.date) -> Dsl:
    return {"_script": {"type": "number", "order": "asc", "script": {
        "source": DEADLINE_TIER_SCRIPT,
        "params": {"today": date_key(today), "no_deadline": NO_DEADLINE, "finished": sorted(FINISHED_STATUSES)},
    }}}


def sort_clause(plan: SearchPlan) -> list[Dsl]:
    """Sort keys ending in a unique tiebreak, as ``search_after`` needs."""
    sort = effective_sort(plan)
    if sort == "newest":
        return [{"published": "desc"}, TIEBREAK_SORT]
    if sort == "deadline":
        return [deadline_sort(plan.today), TIEBREAK_SORT]
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
