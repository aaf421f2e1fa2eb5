"""Index-time fast paths give exactly what the general analysis gives."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ingest.document import Document
from search_app.analysis.analyzer import get_analyzer
from search_app.analysis.tokenizer import (
    _EDGE_PUNCTUATION,
    ACT_NUMBER_WORDS,
    plain_token_pieces,
    token_spans,
    token_texts,
    tokenize,
)
from search_app.highlight import matches
from search_app.index_document import build_index_document

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "data" / "sample"
TRICKY = [
    "131 ФЗ и ФЗ-131, № 131-фз, 131фз, 2-ФКЗ",
    "ставка 12.5 и 12,5 процента, версия 1.2.3",
    "Ёлка, ЁЖ и İstanbul Straße",
    "фзы тфз 12",
    "ст. 14 131-фз",
    "и в на",
    "",
    "«кавычки» (МСУ), т.е. слово_слово a1b 2024год\tтаб\nстрока\xa0неразрывный 3,14. конец.",
    "—тире— ...многоточие 1.2.,3 5,.6 ЖКХ/ТКО",
    "(слово), «мсу»; [131-фз] -12.5- «2024» _подчёрк_ №5 %проц% слово.слово ‘ёж’ …ёлка…",
]


def _sample_texts() -> list[str]:
    texts = list(TRICKY)
    for path in sorted(SAMPLE_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines()[:40]:
            doc = json.loads(line)
            texts += [doc.get("title", ""), doc.get("summary", ""), doc.get("body", "")]
    return texts


def test_stripped_punctuation_holds_no_word_character() -> None:
    # A word stripped of this punctuation is the token the expression finds.
    assert not [ch for ch in _EDGE_PUNCTUATION if re.fullmatch(r"[^\W_]", ch)]


@pytest.mark.parametrize("text", TRICKY)
def test_token_texts_are_tokenize_texts(text: str) -> None:
    assert token_texts(text) == [t.text for t in tokenize(text)]


def test_lemmas_match_analyzed_tokens_on_the_sample() -> None:
    analyzer = get_analyzer()
    for text in _sample_texts():
        assert token_texts(text) == [t.text for t in tokenize(text)]
        assert analyzer.lemmas(text) == [t.lemma for t in analyzer.analyze_tokens(text) if not t.stop]


def _reference_fields(doc: Document) -> dict[str, str]:
    """What build_index_document computed before it reused tokens across fields."""
    analyzer = get_analyzer()
    steps = " ".join(f"{s.title} {s.text}" for s in doc.steps)
    steps = f"{steps} {doc.answer}".strip()  # a consultation's answer reads as its body
    lead = f"{doc.summary} {doc.question}".strip()  # and its question as its summary
    joined = f"{doc.title} {lead} {doc.body} {steps}"
    return {
        "title": analyzer.lemma_text(doc.title),
        "summary": analyzer.lemma_text(lead),
        "body": analyzer.lemma_text(f"{doc.body} {steps}"),
        "forms": " ".join(dict.fromkeys(t.text for t in tokenize(joined) if t.text.isalpha())),
    }


@pytest.mark.parametrize(
    ("title", "summary", "body"),
    [
        ("Закон № 131", "ФЗ об общих принципах", "текст"),  # an act number across title and summary
        ("Изменения в ФЗ", "№ 44 о закупках", ""),
        ("Закон 131", "", "фз и 2.5 процента"),  # empty summary: title meets body
        ("Субсидия", "—", "ФЗ-131 и 44-фз"),
        ("Грант ТОС", "на благоустройство", "дворов и скверов"),
        ("Поправки в фз n", "131 от 2003 года", "текст"),
        ("Поправки в ФЗ №", "131", "текст"),
        ("Конкурс 2027", "фкз о правительстве", "текст"),
        ("Конкурс 2027", "гранты", "2 ФКЗ"),
    ],
)
def test_index_fields_match_the_reference_analysis(title: str, summary: str, body: str) -> None:
    doc = Document(id="x", kind="measure", title=title, summary=summary, body=body)
    fields = build_index_document(doc, get_analyzer())
    assert {k: fields[k] for k in ("title", "summary", "body", "forms")} == _reference_fields(doc)


def test_index_fields_match_the_reference_on_the_sample() -> None:
    for path in sorted(SAMPLE_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines()[:40]:
            doc = Document.from_dict(json.loads(line))
            fields = build_index_document(doc, get_analyzer())
            assert {k: fields[k] for k in ("title", "summary", "body", "forms")} == _reference_fields(doc), doc.id


def test_token_spans_and_highlight_matches_agree_with_full_analysis() -> None:
    analyzer = get_analyzer()
    for text in _sample_texts():
        assert token_spans(text) == [(t.text, t.start, t.end) for t in tokenize(text)]
        tokens = analyzer.analyze_tokens(text)
        lemmas = frozenset(t.lemma for t in tokens[::7]) | {"131-фз", "и"}
        assert matches(text, analyzer, lemmas) == [t for t in tokens if t.lemma in lemmas]


def test_lazy_matches_of_plain_words_agree_with_full_analysis() -> None:
    analyzer = get_analyzer()
    long_texts = [t for t in _sample_texts() if len(t) > 600]
    assert len(long_texts) > 20  # several pieces per text
    for text in _sample_texts():
        tokens = analyzer.analyze_tokens(text)
        lemmas = frozenset(t.lemma for t in tokens[::5] if t.lemma.isalpha() and t.lemma not in ACT_NUMBER_WORDS)
        lemmas |= {"и", "в"}  # stop words are marked too when a query names them
        assert matches(text, analyzer, lemmas) == [t for t in tokens if t.lemma in lemmas]


@pytest.mark.parametrize("piece_chars", [1, 7, 64, 10_000])
def test_text_pieces_hold_the_same_tokens(piece_chars: int) -> None:
    checked = 0
    for text in _sample_texts():
        plain = plain_token_pieces(text, acts_matter=True, piece_chars=piece_chars)
        if plain is None:  # may hold an act number: the full tokenizer decides
            continue
        assert [t for piece in plain[1] for t in piece] == token_texts(text)
        checked += 1
    assert checked > 100
