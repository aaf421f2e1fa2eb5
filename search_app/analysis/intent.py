"""Which kinds of document the wording of a query asks for.

«как получить …» asks for a step-by-step solution, «закон о …» for a legal act,
«конкурс» for a competition. The kinds found are boosted, never required.
"""

from __future__ import annotations

_TRIGGERS: dict[str, tuple[str, ...]] = {
    "закон": ("legal_act",),
    "фз": ("legal_act",),
    "кодекс": ("legal_act",),
    "постановление": ("legal_act",),
    "указ": ("legal_act",),
    "распоряжение": ("legal_act",),
    "приказ": ("legal_act",),
    "статья": ("legal_act",),
    "норма": ("legal_act",),
    "конкурс": ("competition",),
    "отбор": ("competition",),
    "грант": ("competition", "measure"),
    "субсидия": ("measure",),
    "мера": ("measure",),
    "софинансирование": ("measure",),
    "практика": ("practice",),
    "опыт": ("practice",),
    "пример": ("practice",),
    "курс": ("course",),
    "обучение": ("course",),
    "квалификация": ("course",),
    "инструкция": ("solution",),
}
_HOW_WORDS = frozenset({"как", "что", "куда", "где", "чем", "какой"})


def detect_kinds(lemmas: tuple[str, ...], act_numbers: tuple[str, ...]) -> tuple[str, ...]:
    """Kinds the query's wording points to, in order of appearance."""
    kinds: dict[str, None] = {}
    if lemmas and lemmas[0] in _HOW_WORDS:
        kinds["solution"] = None
    if act_numbers:
        kinds["legal_act"] = None
    for lemma in lemmas:
        for kind in _TRIGGERS.get(lemma, ()):
            kinds.setdefault(kind, None)
    return tuple(kinds)
