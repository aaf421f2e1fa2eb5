"""Snippets: the passage with the most distinct query lemmas, found without reading the whole text."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ingest.document import Document
from ingest.jsonl import read_documents
from search_app.analysis.analyzer import get_analyzer
from search_app.highlight import (
    LEAD_CHARS,
    SCAN_CHARS,
    SNIPPET_CHARS,
    _cut,
    _word_start,
    make_snippet,
    matches,
)

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


def _reference_snippet(text: str, lemmas: frozenset[str]) -> str:
    """The exhaustive version: every match found, then the first best window."""
    analyzer = get_analyzer()
    text = " ".join(text[:SCAN_CHARS].split())
    tokens = [t for t in analyzer.analyze_tokens(text) if t.lemma in lemmas]
    if not tokens:
        return _cut(text, 0, SNIPPET_CHARS, tokens, lemmas)
    best, best_score = 0, -1
    for i in range(len(tokens)):
        end = tokens[i].start + SNIPPET_CHARS - LEAD_CHARS
        score = len({t.lemma for t in tokens[i:] if t.end <= end})
        if score > best_score:
            best, best_score = i, score
    start = _word_start(text, max(0, tokens[best].start - LEAD_CHARS))
    return _cut(text, start, SNIPPET_CHARS, tokens, lemmas)


def _texts() -> list[str]:
    docs = [d for path in sorted(SAMPLE.glob("*.jsonl")) for d in read_documents(path) if isinstance(d, Document)]
    return [d.body for d in docs if len(d.body) > 600][:80]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("size", [1, 2, 3, 5])
def test_early_stop_gives_the_exhaustive_snippet(size: int, seed: int) -> None:
    analyzer = get_analyzer()
    rng = random.Random(size * 100 + seed)
    texts = _texts()
    assert texts
    checked = 0
    for n, text in enumerate(texts):
        words = analyzer.lemmas(text)
        lemmas = set(rng.sample(words, min(size, len(words))))
        if seed == 2:  # a synonym's lemma the text lacks: no window can hold every lemma
            lemmas |= set(analyzer.lemmas(texts[n - 1])[:1]) - set(words)
        lemmas = frozenset(lemmas)
        got = make_snippet(text, analyzer, lemmas)
        assert got == _reference_snippet(text, lemmas)
        checked += "<mark>" in got
    assert checked > len(texts) // 2


def test_single_word_snippet_is_the_first_occurrence() -> None:
    analyzer = get_analyzer()
    text = "Вводная часть без совпадений. " * 40 + "Субсидия на ремонт дорог. " + "Ещё одна субсидия. " * 50
    snippet = make_snippet(text, analyzer, frozenset({"субсидия"}))
    assert snippet.count("<mark>") >= 1
    assert "<mark>Субсидия</mark> на ремонт дорог" in snippet


@pytest.mark.parametrize(
    "text",
    [
        "Субсидии 12.5 млн: субсидия по 131-ФЗ и ФЗ-131, субсидией — северо-западный округ.",
        "В 2024 году 12.2024 и 2024год: субсидия, СУБСИДИЯ, субсидиям; ёлка и елка.",
        "Северо-западный, западный; западные и ЗАПАДНЫЙ_2 западный.",
        "По ФЗ N 131 и 44-ФЗ субсидия; фз и n отдельно, ФКЗ-2 — западный закон.",
    ],
)
@pytest.mark.parametrize(
    "lemmas",
    [{"субсидия"}, {"2024"}, {"западный", "елка"}, {"131-фз", "субсидия"}, {"12,5"}, {"фз"}, {"n", "закон"}],
)
def test_matches_equal_full_tokenization(text: str, lemmas: set[str]) -> None:
    analyzer = get_analyzer()
    expected = [t for t in analyzer.analyze_tokens(text) if t.lemma in lemmas]
    assert matches(text, analyzer, frozenset(lemmas)) == expected
