"""One contract, every backend: same documents, same queries, same answers."""

from __future__ import annotations

from search_app.engine import SearchEngine
from search_app.query import SearchQuery, SearchResult

NEWEST = ["c-nko", "c-open", "k-spaces", "c-overdue", "m-yards", "c-closed", "p-yard", "a-131"]


def search(engine: SearchEngine, text: str = "", **kw: object) -> SearchResult:
    return engine.search(SearchQuery(text=text, verbatim=True, **kw))  # type: ignore[arg-type]


def ids(result: SearchResult) -> list[str]:
    return [h.id for h in result.hits]


def facet(result: SearchResult, name: str) -> dict[str, tuple[int, bool]]:
    return {v.value: (v.count, v.selected) for v in result.facets[name]}


def test_index_holds_every_document(contract_engine: SearchEngine) -> None:
    assert contract_engine.backend.count() == len(NEWEST)


def test_act_number_comes_first(contract_engine: SearchEngine) -> None:
    assert ids(search(contract_engine, "131 фз"))[0] == "a-131"


def test_hits_and_total(contract_engine: SearchEngine) -> None:
    result = search(contract_engine, "конкурс")
    assert result.total == 4
    assert set(ids(result)) == {"c-open", "c-closed", "c-overdue", "c-nko"}


def test_finished_twin_is_demoted_below_the_open_one(contract_engine: SearchEngine) -> None:
    order = ids(search(contract_engine, "конкурс благоустройства дворов"))
    assert order.index("c-open") < order.index("c-closed")


def test_open_now_hides_closed_and_overdue(contract_engine: SearchEngine) -> None:
    assert set(ids(search(contract_engine, "конкурс", open_now=True))) == {"c-open", "c-nko"}


def test_disjunctive_facet_counts(contract_engine: SearchEngine) -> None:
    result = search(contract_engine, "конкурс", filters={"regions": ("Вологодская область",)}, with_federal=False)
    assert set(ids(result)) == {"c-open", "c-closed"} and result.total == 2
    assert facet(result, "regions") == {
        "Вологодская область": (2, True), "Пермский край": (1, False), "Российская Федерация": (1, False),
    }
    assert facet(result, "kind") == {"competition": (2, False)}
    assert facet(result, "status") == {"closed": (1, False), "open": (1, False)}
    assert facet(result, "year") == {"2026": (1, False), "2025": (1, False)}


def test_or_within_a_facet_and_across_facets(contract_engine: SearchEngine) -> None:
    query = {"regions": ("Вологодская область", "Пермский край"), "status": ("open",)}
    result = search(contract_engine, "конкурс", filters=query, with_federal=False)
    assert set(ids(result)) == {"c-open", "c-overdue"}
    assert facet(result, "status") == {"open": (2, True), "closed": (1, False)}


def test_a_region_filter_keeps_federal_documents_after_the_regions_own(contract_engine: SearchEngine) -> None:
    result = search(contract_engine, "конкурс", filters={"regions": ("Вологодская область",)})
    found = ids(result)
    assert set(found) == {"c-open", "c-closed", "c-nko"} and result.total == 3
    assert found[-1] == "c-nko"  # the federal one after the region's own, the closed one included
    assert facet(result, "kind") == {"competition": (3, False)}
    federal = search(contract_engine, "конкурс", filters={"regions": ("Российская Федерация",)})
    assert ids(federal) == ["c-nko"]


def test_empty_text_lists_newest_first(contract_engine: SearchEngine) -> None:
    assert ids(search(contract_engine, per_page=20)) == NEWEST


def test_deadline_sort(contract_engine: SearchEngine) -> None:
    # Open by nearest deadline, then permanent, then finished (latest deadline first): closed never before open.
    assert ids(search(contract_engine, "конкурс", sort="deadline")) == ["c-open", "c-nko", "c-overdue", "c-closed"]
    page = search(contract_engine, "конкурс", sort="deadline", per_page=3, page=2)
    assert ids(page) == ["c-closed"] and page.total == 4


def test_pagination_walks_the_same_order(contract_engine: SearchEngine) -> None:
    pages = [search(contract_engine, per_page=3, page=p, with_facets=False) for p in (1, 2, 3, 4)]
    assert [r.total for r in pages] == [8, 8, 8, 8]
    assert [ids(r) for r in pages] == [NEWEST[0:3], NEWEST[3:6], NEWEST[6:8], []]


def test_phrase_and_exclusion(contract_engine: SearchEngine) -> None:
    assert set(ids(search(contract_engine, '"благоустройство дворов"'))) == {"c-open", "c-closed"}
    assert set(ids(search(contract_engine, "конкурс -ТОС"))) == {"c-open", "c-closed", "c-nko"}


def test_amount_and_year_ranges(contract_engine: SearchEngine) -> None:
    assert ids(search(contract_engine, amount_from=1_000_000)) == ["m-yards"]
    assert ids(search(contract_engine, year_from=2026, per_page=20)) == ["c-nko", "c-open", "k-spaces"]


def test_related_excludes_the_document_itself(contract_engine: SearchEngine) -> None:
    related = [d.id for d in contract_engine.related("c-open")]
    assert "c-open" not in related and related[0] == "c-closed"


def test_deletion_removes_from_results(contract_engine: SearchEngine) -> None:
    contract_engine.remove_from_index(["c-nko"])
    assert "c-nko" not in ids(search(contract_engine, "конкурс"))
    assert contract_engine.backend.count() == len(NEWEST) - 1


def test_among_chosen_ids(contract_engine: SearchEngine) -> None:
    """A saved search is matched against new documents only (``only_ids``)."""
    chosen = ["c-open", "c-closed", "m-yards", "a-131", "missing"]
    assert set(contract_engine.among(SearchQuery(text="благоустройство"), chosen)) == {"c-open", "c-closed", "m-yards"}
    open_competitions = SearchQuery(filters={"kind": ("competition",)}, open_now=True)
    assert contract_engine.among(open_competitions, chosen) == ["c-open"]
    assert contract_engine.among(open_competitions, []) == []
    many = [f"x-{i}" for i in range(250)] + ["c-nko"]  # past one page of ids
    assert contract_engine.among(open_competitions, many) == ["c-nko"]
