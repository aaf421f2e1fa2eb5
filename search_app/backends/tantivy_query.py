"""Translation of a SearchPlan into tantivy queries; the only reads are term statistics (phrase idf)."""

from __future__ import annotations

import datetime as dt

import tantivy
from tantivy import Occur, Query

from ingest.document import FINISHED_STATUSES
from search_app.analysis.query_parser import Clause, ParsedQuery
from search_app.backends.base import SearchPlan
from search_app.backends.tantivy_sequences import PhraseLookup
from search_app.index_document import NO_DATE, date_key
from search_app.ranking import (
    ACT_NUMBER_BOOST,
    ARTICLE_BOOST,
    FIELD_BOOSTS,
    REGION_TIER_BOOST,
    RELATED_TOPIC_BOOST,
    TEXT_FIELDS,
    TIE_BREAKER,
    TITLE_PHRASE_BOOST,
    synonym_weight,
)

KEYWORD_FIELDS: tuple[str, ...] = ("kind", "regions", "topics", "audience", "status", "issuer")
# Every text field's lemmas in one field, document ids only (no frequencies or
# positions): which documents hold a lemma anywhere, for counting.
MATCH_FIELD = "all_lemmas"


def _seq_query(schema: tantivy.Schema, field: str, seq: tuple[str, ...], phrases: PhraseLookup) -> Query:
    if len(seq) == 1:
        return Query.term_query(schema, field, seq[0])
    return phrases.scored(schema, field, seq)


def _across_fields(schema: tantivy.Schema, seq: tuple[str, ...], phrases: PhraseLookup) -> Query:
    """One lemma sequence over every text field, best field first (dis_max)."""
    per_field = [
        Query.boost_query(_seq_query(schema, f, seq, phrases), FIELD_BOOSTS[f]) for f in TEXT_FIELDS
    ]
    return Query.disjunction_max_query(per_field, TIE_BREAKER)


def clause_query(schema: tantivy.Schema, clause: Clause, phrases: PhraseLookup) -> Query:
    own = _across_fields(schema, clause.lemmas, phrases)
    if not clause.alternatives:
        return own
    alts = [
        Query.boost_query(_across_fields(schema, a, phrases), synonym_weight(clause.lemmas, a))
        for a in clause.alternatives
    ]
    return Query.disjunction_max_query([own, *alts], 0.0)


def text_query(schema: tantivy.Schema, parsed: ParsedQuery, phrases: PhraseLookup, required: int) -> Query:
    """Scoring query for the text: ``required`` of the content clauses (or the
    act / article asked for), phrases required, exclusions out.

    Boosts (whole-query title phrase, weak words) only re-rank documents the
    text already matched; they never add matches of their own. The kind intent
    is such a boost too, added on the top window instead (``demotion.rescore_top``).
    """
    if parsed.is_empty:
        return Query.all_query()
    units = [clause_query(schema, clause, phrases) for clause in parsed.content]
    exact = [
        Query.boost_query(Query.term_query(schema, "doc_number", number), ACT_NUMBER_BOOST)
        for number in parsed.act_numbers
    ]
    exact += [
        Query.boost_query(Query.term_query(schema, "article", key), ARTICLE_BOOST if ":" in key else ARTICLE_BOOST / 4)
        for key in parsed.articles
    ]
    core: list[tuple[Occur, Query]] = []
    matched = _at_least(units, required)
    if matched is not None:
        core.append((Occur.Must, _any(matched, exact)))
    core += [(Occur.Should, clause_query(schema, clause, phrases)) for clause in parsed.optional]
    core += [(Occur.Must, _across_fields(schema, phrase, phrases)) for phrase in parsed.phrases]
    outer: list[tuple[Occur, Query]] = [(Occur.Must, _boolean(core))]
    lemmas = parsed.lemmas
    if len(lemmas) >= 2:
        title = phrases.scored(schema, "title", tuple(lemmas))
        outer.append((Occur.Should, Query.boost_query(title, TITLE_PHRASE_BOOST)))
    for lemma in parsed.excluded:
        for f in TEXT_FIELDS:
            outer.append((Occur.MustNot, Query.term_query(schema, f, lemma)))
    return _boolean(outer)


def _at_least(units: list[Query], required: int) -> Query | None:
    """Documents matching ``required`` of ``units`` (scores summed); None without units."""
    if not units:
        return None
    if required >= len(units):
        return _boolean([(Occur.Must, u) for u in units])
    return Query.boolean_query([(Occur.Should, u) for u in units], max(1, required))


def _any(matched: Query, exact: list[Query]) -> Query:
    """The text match, or an exact act / article hit (which also scores the text)."""
    if not exact:
        return matched
    return Query.boolean_query([(Occur.Should, q) for q in (matched, *exact)])


def _boolean(clauses: list[tuple[Occur, Query]]) -> Query:
    """A boolean query; a lone required or optional clause is used as it is (the
    same score, one scorer fewer per document: -13% on a word in most documents)."""
    if len(clauses) == 1 and clauses[0][0] in (Occur.Must, Occur.Should):
        return clauses[0][1]
    return Query.boolean_query(clauses)


def finished_query(schema: tantivy.Schema, today: dt.date) -> Query:
    """Closed/expired, or the deadline has passed."""
    statuses = _any_of(schema, "status", sorted(FINISHED_STATUSES))
    overdue = Query.range_query(
        schema, "deadline", tantivy.FieldType.Integer, NO_DATE + 1, date_key(today), True, False
    )
    return Query.boolean_query([(Occur.Should, statuses), (Occur.Should, overdue)])


