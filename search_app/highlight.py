"""Snippets: original word forms matching the query lemmas wrapped in <mark>.

Done in Python on the original text, so every backend shows the same thing.
Everything that is not a <mark> is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape

from search_app.analysis.analyzer import AnalyzedToken, Analyzer
from search_app.analysis.tokenizer import (
    ACT_NUMBER_WORDS,
    locate_word,
    plain_token_pieces,
    token_spans,
)

SNIPPET_CHARS = 260
SCAN_CHARS = 20_000  # long texts (codes, consolidated acts) are scanned up to here
LEAD_CHARS = 60


def highlight_all(text: str, analyzer: Analyzer, lemmas: frozenset[str]) -> str:
    """The whole (short) text, escaped, with matches marked (titles)."""
    return _render(text, matches(text, analyzer, lemmas), lemmas, 0, len(text))


def make_snippet(
    text: str, analyzer: Analyzer, lemmas: frozenset[str], max_chars: int = SNIPPET_CHARS
) -> str:
    """The passage of ``text`` with the most distinct query lemmas (the first such), marked."""
    text = " ".join(text[:SCAN_CHARS].split())
    if not text:
        return ""
    # Only the tokens matching a lemma decide the passage and get a <mark>.
    tokens = _passage_matches(text, analyzer, lemmas, max_chars)
    if not tokens:
        return _cut(text, 0, max_chars, tokens, lemmas)
    best_start, best_score = 0, -1
    for i in range(len(tokens)):
        window_end = tokens[i].start + max_chars - LEAD_CHARS
        distinct = {t.lemma for t in tokens[i:] if t.end <= window_end}
        if len(distinct) > best_score:
            best_start, best_score = i, len(distinct)
    start = _word_start(text, max(0, tokens[best_start].start - LEAD_CHARS))
    return _cut(text, start, max_chars, tokens, lemmas)


def _passage_matches(text: str, analyzer: Analyzer, lemmas: frozenset[str], max_chars: int) -> list[AnalyzedToken]:
    """The matches ``make_snippet`` needs: all of them, or as far as the cut of the
    first window that holds every query lemma reaches (no later passage can beat it)."""
    out: list[AnalyzedToken] = []
    if not lemmas:
        return out
    window = max_chars - LEAD_CHARS
    stop_at: int | None = None
    first = 0  # earliest match whose window can still hold the newest one
    for tok in iter_matches(text, analyzer, lemmas):
        end = tok.end
        if stop_at is not None and end > stop_at:
            break
        out.append(tok)
        if stop_at is None:
            while out[first].start + window < end:
                first += 1
            if len({t.lemma for t in out[first:]}) == len(lemmas):
                # the cut starts at most LEAD_CHARS before its first match (or at 0)
                stop_at = max(max_chars, out[first].start + max_chars)
    return out


def matches(text: str, analyzer: Analyzer, lemmas: frozenset[str]) -> list[AnalyzedToken]:
    """``[t for t in analyzer.analyze_tokens(text) if t.lemma in lemmas]``, faster."""
    return list(iter_matches(text, analyzer, lemmas))


def iter_matches(text: str, analyzer: Analyzer, lemmas: frozenset[str]) -> Iterator[AnalyzedToken]:
    """``matches`` in order, found lazily: a snippet stops at its first full window.

    The tokens are listed by one regular expression, a piece of text at a time;
    only those that match are then located in the text. A query with a word that
    is not plain letters (a number, an act number) takes the full tokenizer.
    """
    if not lemmas:
        return
    plain = None
    if all(lemma.isalpha() and lemma not in ACT_NUMBER_WORDS for lemma in lemmas):
        plain = plain_token_pieces(text, acts_matter=False)
    if plain is None:
        for token, start, end in token_spans(text):
            lemma, stop = analyzer.token_lemma(token)
            if lemma in lemmas:
                yield AnalyzedToken(lemma, start, end, stop)
        return
    folded, pieces = plain
    pos = 0
    for tokens in pieces:
        for token in analyzer.matching(tokens, lemmas):
            lemma, stop = analyzer.token_lemma(token)
            # An alphabetic lemma comes only from an alphabetic token, which is
            # a whole word of the folded text: it is always found.
            start = locate_word(folded, token, pos)
            pos = start + len(token)
            yield AnalyzedToken(lemma, start, pos, stop)


def _cut(text: str, start: int, max_chars: int, tokens: list[AnalyzedToken], lemmas: frozenset[str]) -> str:
    end = min(len(text), start + max_chars)
    if end < len(text):
        space = text.rfind(" ", start, end)
        if space > start:
            end = space
    body = _render(text, tokens, lemmas, start, end)
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


def _render(text: str, tokens: list[AnalyzedToken], lemmas: frozenset[str], start: int, end: int) -> str:
    out: list[str] = []
    pos = start
    for tok in tokens:
        if tok.start < start or tok.end > end or tok.lemma not in lemmas:
            continue
        out.append(escape(text[pos : tok.start]))
        out.append(f"<mark>{escape(text[tok.start : tok.end])}</mark>")
        pos = tok.end
    out.append(escape(text[pos:end]))
    return "".join(out)


def _word_start(text: str, pos: int) -> int:
    if pos <= 0:
        return 0
    space = text.find(" ", pos)
    return space + 1 if 0 <= space < pos + 30 else pos
