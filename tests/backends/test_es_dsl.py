"""The Elasticsearch mapping and query DSL, checked without a server (dicts compared)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re

from ingest.document import Document
from search_app.analysis.analyzer import get_analyzer
from search_app.analysis.query_parser import Clause, ParsedQuery
from search_app.analysis.synonyms import parse_synonym_lines
from search_app.backends import es_query as dsl
from search_app.backends.base import SearchPlan
from search_app.backends.es_index import (
    MAPPINGS_DIR,
    alias_swap_actions,
    index_body,
    load_definition,
    mapping_version,
    new_index_name,
    owned_indices,
    previous_index,
    serving_settings,
    stale_indices,
    to_es_source,
)
from search_app.backends.es_synonyms import lemma_synonym_rules
from search_app.index_document import build_index_document
from search_app.query import FACET_FIELDS, SearchQuery
from search_app.ranking import (
    ACT_NUMBER_BOOST,
    ARTICLE_BOOST,
    FIELD_BOOSTS,
    FINISHED_FACTOR,
    KIND_INTENT_FACTOR,
    REGION_TIER_BOOST,
    TIE_BREAKER,
    TITLE_PHRASE_BOOST,
    synonym_weight,
)

TODAY = dt.date(2026, 11, 27)
PROPS = load_definition()["mappings"]["properties"]


def plan(parsed: ParsedQuery | None = None, **query: object) -> SearchPlan:
    return SearchPlan(SearchQuery(**query).validated(), parsed or ParsedQuery(text=""), TODAY)  # type: ignore[arg-type]


def words(*lemmas: str, **extra: object) -> ParsedQuery:
    return ParsedQuery(text=" ".join(lemmas), clauses=tuple(Clause((w,)) for w in lemmas), **extra)  # type: ignore[arg-type]


def across(seq: tuple[str, ...], boost: float = 1.0) -> dict:
    queries = []
    for f, b in FIELD_BOOSTS.items():
        if len(seq) == 1:
            queries.append({"term": {f: {"value": seq[0], "boost": b}}})
        else:
            queries.append({"match_phrase": {f: {"query": " ".join(seq), "analyzer": "munnav_lemma", "boost": b}}})
    out: dict = {"queries": queries, "tie_breaker": TIE_BREAKER}
    if boost != 1.0:
        out["boost"] = boost
    return {"dis_max": out}


# -- mapping ---------------------------------------------------------------


def test_mapping_file_is_valid_json_with_a_version() -> None:
    raw = json.loads((MAPPINGS_DIR / "documents.json").read_text(encoding="utf-8"))
    assert isinstance(mapping_version(raw), int) and mapping_version(raw) >= 1


def test_every_facet_is_a_keyword_field_and_numbers_are_numeric() -> None:
    for name in FACET_FIELDS:
        assert PROPS[name]["type"] == ("integer" if name == "year" else "keyword"), name
    assert {PROPS[n]["type"] for n in ("published", "deadline")} == {"integer"}
    assert {PROPS[n]["type"] for n in ("published_date", "deadline_date")} == {"date"}
    assert PROPS["doc_number"]["type"] == "keyword"
    assert PROPS["title_suggest"]["type"] == "search_as_you_type"


def test_every_referenced_analyzer_and_filter_is_defined() -> None:
    analysis = load_definition()["settings"]["analysis"]
    used = set()
    for spec in PROPS.values():
        used |= {spec[k] for k in ("analyzer", "search_analyzer") if k in spec}
        for sub in spec.get("fields", {}).values():
            used |= {sub[k] for k in ("analyzer", "search_analyzer") if k in sub}
    assert used <= set(analysis["analyzer"])
    for analyzer in analysis["analyzer"].values():
        for name in analyzer.get("filter", []):
            assert name in analysis["filter"] or name == "lowercase"
        for name in analyzer.get("char_filter", []):
            assert name in analysis["char_filter"]


def test_lemma_fields_index_whitespace_lemmas_and_search_with_updateable_synonyms() -> None:
    analysis = load_definition()["settings"]["analysis"]
    for name in FIELD_BOOSTS:
        assert PROPS[name] == {"type": "text", "analyzer": "munnav_lemma", "search_analyzer": "munnav_lemma_synonyms"}
    assert analysis["analyzer"]["munnav_lemma"] == {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]}
    synonyms = analysis["filter"]["munnav_synonyms"]
    assert synonyms["type"] == "synonym_graph" and synonyms["updateable"] is True
    for name in ("title_text", "summary_text", "body_text"):
        assert PROPS[name]["analyzer"] == "munnav_russian"
        assert PROPS[name]["fields"]["exact"]["analyzer"] == "munnav_exact"
    assert "munnav_russian_stop" not in analysis["analyzer"]["munnav_exact"]["filter"]


def test_index_body_names_the_synonyms_set_and_drops_comments() -> None:
    body = index_body(load_definition(), "prod-synonyms")
    assert set(body) == {"settings", "mappings"}
    assert body["settings"]["analysis"]["filter"]["munnav_synonyms"]["synonyms_set"] == "prod-synonyms"
    assert load_definition()["settings"]["analysis"]["filter"]["munnav_synonyms"]["synonyms_set"] == "munnav-synonyms"


def test_mapping_covers_every_field_of_the_index_document() -> None:
    doc = Document.from_dict({
        "id": "x", "kind": "competition", "title": "Конкурс проектов ТОС", "summary": "Гранты",
        "doc_number": "131-ФЗ", "published": "2026-01-15", "deadline": "2026-12-09", "topics": ["ТОС"],
    })
    source = to_es_source(build_index_document(doc, get_analyzer()))
    assert set(source) <= set(PROPS)
    assert source["published_date"] == "2026-01-15" and source["deadline_date"] == "2026-12-09"
    assert source["title_vocab"] == ["конкурс", "проект", "тос"]
    assert source["title_suggest"] == "Конкурс проектов ТОС"


def test_missing_dates_become_null_date_fields() -> None:
    source = to_es_source({"id": "x", "published": 0, "deadline": 99991231, "title": "", "title_text": ""})
    assert source["published_date"] is None and source["deadline_date"] is None


def test_serving_settings_restore_the_definition() -> None:
    assert serving_settings(load_definition()) == {"index": {"refresh_interval": "1s", "auto_expand_replicas": "0-1"}}


# -- text ------------------------------------------------------------------


def test_single_word_is_a_dis_max_over_fields() -> None:
    assert dsl.text_query(words("субсидия")) == {"bool": {"must": [{"bool": {"must": [across(("субсидия",))]}}]}}


def test_synonym_alternatives_are_weighted_and_never_re_expanded() -> None:
    clause = Clause(("мсу",), (("местный", "самоуправление"),))
    assert dsl.clause_query(clause) == {
        "dis_max": {"queries": [across(("мсу",)), across(("местный", "самоуправление"), synonym_weight(("мсу",), ("местный", "самоуправление")))], "tie_breaker": 0.0}
    }
    # Sequences use the plain lemma analyzer, so the index's synonym_graph does not expand them again.
    assert across(("местный", "самоуправление"))["dis_max"]["queries"][0]["match_phrase"]["title"]["analyzer"] == "munnav_lemma"


def test_act_number_kind_intent_and_title_phrase_boosts() -> None:
    parsed = words("закон", "131-фз", act_numbers=("131-фз",), kinds=("legal_act",))
    assert dsl.text_query(parsed) == {
        "bool": {
            "must": [{"bool": {"must": [{"bool": {"should": [
                {"bool": {"should": [across(("закон",)), across(("131-фз",))], "minimum_should_match": 1}},
                {"term": {"doc_number": {"value": "131-фз", "boost": ACT_NUMBER_BOOST}}},
            ], "minimum_should_match": 1}}]}}],
            "should": [
                {"match_phrase": {"title": {"query": "закон 131-фз", "analyzer": "munnav_lemma", "boost": TITLE_PHRASE_BOOST}}},
            ],
        }
    }


def test_most_content_words_are_required_common_words_only_rank_weak_words_not_at_all() -> None:
    parsed = ParsedQuery(text="как провести публичные слушания по бюджету муниципальному", clauses=(
        Clause(("как",), weak=True), Clause(("провести",)), Clause(("публичный", "слушание")), Clause(("бюджет",)),
        Clause(("муниципальный",), common=True),
    ))
    core = dsl.text_query(parsed)["bool"]["must"][0]["bool"]
    assert core["must"] == [{"bool": {"should": [
        across(("провести",)), across(("публичный", "слушание")), across(("бюджет",)),
    ], "minimum_should_match": 2}}]
    assert core["should"] == [across(("муниципальный",))]
    # Relaxed (the strict set was tiny): any one content word.
    assert dsl.text_query(parsed, 1)["bool"]["must"][0]["bool"]["must"][0]["bool"]["minimum_should_match"] == 1
    relaxed = SearchPlan(SearchQuery(with_facets=False), parsed, TODAY, relax=5)
    assert relaxed.required == 1
    body = dsl.search_body(relaxed)["query"]["function_score"]["query"]
    assert body == dsl.text_query(parsed, 1)
    four = ParsedQuery(text="a b c d", clauses=tuple(Clause((w,)) for w in ("а", "б", "в", "г")))
    assert dsl.text_query(four)["bool"]["must"][0]["bool"]["must"][0]["bool"]["minimum_should_match"] == 3


def test_a_multi_word_synonym_matches_as_a_phrase_never_word_by_word() -> None:
    parsed = ParsedQuery(text="тос", clauses=(Clause(("тос",), (("территориальный", "общественный", "самоуправление"),)),))
    unit = dsl.text_query(parsed)["bool"]["must"][0]["bool"]["must"][0]
    alternative = unit["dis_max"]["queries"][1]["dis_max"]["queries"]
    assert {"match_phrase": {"title": {
        "query": "территориальный общественный самоуправление", "analyzer": "munnav_lemma", "boost": FIELD_BOOSTS["title"],
    }}} in alternative
    assert not any("term" in q for q in alternative)


def test_a_region_filter_keeps_federal_documents_after_the_regions_own() -> None:
    p = plan(words("субсидия"), filters={"regions": ("Пермский край",)}, with_facets=False)
    body = dsl.search_body(p)["query"]["function_score"]["query"]
    assert {"terms": {"regions": ["Пермский край", "Российская Федерация"]}} in body["bool"]["must"][0]["bool"]["filter"]
    assert body["bool"]["should"] == [
        {"constant_score": {"filter": {"terms": {"regions": ["Пермский край"]}}, "boost": REGION_TIER_BOOST}}
    ]
    strict = plan(words("субсидия"), filters={"regions": ("Пермский край",)}, with_federal=False, with_facets=False)
    query = dsl.search_body(strict)["query"]["function_score"]["query"]
    assert query["bool"]["filter"] == [{"terms": {"regions": ["Пермский край"]}}]
    federal_only = plan(words("субсидия"), filters={"regions": ("Российская Федерация",)}, with_facets=False)
    query = dsl.search_body(federal_only)["query"]["function_score"]["query"]
    assert query["bool"]["filter"] == [{"terms": {"regions": ["Российская Федерация"]}}]


def test_phrases_are_required_and_exclusions_removed_in_every_field() -> None:
    parsed = ParsedQuery(text='"дворовый территория" -парк', phrases=(("дворовый", "территория"),), excluded=("парк",))
    assert dsl.text_query(parsed) == {
        "bool": {
            "must": [{"bool": {"must": [across(("дворовый", "территория"))]}}],
            "must_not": [{"term": {f: "парк"}} for f in FIELD_BOOSTS],
        }
    }


def test_empty_text_matches_all_sorted_newest() -> None:
    body = dsl.search_body(plan(with_facets=False))
    assert body["query"] == {"match_all": {}}
    assert body["sort"] == [{"published": "desc"}, {"id": "asc"}]
    assert body["track_scores"] is True


# -- filters, facets, sort ---------------------------------------------------


def test_filters_without_facets_all_sit_in_the_query() -> None:
    p = plan(filters={"kind": ("competition",), "year": ("2025", "2026")}, year_from=2020,
             amount_from=1000, amount_to=5000, with_facets=False)
    body = dsl.search_body(p)
    assert "post_filter" not in body and "aggs" not in body
    assert body["query"] == {"bool": {"must": [{"match_all": {}}], "filter": [
        {"range": {"year": {"gte": 2020, "lte": 9999}}},
        {"range": {"amount_max": {"gte": 1000.0}}},
        {"range": {"amount_min": {"gte": 0.0, "lte": 5000.0}}},
        {"terms": {"kind": ["competition"]}},
        {"terms": {"year": [2025, 2026]}},
    ]}}


def test_disjunctive_facets_use_post_filter_and_per_facet_filtered_aggs() -> None:
    p = plan(words("конкурс"), filters={"regions": ("Вологодская область", "Пермский край"), "status": ("open",)})
    body = dsl.search_body(p)
    regions = {"terms": {"regions": ["Вологодская область", "Пермский край", "Российская Федерация"]}}
    status = {"terms": {"status": ["open"]}}
    assert body["post_filter"] == {"bool": {"filter": [regions, status]}}
    aggs = body["aggs"]
    assert set(aggs) == set(FACET_FIELDS)
    assert aggs["regions"] == {"filter": status, "aggs": {"values": {"terms": {"field": "regions", "size": 100}}}}
    assert aggs["status"]["filter"] == regions
    assert aggs["kind"]["filter"] == {"bool": {"filter": [regions, status]}}
    assert aggs["year"]["aggs"]["values"]["terms"]["field"] == "year"


def test_open_now_excludes_closed_expired_and_overdue() -> None:
    body = dsl.search_body(plan(open_now=True, with_facets=False))
    assert body["query"]["bool"]["filter"] == [{"bool": {"must_not": [{"bool": {
        "should": [{"terms": {"status": ["closed", "expired"]}}, {"range": {"deadline": {"gte": 1, "lt": 20261127}}}],
        "minimum_should_match": 1,
    }}]}}]


def test_the_kind_intent_multiplies_the_score() -> None:
    parsed = words("закон", act_numbers=(), kinds=("legal_act",))
    fs = dsl.search_body(plan(parsed, with_facets=False))["query"]["function_score"]
    assert fs["functions"][1] == {"filter": {"terms": {"kind": ["legal_act"]}}, "weight": KIND_INTENT_FACTOR}
    assert (fs["score_mode"], fs["boost_mode"]) == ("multiply", "multiply")


def test_finished_documents_are_demoted_by_a_function_score_weight() -> None:
    query = dsl.search_body(plan(words("конкурс"), with_facets=False))["query"]
    fs = query["function_score"]
    assert fs["functions"] == [{"filter": dsl.finished_filter(TODAY), "weight": FINISHED_FACTOR}]
    assert (fs["score_mode"], fs["boost_mode"]) == ("multiply", "multiply")
    assert fs["query"] == dsl.text_query(words("конкурс"))


def test_related_plan_excludes_the_document_and_boosts_its_topics() -> None:
    p = SearchPlan(SearchQuery(with_facets=False), words("тос"), TODAY, exclude_ids=("a",), boost_topics=("ТОС",))
    matched = dsl.search_body(p)["query"]["function_score"]["query"]
    assert matched == {"bool": {
        "must": [{"bool": {"must": [dsl.text_query(words("тос"))],
                           "filter": [{"bool": {"must_not": [{"ids": {"values": ["a"]}}]}}]}}],
        "should": [{"constant_score": {"filter": {"terms": {"topics": ["ТОС"]}}, "boost": dsl.RELATED_TOPIC_BOOST}}],
    }}


def test_sorts_end_with_a_unique_tiebreak() -> None:
    assert dsl.sort_clause(plan(words("а"))) == [{"_score": "desc"}, {"id": "asc"}]
    assert dsl.sort_clause(plan(words("а"), sort="newest")) == [{"published": "desc"}, {"id": "asc"}]
    assert dsl.sort_clause(plan(words("а"), sort="deadline")) == [dsl.deadline_sort(TODAY), {"id": "asc"}]


def test_deadline_sort_puts_open_then_permanent_then_finished() -> None:
    script = dsl.deadline_sort(TODAY)["_script"]
    assert script["order"] == "asc" and script["type"] == "number"
    assert script["script"]["params"] == {"today": 20261127, "no_deadline": 99991231, "finished": ["closed", "expired"]}
    source = script["script"]["source"]
    # Keys: open dated < 1e9 (YYYYMMDD) < permanent (1e9 − published) < finished dated (2e9 − deadline) < finished undated.
    assert "return dated ? d : 1000000000L - p;" in source
    assert "return dated ? 2000000000L - d : 3000000000L - p;" in source


def test_pages_use_from_and_deep_pages_search_after() -> None:
    p = plan(words("а"), page=3, per_page=20, with_facets=False)
    body = dsl.search_body(p)
    assert (body["from"], body["size"], body["track_total_hits"], body["_source"]) == (40, 20, True, False)
    deep = dsl.search_body(p, size=500, search_after=[1.5, "x"])
    assert "from" not in deep and deep["search_after"] == [1.5, "x"] and deep["size"] == 500


def test_parse_facets_drops_unset_values_and_stringifies_years() -> None:
    aggs = {
        "status": {"values": {"buckets": [{"key": "open", "doc_count": 3}, {"key": "none", "doc_count": 2}]}},
        "issuer": {"values": {"buckets": [{"key": "", "doc_count": 5}]}},
        "year": {"values": {"buckets": [{"key": 2026, "doc_count": 4}, {"key": 0, "doc_count": 1}]}},
    }
    assert dsl.parse_facets(aggs) == {"status": [("open", 3)], "issuer": [], "year": [("2026", 4)]}


def test_vocabulary_escapes_the_prefix() -> None:
    body = dsl.vocabulary_body("Суб.си", 5)
    assert body["aggs"]["vocab"]["terms"] == {"field": "title_vocab", "include": "суб\\.си.*", "size": 5}


# -- index names, alias swaps, synonyms --------------------------------------


def test_index_names_are_timestamped_and_sortable() -> None:
    name = new_index_name("munnav-documents", dt.datetime(2026, 11, 27, 21, 5, 7, tzinfo=dt.UTC))
    assert re.fullmatch(r"munnav-documents-20261127210507-[0-9a-f]{6}", name)
    assert owned_indices("munnav-documents", [name, "munnav-documents-lock", "other-20261127210507-abcdef"]) == [name]


def test_two_previous_indexes_are_kept_and_newer_abandoned_ones_dropped() -> None:
    names = [f"m-2026010{i}000000-aaaaaa" for i in range(1, 7)]
    live = names[4]
    assert stale_indices("m", names, live) == [names[0], names[1], names[5]]
    assert previous_index("m", names, live) == names[3]
    assert previous_index("m", names, names[0]) is None


def test_alias_swap_is_one_remove_and_add_body() -> None:
    assert alias_swap_actions("m", ["m-old"], "m-new") == [
        {"remove": {"index": "m-old", "alias": "m"}},
        {"add": {"index": "m-new", "alias": "m", "is_write_index": True}},
    ]


def test_synonym_rules_are_written_in_lemmas() -> None:
    rules = parse_synonym_lines(
        ["мсу, местное самоуправление", "мо => мо, муниципальное образование", "одно", "а => а"], "municipal.txt"
    )
    fake_lemmas = {"местное": "местный", "образование": "образование", "муниципальное": "муниципальный"}
    out = lemma_synonym_rules(rules, lambda t: [fake_lemmas.get(w, w) for w in t.split()])
    assert out == [
        {"id": "municipal-txt-1", "synonyms": "мсу, местный самоуправление"},
        {"id": "municipal-txt-2", "synonyms": "мо => мо, муниципальный образование"},
    ]


def test_article_references_boost_the_article_key() -> None:
    parsed = words("ст", "14", "131-фз", act_numbers=("131-фз",))
    parsed = dataclasses.replace(parsed, articles=("131-фз:14",))
    should = dsl.text_query(parsed)["bool"]["must"][0]["bool"]["must"][0]["bool"]["should"]
    assert {"term": {"article": {"value": "131-фз:14", "boost": ARTICLE_BOOST}}} in should


def test_cites_filter_is_a_normalised_terms_filter_outside_the_facets() -> None:
    p = plan(words("дорога"), filters={"cites": ("131-ФЗ:17", "257-ФЗ")})
    body = dsl.search_body(p)
    assert {"terms": {"cites": ["131-фз:17", "257-фз"]}} in body["query"]["function_score"]["query"]["bool"]["filter"]
    assert "post_filter" not in body and "cites" not in body["aggs"]
    assert PROPS["cites"] == {"type": "keyword"}


def test_only_ids_restricts_to_the_chosen_documents() -> None:
    p = SearchPlan(SearchQuery(with_facets=False), words("тос"), TODAY, only_ids=("a", "b"))
    assert {"ids": {"values": ["a", "b"]}} in dsl.base_filters(p)
    assert all("ids" not in f for f in dsl.base_filters(plan(words("тос"))))
