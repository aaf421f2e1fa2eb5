"""The embedded engine end to end over the small core corpus."""

import pytest

from search_app.query import QueryError, SearchQuery


def ids(result):
    return [h.id for h in result.hits]


def facet(result, name):
    return {v.value: (v.count, v.selected) for v in result.facets[name]}


@pytest.mark.parametrize("text", ["131 фз", "131-ФЗ", "ФЗ-131", "федеральный закон 131", "закон № 131-фз", "131фз"])
def test_act_number_spellings_find_the_act_first(engine, text):
    assert ids(engine.search(SearchQuery(text=text)))[0] == "a-131"


def test_morphology_matches_other_word_forms(engine):
    assert "m-yards" in ids(engine.search(SearchQuery(text="субсидиями благоустройству дворовой территории")))


def test_finished_competition_ranks_below_open_twin(engine):
    order = ids(engine.search(SearchQuery(text="конкурс проектов ТОС")))
    assert order.index("c-tos-open") < order.index("c-tos-closed")


def test_open_now_hides_finished(engine):
    found = ids(engine.search(SearchQuery(text="конкурс ТОС", open_now=True)))
    assert "c-tos-open" in found and "c-tos-closed" not in found


def test_facets_are_disjunctive(engine):
    query = SearchQuery(text="конкурс", filters={"regions": ("Вологодская область",)}, with_federal=False)
    result = engine.search(query)
    assert set(ids(result)) == {"c-tos-open", "c-tos-closed"}
    regions = facet(result, "regions")
    # The region facet ignores its own selection; kind counts respect it.
    assert regions["Вологодская область"] == (2, True)
    assert regions["Пермский край"] == (1, False)
    assert regions["Российская Федерация"] == (2, False)  # c-nko and s-tos (step text)
    assert facet(result, "kind") == {"competition": (2, False)}


def test_two_values_of_one_facet_are_ored_and_facets_anded(engine):
    query = SearchQuery(text="конкурс", filters={"regions": ("Вологодская область", "Пермский край"), "status": ("open",)},
                        with_federal=False)
    assert set(ids(engine.search(query))) == {"c-tos-open", "c-perm"}


def test_selected_value_without_hits_still_listed(engine):
    result = engine.search(SearchQuery(text="конкурс", filters={"regions": ("Тверская область",)}, with_federal=False))
    assert result.total == 0
    assert facet(result, "regions")["Тверская область"] == (0, True)


def test_federal_scope_applies_in_every_region_after_the_regions_own(engine):
    result = engine.search(SearchQuery(text="гранты", filters={"regions": ("Пермский край",)}))
    found = ids(result)
    assert found[0] == "c-perm" and "c-nko" in found  # federal kept, after the region's own
    assert result.total == len(found)
    assert facet(result, "kind")["competition"][0] == sum(1 for i in found if i.startswith("c-"))
    strict = engine.search(SearchQuery(text="гранты", filters={"regions": ("Пермский край",)}, with_federal=False))
    assert ids(strict) == ["c-perm"]
    federal = engine.search(SearchQuery(text="гранты", filters={"regions": ("Российская Федерация",)}))
    assert "c-perm" not in ids(federal) and "c-nko" in ids(federal)


def test_year_filter_and_range(engine):
    assert ids(engine.search(SearchQuery(text="закон", filters={"year": ("2003",)}))) == ["a-131"]
    result = engine.search(SearchQuery(text="закон", year_from=1990, year_to=2000))
    assert ids(result) == ["a-old"]


def test_sort_by_deadline_and_newest(engine):
    by_deadline = ids(engine.search(SearchQuery(text="конкурс", sort="deadline")))
    assert by_deadline[:3] == ["c-tos-open", "c-perm", "c-nko"]  # open ones by nearest deadline
    assert by_deadline[-1] == "c-tos-closed"  # closed never before open
    newest = ids(engine.search(SearchQuery(text="конкурс", sort="newest")))
    assert newest[0] == "c-nko"


def test_pagination_with_total(engine):
    first = engine.search(SearchQuery(text="конкурс", per_page=2, page=1))
    second = engine.search(SearchQuery(text="конкурс", per_page=2, page=2))
    assert first.total == second.total == 5
    assert len(first.hits) == len(second.hits) == 2
    assert not set(ids(first)) & set(ids(second))


def test_amount_range(engine):
    found = ids(engine.search(SearchQuery(text="благоустройство", amount_from=1_000_000)))
    assert found == ["m-yards"]


def test_snippets_mark_original_forms_and_escape(engine):
    result = engine.search(SearchQuery(text="дворы"))
    hit = next(h for h in result.hits if h.id == "m-yards")
    assert "<mark>дворовых</mark>" in hit.snippet or "<mark>дворов</mark>" in hit.snippet


def test_countdown_and_finished_flags(engine):
    result = engine.search(SearchQuery(text="конкурс проектов ТОС"))
    by_id = {h.id: h for h in result.hits}
    assert by_id["c-tos-open"].days_left == 12
    assert by_id["c-tos-closed"].finished is True
    assert by_id["c-tos-closed"].days_left is None


