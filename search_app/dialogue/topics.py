"""The topic list and the topic suggested for a text (lemmas + synonyms against each topic's terms)."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from search_app.analysis.analyzer import Analyzer, get_analyzer

TOPICS_FILE = Path(__file__).resolve().parent / "topics.toml"

LemmaSeq = tuple[str, ...]


@dataclass(frozen=True)
class Topic:
    name: str
    terms: tuple[str, ...]


def load_topics(path: Path = TOPICS_FILE) -> tuple[Topic, ...]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return tuple(Topic(t["name"], tuple(t.get("terms", ()))) for t in data["topic"])


def text_sequences(lemmas: list[str], analyzer: Analyzer, longest: int) -> set[LemmaSeq]:
    """Every lemma n-gram (n ≤ ``longest``) of the text and of its synonym alternatives."""
    streams = [lemmas]
    for _seq, alternatives in analyzer.expand(lemmas):
        streams.extend(list(alt) for alt in alternatives)
    found: set[LemmaSeq] = set()
    for stream in streams:
        for size in range(1, longest + 1):
            found.update(tuple(stream[i : i + size]) for i in range(len(stream) - size + 1))
    return found


class TopicSuggester:
    """Scores topics for a text: each matched term counts its length in lemmas."""

    def __init__(self, topics: Iterable[Topic], analyzer: Analyzer) -> None:
        self.topics = tuple(topics)
        self._analyzer = analyzer
        self._terms: dict[LemmaSeq, set[str]] = {}
        for topic in self.topics:
            for term in (topic.name, *topic.terms):
                seq = tuple(analyzer.lemmas(term))
                if seq:
                    self._terms.setdefault(seq, set()).add(topic.name)
        self._longest = max((len(seq) for seq in self._terms), default=1)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.topics)

    def scores(self, text: str) -> list[tuple[str, int]]:
        """Topics that match ``text``, best first (ties in the order of the topic list)."""
        found = text_sequences(self._analyzer.lemmas(text), self._analyzer, self._longest)
        score: dict[str, int] = {}
        for seq in found:
            for name in self._terms.get(seq, ()):
                score[name] = score.get(name, 0) + len(seq)
        order = {name: i for i, name in enumerate(self.names)}
        return sorted(score.items(), key=lambda item: (-item[1], order[item[0]]))

    def suggest(self, text: str) -> str | None:
        ranked = self.scores(text)
        return ranked[0][0] if ranked else None


@cache
def topic_suggester() -> TopicSuggester:
    """The process-wide suggester over ``topics.toml`` and the shared analyzer."""
    return TopicSuggester(load_topics(), get_analyzer())
