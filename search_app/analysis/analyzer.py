"""The analyzer every backend shares: index text → lemmas; query → clauses."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import compress
from pathlib import Path

from search_app.analysis.lemmatizer import Lemmatizer
from search_app.analysis.synonyms import LemmaSeq, SynonymMap, expand_lemmas, read_synonym_files
from search_app.analysis.tokenizer import Token, token_texts, tokenize

DEFAULT_SYNONYMS_DIR = Path(__file__).resolve().parents[2] / "synonyms"


@dataclass(frozen=True, slots=True)
class AnalyzedToken:
    """A token of the original text with its lemma (spans point into the text)."""

    lemma: str
    start: int
    end: int
    stop: bool


class _Memo(dict[str, str]):
    """Token text → a value computed once; ``map`` reads it in C, a miss computes it."""

    def __init__(self, compute: Callable[[str], str]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, token: str) -> str:
        value = self._compute(token)
        self[token] = value
        return value


class Analyzer:
    """Tokenize, lemmatize and expand synonyms; identical for every backend."""

    def __init__(self, synonyms_dir: Path | None = None) -> None:
        self.synonyms_dir = synonyms_dir or Path(
            os.environ.get("MUNNAV_SYNONYMS_DIR", str(DEFAULT_SYNONYMS_DIR))
        )
        self._lemmatizer = Lemmatizer()
        # Token text → (lemma, stop word?): every token is analysed once per process.
        self._token_cache: dict[str, tuple[str, bool]] = {}
        # Token text → lemma, "" for a stop word: the index-time lookup, done by
        # ``map`` in C; a miss asks ``token_lemma`` (``__missing__``).
        self._index_lemmas = _Memo(self._index_lemma)
        # Token text → lemma, stop words included: what snippets test each token by.
        self._lemma_of = _Memo(lambda token: self.token_lemma(token)[0])
        self._function_words: dict[str, bool] = {}

    def lemma(self, token: str) -> str:
        return self._lemmatizer.lemma(token)

    def is_dictionary_word(self, token: str) -> bool:
        return self._lemmatizer.is_dictionary_word(token)

    def is_infinitive(self, lemma: str) -> bool:
        return self._lemmatizer.is_infinitive(lemma)

    def is_function_word(self, lemma: str) -> bool:
        """Whether a query lemma only asks or links («как», «какой», «нужно»), memoised."""
        known = self._function_words.get(lemma)
        if known is None:
            known = self._function_words[lemma] = self._lemmatizer.is_function_word(lemma)
        return known

    def analyze_tokens(self, text: str) -> list[AnalyzedToken]:
        """Every token of ``text`` with lemma and offsets (stop words flagged)."""
        cache = self._token_cache
        out = []
        for tok in tokenize(text):
            analysed = cache.get(tok.text) or self._analyse(tok.text)
            out.append(AnalyzedToken(analysed[0], tok.start, tok.end, analysed[1]))
        return out

    def lemmas(self, text: str) -> list[str]:
        """Index-time analysis: the lemma stream without stop words."""
        return self.token_lemmas(token_texts(text))

    def token_lemmas(self, tokens: list[str]) -> list[str]:
        """``lemmas`` of already tokenized text (``token_texts``), for callers that reuse the tokens."""
        return [lemma for lemma in map(self._index_lemmas.__getitem__, tokens) if lemma]

    def matching(self, tokens: list[str], lemmas: frozenset[str]) -> list[str]:
        """The tokens whose lemma is one of ``lemmas``, in order (the test runs in C:
        snippets test every token of a text and mark a few)."""
        return list(compress(tokens, map(lemmas.__contains__, map(self._lemma_of.__getitem__, tokens))))

    def lemma_text(self, text: str) -> str:
        """Lemmas joined by spaces, ready for a whitespace-tokenized field."""
        return " ".join(self.lemmas(text))

    def token_lemma(self, token: str) -> tuple[str, bool]:
        """Lemma and stop-word flag of one token text (``Token.text``), as ``analyze_tokens`` gives them."""
        return self._token_cache.get(token) or self._analyse(token)

    def _index_lemma(self, token: str) -> str:
        lemma, stop = self.token_lemma(token)
        return "" if stop else lemma

    def warm(self, tokens: Iterable[str]) -> int:
        """Analyse the tokens not seen yet; returns how many were new.

        A fresh process (a server worker, or one whose import was analysed in
        worker processes) would otherwise pay pymorphy3 for each word on the
        first snippets that contain it.
        """
        cache = self._token_cache
        new = 0
        for token in tokens:
            if token not in cache:
                self._analyse(token)
                new += 1
        return new

    def _analyse(self, token: str) -> tuple[str, bool]:
        """Lemma and stop-word flag of one token text (``Token.text``), memoised."""
        tok = Token(token, 0, len(token))
        lemma = token if tok.is_act_number or not token.isalpha() else self._lemmatizer.lemma(token)
        analysed = (lemma, self._lemmatizer.is_stop_word(lemma))
        self._token_cache[token] = analysed
        return analysed

    @cached_property
    def synonyms(self) -> SynonymMap:
        rules = read_synonym_files(self.synonyms_dir) if self.synonyms_dir.is_dir() else []
        return SynonymMap.build(rules, self.lemmas)

    def expand(self, lemmas: list[str]) -> list[tuple[LemmaSeq, set[LemmaSeq]]]:
        """Greedy longest-match synonym expansion of a lemma sequence (``synonyms.expand_lemmas``)."""
        return expand_lemmas(self.synonyms, lemmas)


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
