"""The analyzer every backend shares: index text → lemmas; query → clauses."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from search_app.analysis.lemmatizer import Lemmatizer
from search_app.analysis.synonyms import LemmaSeq, SynonymMap, read_synonym_files
from search_app.analysis.tokenizer import Token, tokenize

DEFAULT_SYNONYMS_DIR = Path(__file__).resolve().parents[2] / "synonyms"


@dataclass(frozen=True)
class AnalyzedToken:
    """A token of the original text with its lemma (spans point into the text)."""

    lemma: str
    start: int
    end: int
    stop: bool


class Analyzer:
    """Tokenize, lemmatize and expand synonyms; identical for every backend."""

    def __init__(self, synonyms_dir: Path | None = None) -> None:
        self.synonyms_dir = synonyms_dir or Path(
            os.environ.get("MUNNAV_SYNONYMS_DIR", str(DEFAULT_SYNONYMS_DIR))
        )
        self._lemmatizer = Lemmatizer()

    def lemma(self, token: str) -> str:
        return self._lemmatizer.lemma(token)

    def is_dictionary_word(self, token: str) -> bool:
        return self._lemmatizer.is_dictionary_word(token)

    def analyze_tokens(self, text: str) -> list[AnalyzedToken]:
        """Every token of ``text`` with lemma and offsets (stop words flagged)."""
        out = []
        for tok in tokenize(text):
            lemma = self._lemma_of(tok)
            out.append(AnalyzedToken(lemma, tok.start, tok.end, self._lemmatizer.is_stop_word(lemma)))
        return out

    def lemmas(self, text: str) -> list[str]:
        """Index-time analysis: the lemma stream without stop words."""
        return [t.lemma for t in self.analyze_tokens(text) if not t.stop]

    def lemma_text(self, text: str) -> str:
        """Lemmas joined by spaces, ready for a whitespace-tokenized field."""
        return " ".join(self.lemmas(text))

    def _lemma_of(self, tok: Token) -> str:
        if tok.is_act_number or not tok.text.isalpha():
            return tok.text
        return self._lemmatizer.lemma(tok.text)

    @cached_property
    def synonyms(self) -> SynonymMap:
        rules = read_synonym_files(self.synonyms_dir) if self.synonyms_dir.is_dir() else []
        return SynonymMap.build(rules, self.lemmas)

    def expand(self, lemmas: list[str]) -> list[tuple[LemmaSeq, set[LemmaSeq]]]:
        """Greedy longest-match synonym expansion of a lemma sequence.

        Returns ``(original_sequence, alternatives)`` groups covering ``lemmas``.
        """
        smap = self.synonyms
        groups: list[tuple[LemmaSeq, set[LemmaSeq]]] = []
        i = 0
        while i < len(lemmas):
            for size in range(min(smap.max_length, len(lemmas) - i), 0, -1):
                seq = tuple(lemmas[i : i + size])
                alts = smap.lookup(seq)
                if alts or size == 1:
                    groups.append((seq, set(alts)))
                    i += size
                    break
        return groups


_shared: Analyzer | None = None
_shared_lock = threading.Lock()


def get_analyzer() -> Analyzer:
    """The process-wide analyzer (pymorphy3 costs ~30 MB: load it once)."""
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                _shared = Analyzer()
    return _shared
