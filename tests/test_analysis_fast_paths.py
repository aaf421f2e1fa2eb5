"""Index-time fast paths give exactly what the general analysis gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search_app.analysis.analyzer import get_analyzer
from search_app.analysis.tokenizer import token_texts, tokenize

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "data" / "sample"
TRICKY = [
    "131 ФЗ и ФЗ-131, № 131-фз, 131фз, 2-ФКЗ",
    "ставка 12.5 и 12,5 процента, версия 1.2.3",
    "Ёлка, ЁЖ и İstanbul Straße",
    "фзы тфз 12",
    "ст. 14 131-фз",
    "и в на",
    "",
]


def _sample_texts() -> list[str]:
    texts = list(TRICKY)
    for path in sorted(SAMPLE_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines()[:40]:
            doc = json.loads(line)
            texts += [doc.get("title", ""), doc.get("summary", ""), doc.get("body", "")]
    return texts


@pytest.mark.parametrize("text", TRICKY)
def test_token_texts_are_tokenize_texts(text: str) -> None:
    assert token_texts(text) == [t.text for t in tokenize(text)]


def test_lemmas_match_analyzed_tokens_on_the_sample() -> None:
    analyzer = get_analyzer()
    for text in _sample_texts():
        assert token_texts(text) == [t.text for t in tokenize(text)]
        assert analyzer.lemmas(text) == [t.lemma for t in analyzer.analyze_tokens(text) if not t.stop]
