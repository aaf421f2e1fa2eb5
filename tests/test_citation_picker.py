"""The citation picker: free text → a citation, checked against the acts in the base."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.document import Cite
from search_app.consultations.picker import CitationError, check_citation, parse_citation
from search_app.web.act_index import ActEntry, choose
from search_app.web.acts import ActRef, normalize_number

ACTS = {
    "131-ФЗ": [ActEntry("act-0001", "Федеральный закон № 131-ФЗ", "Федеральный закон", dt.date(2003, 10, 6), "expired")],
    "257-ФЗ": [ActEntry("act-0018", "Федеральный закон № 257-ФЗ", "Федеральный закон", dt.date(2007, 11, 8), "in_force")],
    "7-ФЗ": [ActEntry("act-0011", "О некоммерческих организациях", "Федеральный закон", None, "in_force"),
             ActEntry("act-0022", "Об охране окружающей среды", "Федеральный закон", None, "in_force")],
    "1710": [ActEntry("act-0052", "Постановление № 1710", "Постановление Правительства РФ", None, "in_force")],
}


def find(ref: ActRef) -> list[ActEntry]:
    return choose(ref, ACTS.get(normalize_number(ref.number), []))


@pytest.mark.parametrize(("text", "cite"), [
    ("ст. 17 131-ФЗ", Cite("131-ФЗ", "17")),
    ("131-фз, статья 26.1", Cite("131-фз", "26.1")),
    ("статья 13 Федерального закона от 08.11.2007 № 257-ФЗ", Cite("257-ФЗ", "13")),
    ("постановление № 1710", Cite("1710")),
    ("1042/пр", Cite("1042/пр")),
])
def test_parse_citation(text: str, cite: Cite) -> None:
    assert parse_citation(text) == cite


def test_text_without_a_number_is_refused_with_a_hint() -> None:
    with pytest.raises(CitationError, match="ст. 17 131-ФЗ"):
        parse_citation("статья о дорогах")


def test_checks_flag_missing_lapsed_and_ambiguous_acts() -> None:
    checks = [check_citation(parse_citation(t), find) for t in ("ст. 13 257-ФЗ", "ст. 17 131-ФЗ", "7-ФЗ", "999-ФЗ")]
    assert [(c.level, c.accepted) for c in checks] == [("ok", True), ("warn", True), ("warn", True), ("danger", False)]
    assert checks[0].message == "ст. 13, 257-ФЗ: Федеральный закон № 257-ФЗ"
    assert "утратил силу" in checks[1].message and checks[1].act_ids == ("act-0001",)
    assert "2 акта" in checks[2].message
    assert checks[3].message == "999-ФЗ: такого акта нет в базе — проверьте номер."
