import pytest

from search_app.analysis import get_analyzer
from search_app.analysis.query_parser import parse_query
from search_app.query import QueryError


def test_lemmas_keep_ne_and_fold_yo():
    a = get_analyzer()
    assert a.lemmas("Субсидии не предоставляются на учёт") == ["субсидия", "не", "предоставляться", "учет"]


def test_synonym_expansion_from_files():
    parsed = parse_query("ремонт ЖКХ", get_analyzer())
    alternatives = {alt for c in parsed.clauses for alt in c.alternatives}
    assert ("жилищный", "коммунальный", "хозяйство") in alternatives


def test_longest_synonym_match_wins():
    groups = get_analyzer().expand(["гис", "жкх"])
    assert groups[0][0] == ("гис", "жкх")


@pytest.mark.parametrize(
    ("text", "numbers"),
    [("131 фз", ("131-фз",)), ("федеральный закон 131", ("131-фз",)), ("закон № 131-ФЗ", ("131-фз",)),
     ("постановление 1710", ("1710",)), ("ремонт дорог 2025", ())],
)
def test_act_numbers_detected(text, numbers):
    assert parse_query(text, get_analyzer()).act_numbers == numbers


@pytest.mark.parametrize("text", ['"', "(", "-", "*", "\" ( - * )"])
def test_queries_without_words_are_errors(text):
    with pytest.raises(QueryError):
        parse_query(text, get_analyzer())


def test_phrase_and_exclusion():
    parsed = parse_query('"местное самоуправление" -москва', get_analyzer())
    assert parsed.phrases == (("местный", "самоуправление"),)
    assert parsed.excluded == ("москва",)


def test_query_of_only_stop_words_searches_them():
    assert parse_query("и в на", get_analyzer()).lemmas == ("и", "в", "на")
