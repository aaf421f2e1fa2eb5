"""Wrong keyboard layout and typos are recovered against the index vocabulary."""

import pytest

from search_app.query import QueryError, SearchQuery
from search_app.spelling.layout import switch_layout
from search_app.spelling.vocabulary import Vocabulary


def test_layout_switch_both_ways():
    assert switch_layout("uhfyn yrj") == "грант нко"
    assert switch_layout("k.lb") == "люди"
    assert switch_layout("пкфте") == "grant"
    assert switch_layout("44-фз") is None  # only whole one-layout chunks convert
    assert switch_layout("123") is None


def test_closest_prefers_fewer_edits_then_frequency():
    vocab = Vocabulary(forms={"гранты": 5, "грант": 9, "границы": 50}, lemmas={})
    assert vocab.closest("грнаты", 2) == "гранты"  # one transposition
    assert vocab.closest("зззззз", 2) is None


def test_wrong_layout_query_is_searched_converted(engine):
    result = engine.search(SearchQuery(text="rjyrehc njc"))  # «конкурс тос»
    assert result.searched_text == "конкурс тос"
    assert result.hits and result.hits[0].document.kind == "competition"


def test_typos_are_corrected_against_index_forms(engine):
    result = engine.search(SearchQuery(text="субсидя на благоустройтво"))
    assert result.searched_text == "субсидия на благоустройство"
    assert result.hits[0].id == "m-yards"


def test_verbatim_searches_as_typed(engine):
    result = engine.search(SearchQuery(text="субсидя на благоустройтво", verbatim=True))
    assert result.searched_text is None


def test_known_words_are_never_rewritten(engine):
    result = engine.search(SearchQuery(text="конкурс проектов"))
    assert result.searched_text is None and result.suggestion is None


@pytest.mark.parametrize("text", ["12345", "ТОСtos", "🙂 гранты", "ыыыыы ъъъъъ " * 40])
def test_odd_input_gives_an_answer_not_an_exception(engine, text):
    result = engine.search(SearchQuery(text=text[:500]))
    assert result.total >= 0


def test_a_stop_word_alone_is_a_clear_user_error(engine):
    with pytest.raises(QueryError, match="служебных слов"):
        engine.search(SearchQuery(text="я"))


def test_suggest_completes_last_word_and_offers_popular_queries(engine):
    for client in ("a", "b", "c"):  # several people typed it
        engine.record_query("Конкурс проектов ТОС", 3, client)
        engine.record_query("конкурс без результатов", 0, client)
    engine.flush_logs()  # as the flusher thread would within seconds
    items = engine.suggest("конкурс про")
    assert items[0] == {"text": "конкурс проектов тос", "kind": "query", "id": ""}
    assert "конкурс без результатов" not in [i["text"] for i in items]
    assert {"c-tos-open", "c-tos-closed"} <= {i["id"] for i in items}


def test_a_real_word_that_finds_nothing_is_completed_too(engine):
    items = engine.suggest("кон")  # «кон» is a word (a round of a game), and no title has it
    assert items[0] == {"text": "конкурс", "kind": "query", "id": ""}
    assert any(i["kind"] == "competition" for i in items)
    assert engine.suggest("конкурс")[0]["kind"] == "competition"  # a word that finds something stays as typed


def test_suggest_on_wrong_layout_and_junk(engine):
    assert engine.suggest("rjyrehc")[0]["kind"] == "competition"  # «конкурс»
    assert engine.suggest("") == []
    assert engine.suggest("x" * 500) == []


def test_suggest_completes_an_act_number_to_the_act(engine):
    items = engine.suggest("131")
    assert items[0]["id"] == "a-131" and items[0]["kind"] == "legal_act"
    assert engine.suggest("131-ф")[0]["id"] == "a-131"


@pytest.mark.parametrize("text", ["привет", "ghbdtn"])
def test_suggest_offers_nothing_that_finds_nothing(engine, text):
    assert engine.search(SearchQuery(text="привет", verbatim=True)).total == 0
    assert engine.suggest(text) == []


@pytest.mark.parametrize("text", ["благоу", "благоустройсв", ",kfujecnhjqcd"])
def test_suggest_completes_the_last_word_from_the_index_typo_and_layout_tolerant(engine, text):
    items = engine.suggest(text)
    completion = items[0]
    assert completion["kind"] == "query" and completion["text"].startswith("благоустройств")
    assert engine.search(SearchQuery(text=completion["text"], verbatim=True)).total > 0
    assert any(i["kind"] != "query" for i in items)  # and what it finds
