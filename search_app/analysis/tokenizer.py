"""Tokenizer: lowercase, ё→е, act numbers and decimals kept whole.

Every spelling of a federal-law number (``131-ФЗ``, ``131 фз``, ``ФЗ-131``,
``№ 131-фз``, ``131фз``) becomes one token ``131-фз`` (``-фкз`` likewise).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

ACT_SUFFIXES = ("фкз", "фз")

_ACT_AFTER = r"(?P<num1>\d{1,4}(?:-\d{1,3})?)\s*-?\s*(?P<suf1>фкз|фз)(?![^\W_])"
_ACT_BEFORE = r"(?P<suf2>фкз|фз)\s*-?\s*(?:№|n)?\s*(?P<num2>\d{1,4})(?![^\W_]|-\d)"
_DECIMAL = r"\d+(?:[.,]\d+)+"
_WORD = r"[^\W_]+"
_TOKEN_RE = re.compile(
    rf"(?<![^\W_])(?:{_ACT_AFTER}|{_ACT_BEFORE})|(?P<dec>{_DECIMAL})|(?P<word>{_WORD})",
    re.UNICODE,
)
# The same tokens for a text without «фз»/«фкз», where no act number can match.
_PLAIN_TOKEN_RE = re.compile(rf"{_DECIMAL}|{_WORD}", re.UNICODE)
_ACT_ENDINGS = tuple("-" + s for s in ACT_SUFFIXES)
# Punctuation that may surround a word; none of it is a word character (checked in tests).
_EDGE_PUNCTUATION = ".,;:!?()[]{}«»\"'„“”‘’—–-/\\…*_%№#+=<>|~`^&@$"


@dataclass(frozen=True, slots=True)
class Token:
    """A normalised token with its span in the original text."""

    text: str
    start: int
    end: int

    @property
    def is_act_number(self) -> bool:
        return self.text.endswith(_ACT_ENDINGS) and self.text[0].isdigit()


def normalize(text: str) -> str:
    """Lowercase and fold ё to е (same length, so spans stay valid)."""
    return text.lower().replace("ё", "е")


def _fold(text: str) -> str:
    folded = normalize(text)
    if len(folded) != len(text):  # exotic case-folding changed length: fall back per char
        folded = "".join(normalize(ch)[:1] or ch for ch in text)
    return folded


def tokenize(text: str) -> list[Token]:
    """Split text into normalised tokens, keeping offsets into ``text``."""
    return _tokens(_fold(text))


def _tokens(folded: str) -> list[Token]:
    tokens: list[Token] = []
    for m in _TOKEN_RE.finditer(folded):
        kind = m.lastgroup
        if kind == "word":
            value = m.group()
        elif kind == "dec":
            value = m.group().replace(".", ",")
        elif m.group("num1"):
            value = f"{m.group('num1')}-{m.group('suf1')}"
        else:
            value = f"{m.group('num2')}-{m.group('suf2')}"
        tokens.append(Token(value, m.start(), m.end()))
    return tokens


def token_texts(text: str) -> list[str]:
    """``[t.text for t in tokenize(text)]``, faster (index-time analysis of long texts).

    Only a piece containing «фз»/«фкз» can hold an act number; the rest is
    split by a plain word/decimal pattern. Pieces end at ". ", which no token
    spans (a decimal needs a digit after its dot; an act number has no dot).
    """
    folded = _fold(text)
    if "фз" not in folded and "фкз" not in folded:
        return _plain_texts(folded)
    out: list[str] = []
    for piece in folded.split(". "):
        if "фз" in piece or "фкз" in piece:
            out += [t.text for t in _tokens(piece)]
        else:
            out += _plain_texts(piece)
    return out


def token_spans(text: str) -> list[tuple[str, int, int]]:
    """``[(t.text, t.start, t.end) for t in tokenize(text)]``, faster (same pieces as ``token_texts``)."""
    folded = _fold(text)
    if "фз" not in folded and "фкз" not in folded:
        return _plain_spans(folded, 0)
    out: list[tuple[str, int, int]] = []
    offset = 0
    for piece in folded.split(". "):
        if "фз" in piece or "фкз" in piece:
            out += [(t.text, t.start + offset, t.end + offset) for t in _tokens(piece)]
        else:
            out += _plain_spans(piece, offset)
        offset += len(piece) + 2
    return out


# Alphabetic tokens that an act number can swallow («фз», «фкз», «n» in «ФЗ N 131»).
ACT_NUMBER_WORDS = frozenset({*ACT_SUFFIXES, "n"})


def plain_token_pieces(
    text: str, acts_matter: bool = True, piece_chars: int = 256
) -> tuple[str, Iterator[list[str]]] | None:
    """The folded text and its token texts piece by piece (cut at spaces, so no
    token is split), for callers that may stop early; None when the text may hold
    an act number and ``acts_matter``. Without act numbers the texts are those of
    ``token_texts``; with them, every alphabetic token outside ACT_NUMBER_WORDS is
    still the same."""
    folded = _fold(text)
    if acts_matter and ("фз" in folded or "фкз" in folded):
        return None
    return folded, _pieces(folded, piece_chars)


def _pieces(folded: str, piece_chars: int) -> Iterator[list[str]]:
    start, end = 0, len(folded)
    while start < end:
        cut = folded.find(" ", start + piece_chars)
        stop = end if cut < 0 else cut
        yield _plain_texts(folded[start:stop])
        start = stop



def locate_word(folded: str, word: str, pos: int) -> int:
    """Where alphabetic token ``word`` next occurs as a whole token at or after ``pos``, or -1."""
    end = len(folded)
    while True:
        i = folded.find(word, pos)
        if i < 0:
            return -1
        j = i + len(word)
        if (i == 0 or not folded[i - 1].isalnum()) and (j == end or not folded[j].isalnum()):
            return i
        pos = i + 1


def _plain_spans(folded: str, offset: int) -> list[tuple[str, int, int]]:
    out = []
    for m in _PLAIN_TOKEN_RE.finditer(folded):
        value = m.group()
        out.append((value.replace(".", ",") if "." in value else value, m.start() + offset, m.end() + offset))
    return out


def _plain_texts(folded: str) -> list[str]:
    # No token spans whitespace, so the text is split first and only the pieces
    # that are not one plain word go through the expression (-25% per text). A
    # word with punctuation around it («слово,», «(мсу)») is one word once the
    # punctuation is stripped: _EDGE_PUNCTUATION holds no word character.
    findall = _PLAIN_TOKEN_RE.findall
    out: list[str] = []
    add = out.append
    for piece in folded.split():
        if piece.isalpha():
            add(piece)
        elif (word := piece.strip(_EDGE_PUNCTUATION)).isalpha():
            add(word)
        else:
            for t in findall(piece):
                add(t.replace(".", ",") if "." in t else t)
    return out


def act_number_key(raw: str) -> str:
    """Normalise a ``doc_number`` field value (``131-ФЗ`` → ``131-фз``, ``№ 1710`` → ``1710``)."""
    tokens = tokenize(raw)
    if len(tokens) == 1:
        return tokens[0].text
    return "-".join(t.text for t in tokens)
