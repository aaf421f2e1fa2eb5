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


@pytest.mark.parametrize("text", ['"', "(", "-", "*", "\" ( - * )", "?!", "…"])
def test_punctuation_only_queries_say_so(text):
    with pytest.raises(QueryError, match="только знаки препинания"):
        parse_query(text, get_analyzer())


def test_phrase_and_exclusion():
    parsed = parse_query('"местное самоуправление" -москва', get_analyzer())
    assert parsed.phrases == (("местный", "самоуправление"),)
    assert parsed.excluded == ("москва",)


@pytest.mark.parametrize("text", ["и", "и в на", "Я"])
def test_query_of_only_stop_words_says_so_instead_of_nothing_found(text):
    # The index holds no stop words: «Ничего не найдено, проверьте опечатки» would mislead.
    with pytest.raises(QueryError, match="только из служебных слов"):
        parse_query(text, get_analyzer())


def test_weak_words_are_not_required_most_content_words_are():
    parsed = parse_query("как провести публичные слушания по бюджету", get_analyzer())
    assert [c.lemmas for c in parsed.content] == [("публичный", "слушание"), ("бюджет",)]
    # «как» neither decides the match nor ranks; «провести» after it is the action: it only ranks
    assert [c.lemmas for c in parsed.optional] == [("провести",)]
    assert parsed.required() == 1
    three = parse_query("паспортизация гидротехнических сооружений", get_analyzer())
    assert (three.required(), three.required(1), three.required(5)) == (2, 1, 1)
    # «закон 33»: the bare number also matches the act's written number
    parsed = parse_query("федеральный закон 33 о местном самоуправлении", get_analyzer())
    assert ("33-фз",) in next(c for c in parsed.clauses if c.lemmas == ("33",)).alternatives


@pytest.mark.parametrize(("words", "required"), [(1, 1), (2, 1), (3, 2), (4, 3), (5, 3), (6, 4), (8, 5)])
def test_most_content_words_are_required(words, required):
    from search_app.ranking import required_matches

    assert required_matches(words) == required