def test_empty_text_browses_newest_first(engine):
    result = engine.search(SearchQuery(text="", filters={"kind": ("competition",)}))
    assert ids(result)[0] == "c-nko"
    assert result.total == 4


def test_related_documents(engine):
    related = [d.id for d in engine.related("s-tos")]
    assert related[:3] == ["a-131", "c-tos-open", "c-tos-closed"]
    assert "s-tos" not in related


@pytest.mark.parametrize(
    "query",
    [SearchQuery(text="x" * 10_000), SearchQuery(text="грант", page=0), SearchQuery(text="грант", sort="xyz"),
     SearchQuery(text="грант", filters={"kind": ("unknown",)}), SearchQuery(text='" ( - *')],
)
def test_bad_queries_raise_query_error(engine, query):
    with pytest.raises(QueryError):
        engine.search(query)


def test_reimport_is_idempotent_and_reindex_rebuilds(engine):
    from ingest.document import Document
    from ingest.outcome import Outcome
    from tests.conftest import CORE_DOCS

    report = engine.import_documents(Document.from_dict(d) for d in CORE_DOCS)
    assert report.counts[Outcome.UNCHANGED] == len(CORE_DOCS) and report.indexed == 0
    engine.reindex()
    assert engine.backend.count() == len(CORE_DOCS)
    assert ids(engine.search(SearchQuery(text="131 фз")))[0] == "a-131"


# -- match semantics (issue 17) -----------------------------------------------


def _add(engine, *docs):
    from ingest.document import Document

    engine.import_documents(Document.from_dict({"kind": "practice", "regions": ["Вологодская область"], **d}) for d in docs)


def test_a_multi_word_synonym_matches_as_a_phrase_never_word_by_word(engine):
    _add(engine, {"id": "p-words", "title": "Социальный контракт",
                  "summary": "Общественный совет района и органы местного самоуправления территориального уровня."})
    found = ids(engine.search(SearchQuery(text="ТОС", per_page=50)))
    assert "s-tos" in found and "c-tos-open" in found
    assert "p-words" not in found  # «территориального», «общественный», «самоуправления» apart


def test_most_of_several_content_words_are_required(engine):
    _add(engine,
         {"id": "p-three", "title": "Паспортизация гидротехнических сооружений", "summary": "Опыт района."},
         {"id": "p-two", "title": "Паспортизация гидротехнических объектов", "summary": "Опыт района."},
         {"id": "p-two-b", "title": "Гидротехнические сооружения поселения", "summary": "Опыт района."},
         {"id": "p-one", "title": "Ремонт сооружений", "summary": "Опыт поселения."},
         {"id": "p-none", "title": "Дорожный фонд", "summary": "Ремонт дорог поселения."},
         {"id": "p-fill-1", "title": "Школьный автобус", "summary": "Подвоз детей."},
         {"id": "p-fill-2", "title": "Сельский клуб", "summary": "Культура на селе."})
    result = engine.search(SearchQuery(text="паспортизация гидротехнических сооружений", per_page=50))
    found = ids(result)
    assert set(found) == {"p-three", "p-two", "p-two-b"}  # three or two of three; one of three is no match
    assert result.total == len(found) == sum(v.count for v in result.facets["kind"])
    assert not result.relaxed and result.notices == []


def test_a_tiny_strict_set_is_relaxed_with_a_notice(engine):
    result = engine.search(SearchQuery(text="ремонт дворов космодром байконур"))
    assert result.relaxed and "p-yard" in ids(result)
    assert result.notices == ["Точных совпадений нет — показаны документы, содержащие часть слов."]
    assert result.to_dict()["relaxed"] is True


def test_common_words_rank_but_do_not_decide_the_match(engine):
    from search_app.analysis.query_parser import parse_query, with_common_words

    parsed = with_common_words(parse_query("закон благоустройство", engine.analyzer), {"закон"}.__contains__)
    assert [c.lemmas for c in parsed.content] == [("благоустройство",)]
    assert [c.lemmas for c in parsed.optional] == [("закон",)]
    both = with_common_words(parse_query("закон благоустройство", engine.analyzer), lambda lemma: True)
    assert len(both.content) == 2  # nothing rarer: the common words decide after all


def test_a_how_to_title_on_another_subject_does_not_outrank_the_subject(engine):
    _add(engine,
         {"id": "s-volunteers", "kind": "solution", "title": "Как создать муниципальный волонтёрский центр",
          "summary": "Пошаговая инструкция: создать центр, найти помещение."},
         {"id": "p-tos", "title": "ТОС в посёлке Шексна: как жители создали ТОС и благоустроили сквер",
          "summary": "Территориальное общественное самоуправление провело субботники и выиграло грант ТОС."})
    found = ids(engine.search(SearchQuery(text="как создать ТОС", per_page=20)))
    assert found[0] == "s-tos" and "p-tos" in found
    # «создать» after «как» is the action a solution describes, not the subject
    assert "s-volunteers" not in found
