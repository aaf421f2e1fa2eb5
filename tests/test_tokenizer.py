import pytest

from search_app.analysis.tokenizer import act_number_key, tokenize


@pytest.mark.parametrize("text", ["131-ФЗ", "131 фз", "ФЗ-131", "№ 131-фз", "131фз", "фз 131"])
def test_act_number_spellings_become_one_token(text):
    assert [t.text for t in tokenize(text)] == ["131-фз"]


def test_constitutional_law_and_decimals():
    assert [t.text for t in tokenize("2-ФКЗ ставка 12,5 процента")] == ["2-фкз", "ставка", "12,5", "процента"]


def test_yo_folded_and_spans_point_into_original():
    text = "Ёлочный базар"
    tokens = tokenize(text)
    assert [t.text for t in tokens] == ["елочный", "базар"]
    assert text[tokens[0].start : tokens[0].end] == "Ёлочный"


def test_words_with_fz_inside_are_not_act_numbers():
    assert [t.text for t in tokenize("фзы тфз 12")] == ["фзы", "тфз", "12"]


def test_act_number_key():
    assert act_number_key("131-ФЗ") == "131-фз"
    assert act_number_key("№ 1710") == "1710"
