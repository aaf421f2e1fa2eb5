"""Obscenities kept out of autocomplete: glin-profanity's maintained word lists, matched by lemma too.

glin-profanity finds listed words and their disguises (separators, look-alike
letters); matching the lemmas of its Russian and English entries with the
project's analyzer also finds their inflected forms («хуями» → «хуй»), which
a word list alone misses.
"""

from __future__ import annotations

from functools import cache

from glin_profanity import Filter
from glin_profanity.data.dictionary import dictionary

from search_app.analysis.analyzer import Analyzer, get_analyzer

LANGUAGES = ("russian", "english")


class ObscenityFilter:
    def __init__(self, analyzer: Analyzer) -> None:
        self._analyzer = analyzer
        self._filter = Filter({"languages": list(LANGUAGES)})
        words = [w for language in LANGUAGES for w in dictionary.get_words(language)]
        self._sequences = {tuple(analyzer.lemmas(w)) for w in words} - {()}
        self._longest = max(map(len, self._sequences), default=1)

    def is_obscene(self, text: str) -> bool:
        if self._filter.is_profane(text):
            return True
        lemmas = self._analyzer.lemmas(text)
        return any(
            tuple(lemmas[i : i + size]) in self._sequences
            for size in range(1, self._longest + 1)
            for i in range(len(lemmas) - size + 1)
        )


@cache
def obscenity_filter() -> ObscenityFilter:
    return ObscenityFilter(get_analyzer())
