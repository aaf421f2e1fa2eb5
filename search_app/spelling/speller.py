"""Decide how a query should be rewritten: layout switch or typo correction."""

from __future__ import annotations

from dataclasses import dataclass

from search_app.analysis.analyzer import Analyzer
from search_app.analysis.tokenizer import tokenize
from search_app.spelling.layout import switch_layout
from search_app.spelling.vocabulary import Vocabulary

MIN_TYPO_LENGTH = 4


@dataclass(frozen=True)
class Rewrite:
    text: str
    reason: str  # "layout" or "typo"


def max_edits(word: str) -> int:
    return 1 if len(word) <= 5 else 2


class Speller:
    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer

    def _known_share(self, text: str, vocab: Vocabulary) -> float:
        words = [t.text for t in tokenize(text) if t.text.isalpha()]
        if not words:
            return 0.0
        known = sum(1 for w in words if vocab.knows(w, self.analyzer.lemma(w)))
        return known / len(words)

    def layout(self, text: str, vocab: Vocabulary) -> Rewrite | None:
        """The query retyped on the other layout when that is made of real words."""
        switched = switch_layout(text)
        if switched is None:
            return None
        before, after = self._known_share(text, vocab), self._known_share(switched, vocab)
        if after >= 0.5 and after > before:
            return Rewrite(switched, "layout")
        return None

    def typos(self, text: str, vocab: Vocabulary) -> Rewrite | None:
        """Words unknown to the index replaced by their nearest known forms."""
        pieces: list[str] = []
        pos = 0
        changed = False
        for tok in tokenize(text):
            word = tok.text
            if len(word) < MIN_TYPO_LENGTH or not word.isalpha() or vocab.knows(word, self.analyzer.lemma(word)):
                continue
            if self.analyzer.is_dictionary_word(word):
                continue  # a real word the index lacks («деньги») is not a typo
            fix = vocab.closest(word, max_edits(word))
            if fix is None or fix == word:
                continue
            pieces.append(text[pos : tok.start])
            pieces.append(fix)
            pos = tok.end
            changed = True
        if not changed:
            return None
        pieces.append(text[pos:])
        return Rewrite("".join(pieces), "typo")

    def rewrite(self, text: str, vocab: Vocabulary) -> Rewrite | None:
        return self.layout(text, vocab) or self.typos(text, vocab)