def filter_queries(schema: tantivy.Schema, plan: SearchPlan, skip: str | None = None) -> list[Query]:
    """Every active filter as a required query; ``skip`` leaves one facet out."""
    q = plan.query
    out: list[Query] = []
    for name in q.filters:
        values = q.filter_values(name)
        if name == skip or not values:
            continue
        if name == "year":
            out.append(_any_of(schema, "year", [int(v) for v in values]))
        else:
            out.append(_any_of(schema, name, list(values)))
    if q.year_from or q.year_to:
        out.append(
            Query.range_query(schema, "year", tantivy.FieldType.Integer, q.year_from or 1, q.year_to or 9999)
        )
    if q.amount_from is not None:
        out.append(Query.range_query(schema, "amount_max", tantivy.FieldType.Float, float(q.amount_from), None))
    if q.amount_to is not None:
        out.append(
            Query.range_query(schema, "amount_min", tantivy.FieldType.Float, 0.0, float(q.amount_to))
        )
    if q.open_now:
        out.append(_not(finished_query(schema, plan.today)))
    if plan.exclude_ids:
        out.append(_not(_any_of(schema, "id", list(plan.exclude_ids))))
    if plan.only_ids is not None:
        out.append(_any_of(schema, "id", list(plan.only_ids)) if plan.only_ids else _not(Query.all_query()))
    return out


def _any_of(schema: tantivy.Schema, field: str, values: list) -> Query:  # noqa: ANN001 - str or int terms
    """Documents whose ``field`` holds any of ``values``.

    An OR of term queries, not ``term_set_query``: that one builds a bitset of
    every matching document on each query, which costs more than the search
    itself for frequent values such as «closed».
    """
    terms = [Query.term_query(schema, field, v) for v in values]
    if len(terms) == 1:
        return terms[0]
    return Query.boolean_query([(Occur.Should, t) for t in terms])


def _not(query: Query) -> Query:
    return Query.boolean_query([(Occur.Must, Query.all_query()), (Occur.MustNot, query)])


def match_query(schema: tantivy.Schema, plan: SearchPlan, phrases: PhraseLookup) -> Query:
    """Text (scored) + filters: what the top hits are ranked by."""
    return _filtered(schema, plan, text_query(schema, plan.parsed, phrases, plan.required), None)


def membership_query(
    schema: tantivy.Schema, plan: SearchPlan, phrases: PhraseLookup, skip: str | None = None
) -> Query:
    """The documents ``match_query`` matches, found without scoring: what facet
    counts and the total are computed over (``skip`` leaves one facet's filter out)."""
    return _filtered(schema, plan, text_membership(schema, plan.parsed, phrases, plan.required), skip)


def text_membership(schema: tantivy.Schema, parsed: ParsedQuery, phrases: PhraseLookup, required: int) -> Query:
    """Exactly the documents ``text_query`` matches, from ``MATCH_FIELD``.

    A single lemma is one term of one field instead of one per text field, and
    the boosts that only re-rank (kind intent, title phrase, weak words) are
    left out, so counting over many matches reads a fraction of the postings.
    Lemma sequences (phrases, multi-word synonyms) are one term when the index
    holds them as terms (``tantivy_sequences``), else per-field phrase queries.
    """
    if parsed.is_empty:
        return Query.all_query()
    units = [
        _boolean([(Occur.Should, _seq_membership(schema, seq, phrases)) for seq in clause.sequences])
        for clause in parsed.content
    ]
    exact = [Query.term_query(schema, "doc_number", number) for number in parsed.act_numbers]
    exact += [Query.term_query(schema, "article", key) for key in parsed.articles]
    core: list[tuple[Occur, Query]] = []
    matched = _at_least(units, required)
    if matched is not None:
        core.append((Occur.Must, _any(matched, exact)))
    core += [(Occur.Must, _seq_membership(schema, phrase, phrases)) for phrase in parsed.phrases]
    core += [(Occur.MustNot, Query.term_query(schema, MATCH_FIELD, lemma)) for lemma in parsed.excluded]
    return Query.boolean_query(core)


def _seq_membership(schema: tantivy.Schema, seq: tuple[str, ...], phrases: PhraseLookup) -> Query:
    if len(seq) == 1:
        return Query.term_query(schema, MATCH_FIELD, seq[0])
    return phrases.matched(schema, MATCH_FIELD, TEXT_FIELDS, seq)


def _filtered(schema: tantivy.Schema, plan: SearchPlan, base: Query, skip: str | None) -> Query:
    filters = filter_queries(schema, plan, skip)
    if not filters:
        return base
    subs = [(Occur.Must, base)] + [(Occur.Must, Query.const_score_query(f, 0.0)) for f in filters]
    return Query.boolean_query(subs)


def ranked_query(schema: tantivy.Schema, plan: SearchPlan, phrases: PhraseLookup) -> Query:
    """The ranking query before demotion: text + filters, plus the related-topics
    boost and, under a region filter keeping federal documents, the region's own
    documents lifted above them (``REGION_TIER_BOOST``).

    Finished documents are multiplied by FINISHED_FACTOR afterwards, on the top
    window (``demotion.rescore_top``), and the kind intent is added there too:
    inside the query the finished condition doubled its cost.
    """
    matched = match_query(schema, plan, phrases)
    boosts: list[tuple[Occur, Query]] = []
    if plan.boost_topics:
        topics = _any_of(schema, "topics", list(plan.boost_topics))
        boosts.append((Occur.Should, Query.const_score_query(topics, RELATED_TOPIC_BOOST)))
    if plan.query.federal_added:
        own = _any_of(schema, "regions", list(plan.query.own_regions))
        boosts.append((Occur.Should, Query.const_score_query(own, REGION_TIER_BOOST)))
    if not boosts:
        return matched
    return Query.boolean_query([(Occur.Must, matched), *boosts])
