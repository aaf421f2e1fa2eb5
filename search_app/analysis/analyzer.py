"""The analyzer every backend shares: index text → lemmas; query → clauses."""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import compress
from pathlib import Path
from typing import Protocol

from search_app.analysis.lemmatizer import Lemmatizer
from search_app.analysis.synonyms import (
    LemmaSeq,
    SynonymMap,
    SynonymRule,
    dictionary_rules,
    dictionary_texts,
    expand_lemmas,
)
from search_app.analysis.tokenizer import Token, token_texts, tokenize

DEFAULT_SYNONYMS_DIR = Path(__file__).resolve().parents[2] / "synonyms"
# How often a process asks the store whether the dictionaries were edited: an
# edit reaches every process within this many seconds, a search pays one cheap
# query at most this often.
SYNONYMS_CHECK_SECONDS = 5.0


class DictionarySource(Protocol):
    """Where the edited dictionaries come from (the store: ``synonym_dictionaries.StoreDictionaries``)."""

    def version(self) -> int | None:
        """Moves whenever a dictionary is edited or reset; None: unknown now (keep the map in service)."""
        ...

    def state(self) -> tuple[int, Mapping[str, str]]:
        """The version and the edited dictionaries (name → text)."""
        ...


@dataclass(frozen=True)
class SynonymsState:
    """The edits a dictionary was built with (picklable: analysis workers get it with their work)."""

    version: int = 0
    overrides: tuple[tuple[str, str], ...] = ()


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
        self.synonyms_dir = synonyms_dir or default_synonyms_dir()
        self._lemmatizer = shared_lemmatizer()
        # Token text → (lemma, stop word?): every token is analysed once per process.
        self._token_cache: dict[str, tuple[str, bool]] = {}
        # Token text → lemma, "" for a stop word: the index-time lookup, done by
        # ``map`` in C; a miss asks ``token_lemma`` (``__missing__``).
        self._index_lemmas = _Memo(self._index_lemma)
        # Token text → lemma, stop words included: what snippets test each token by.
        self._lemma_of = _Memo(lambda token: self.token_lemma(token)[0])
        self._function_words: dict[str, bool] = {}
        # The synonym dictionaries: files overlaid by the edits of ``_state``; the
        # map is rebuilt when a check of ``_source`` finds another version.
        self._state = SynonymsState()
        self._map: SynonymMap | None = None
        self._source: DictionarySource | None = None
        self._interval = SYNONYMS_CHECK_SECONDS
        self._clock: Callable[[], float] = time.monotonic
        self._next_check = 0.0
        self._pins = 0
        self._refreshing = threading.Lock()

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

    # -- synonyms ----------------------------------------------------------

    @property
    def synonyms(self) -> SynonymMap:
        """The synonym map in service: the files, with the edits the store held at
        the last check (a check at most every ``interval`` seconds)."""
        self._check_if_due()
        smap = self._map
        if smap is None:
            smap = self._map = SynonymMap.build(self.synonym_rules(), self.lemmas)
        return smap

    def dictionary_texts(self) -> dict[str, str]:
        """Every dictionary in service by name (the shipped files, overlaid by the edits)."""
        self._check_if_due()
        return dictionary_texts(self.synonyms_dir, dict(self._state.overrides))

    def _check_if_due(self) -> None:
        if self._source is not None and not self._pins and self._clock() >= self._next_check:
            self.refresh_synonyms()

    def synonym_rules(self) -> list[SynonymRule]:
        return dictionary_rules(self.dictionary_texts())

    def follow(self, source: DictionarySource | None, interval: float = SYNONYMS_CHECK_SECONDS,
               clock: Callable[[], float] = time.monotonic) -> None:
        """Take the edited dictionaries from ``source`` (checked at the next use, then at
        most every ``interval`` seconds of ``clock``); None: the files alone."""
        with self._refreshing:
            self._source, self._interval, self._clock = source, interval, clock
            self._next_check = float("-inf")
            if source is None:
                self._use(SynonymsState())

    def unfollow(self, source: DictionarySource) -> None:
        """Back to the files alone, if ``source`` is the one followed (its store is closing)."""
        if self._source is source:
            self.follow(None)

    def refresh_synonyms(self) -> None:
        """Ask the source now; rebuild the map if the edits changed. A thread that finds
        another one asking goes on with the map in service."""
        if not self._refreshing.acquire(blocking=False):
            return
        try:
            source = self._source
            if source is None:
                return
            self._next_check = self._clock() + self._interval
            version = source.version()
            if version is None or version == self._state.version:
                return
            # version first: an edit landing between the two reads only makes the next check rebuild again
            version, overrides = source.state()
            self._use(SynonymsState(version, tuple(sorted(overrides.items()))))
        finally:
            self._refreshing.release()

    def synonyms_state(self) -> SynonymsState:
        """The edits the map in service was built with (for analysis workers)."""
        self.synonyms  # noqa: B018 - the check, if due
        return self._state

    def use_synonyms(self, state: SynonymsState) -> None:
        """Expand with the files overlaid by ``state`` (an analysis worker: its parent's dictionary)."""
        self._use(state)

    def _use(self, state: SynonymsState) -> None:
        if state.overrides != self._state.overrides:
            # built before either is replaced: a search never sees one state with the other's map
            texts = dictionary_texts(self.synonyms_dir, dict(state.overrides))
            smap = SynonymMap.build(dictionary_rules(texts), self.lemmas)
            self._state, self._map = state, smap
        else:
            self._state = state

    @contextlib.contextmanager
    def pinned(self) -> Iterator[SynonymsState]:
        """One dictionary for a whole write session (an import, a reindex): the edits seen
        at its start, not one that lands midway (an index built with two dictionaries
        would hold some multi-word sequences for part of its documents)."""
        state = self.synonyms_state()
        self._pins += 1
        try:
            yield state
        finally:
            self._pins -= 1

    def expand(self, lemmas: list[str]) -> list[tuple[LemmaSeq, set[LemmaSeq]]]:
        """Greedy longest-match synonym expansion of a lemma sequence (``synonyms.expand_lemmas``)."""
        return expand_lemmas(self.synonyms, lemmas)


def default_synonyms_dir() -> Path:
    """The shipped dictionaries: ``MUNNAV_SYNONYMS_DIR``, else the project's ``synonyms/``."""
    return Path(os.environ.get("MUNNAV_SYNONYMS_DIR", str(DEFAULT_SYNONYMS_DIR)))


@functools.cache
def shared_lemmatizer() -> Lemmatizer:
    """One pymorphy3 per process, whichever analyzers use it (an app with its own
    ``SYNONYMS_DIR`` has its own analyzer, not its own 30 MB of dictionaries)."""
    return Lemmatizer()


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


def analyzer_for(synonyms_dir: Path | None) -> Analyzer:
    """The process-wide analyzer, unless ``synonyms_dir`` names other files than it
    reads: then an analyzer of its own (an app configured with ``SYNONYMS_DIR``)."""
    if synonyms_dir is None or synonyms_dir.resolve() == default_synonyms_dir().resolve():
        return get_analyzer()
    return Analyzer(synonyms_dir)
