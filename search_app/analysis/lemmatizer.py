"""pymorphy3 lemmatizer, memoised word→lemma, loaded once per process."""

from __future__ import annotations

import threading

_STOP_WORDS = frozenset(
    """
    и в во на с со по к ко о об обо от до из изо для за у а но или либо же ли бы б то
    при над под подо без через про между перед около вокруг также тоже ни да ж вот
    этот тот такой который свой весь его ее их мы вы он она оно они я ты себя
    быть является являться
    """.split()
)  # «не» is deliberately kept: «не действует» ≠ «действует».

# Parts of speech that carry no subject of their own: a query's «как», «какой»,
# «нужно», «где», «обязательно» help to rank but are not required to match.
_FUNCTION_POS = frozenset({"CONJ", "PRCL", "PREP", "INTJ", "NPRO", "PRED", "ADVB"})
_FUNCTION_GRAMMEMES = frozenset({"Apro", "Ques"})


class Lemmatizer:
    """Maps a normalised token to its lemma (lowercase, ё→е)."""

    def __init__(self) -> None:
        import pymorphy3

        self._morph = pymorphy3.MorphAnalyzer(lang="ru")
        self._cache: dict[str, str] = {}
        self._lock = threading.Lock()

    def lemma(self, token: str) -> str:
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        lemma = self._compute(token)
        with self._lock:
            self._cache[token] = lemma
        return lemma

    def _compute(self, token: str) -> str:
        if not _has_cyrillic(token) or "-" in token:
            return token
        parsed = self._morph.parse(token)
        if not parsed:
            return token
        return parsed[0].normal_form.replace("ё", "е")

    def is_dictionary_word(self, token: str) -> bool:
        """True when pymorphy3's dictionary has the word (not a guess)."""
        return _has_cyrillic(token) and self._morph.word_is_known(token)

    def is_function_word(self, lemma: str) -> bool:
        """A conjunction, particle, pronoun, predicative or adverb (pymorphy3's
        likeliest reading): a word that asks, links or qualifies, not a subject."""
        if not _has_cyrillic(lemma) or "-" in lemma or not self._morph.word_is_known(lemma):
            return False  # closed classes are all in the dictionary: a guess is a content word
        parsed = self._morph.parse(lemma)
        if not parsed:
            return False
        tag = parsed[0].tag
        return tag.POS in _FUNCTION_POS or bool(_FUNCTION_GRAMMEMES & tag.grammemes)

    def is_infinitive(self, lemma: str) -> bool:
        """A verb's infinitive («создать», «получить») in pymorphy3's likeliest reading."""
        if not _has_cyrillic(lemma) or not self._morph.word_is_known(lemma):
            return False
        parsed = self._morph.parse(lemma)
        return bool(parsed) and parsed[0].tag.POS == "INFN"

    @staticmethod
    def is_stop_word(lemma: str) -> bool:
        return lemma in _STOP_WORDS


def _has_cyrillic(token: str) -> bool:
    return any("а" <= ch <= "я" or ch == "ё" for ch in token)
