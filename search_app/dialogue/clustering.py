"""Grouping reports into problems: shared significant lemmas within one topic.

A report's signature is the set of its significant lemmas, synonyms folded
to one canonical spelling (``ЖКХ`` and «жилищно-коммунальное хозяйство»
give the same term). A problem's signature is made of the terms most of its
reports share. A report joins the most similar problem of its topic when the
Dice coefficient of the two signatures, terms weighted by their inverse
frequency among the reports of the topic, reaches ``THRESHOLD``, else it starts
a new problem. Editors merge and split afterwards; the service applies that.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from search_app.analysis.analyzer import Analyzer

# Chosen on tests/dialogue/fixtures/report_groups.json (known groups):
# 0.11–0.13 keep every group whole there and no two groups together (0.09 joins the
# snow clearing to the pits in the roads, 0.15 splits the bridge reports).
THRESHOLD = 0.12
SIGNATURE_SIZE = 12
# Words any report may use, whatever its problem: they say nothing about which problem it is.
GENERIC = frozenset({
    "проблема", "вопрос", "наш", "мочь", "нужно", "необходимо", "который", "весь", "год", "муниципальный",
    "муниципалитет", "район", "поселение", "город", "село", "округ", "житель", "администрация", "нет",
    "очень", "просить", "помочь", "решить", "решение", "ситуация", "также", "сделать", "являться",
    "проходить", "иметь", "быть", "свой", "этот", "такой", "один", "два", "всё",
    # Lack of money or hands is said of nearly every problem.
    "хватать", "нехватка", "средство", "деньга", "денежный", "финансирование", "финансироваться", "нужный",
})
MIN_LEMMA_LENGTH = 3


def report_terms(text: str, analyzer: Analyzer) -> frozenset[str]:
    """The significant lemmas of a report, plus one term per synonym group it uses (the group's smallest spelling)."""
    terms = set()
    for seq, alternatives in analyzer.expand(analyzer.lemmas(text)):
        significant = [lemma for lemma in seq if _significant(lemma)]
        if alternatives and significant:
            terms.add(" ".join(min({seq, *alternatives})))
        if len(seq) > 1 or not alternatives:
            terms.update(significant)
    return frozenset(terms)


def _significant(lemma: str) -> bool:
    return len(lemma) >= MIN_LEMMA_LENGTH and lemma not in GENERIC and not lemma.isdigit()


def term_weights(documents: Iterable[frozenset[str]]) -> Callable[[str], float]:
    """Inverse document frequency over ``documents``: a term most reports of a topic use weighs little."""
    df: Counter[str] = Counter()
    n = 0
    for terms in documents:
        df.update(terms)
        n += 1
    return lambda term: math.log((n + 1) / (df[term] + 0.5))


def dice(a: frozenset[str], b: frozenset[str], weight: Callable[[str], float] = lambda _t: 1.0) -> float:
    """Weighted Dice coefficient of two term sets."""
    total = sum(map(weight, a)) + sum(map(weight, b))
    if total <= 0:
        return 0.0
    return 2 * sum(map(weight, a & b)) / total


@dataclass
class Cluster:
    """A problem being formed: its topic, its reports' terms and their counts."""

    topic: str
    members: list[int] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, report_id: int, terms: frozenset[str]) -> None:
        self.members.append(report_id)
        self.counts.update(terms)

    @property
    def signature(self) -> frozenset[str]:
        return problem_signature(self.counts, len(self.members))


def problem_signature(counts: Counter[str], reports: int) -> frozenset[str]:
    """The terms most reports of a problem share (at most ``SIGNATURE_SIZE``).

    With one or two reports every term counts; with more, a term needs at
    least two reports, so one long report cannot pull unrelated ones in.
    """
    floor = 1 if reports <= 2 else 2
    ranked = sorted((term for term, n in counts.items() if n >= floor), key=lambda t: (-counts[t], t))
    return frozenset(ranked[:SIGNATURE_SIZE])


def best_match(
    terms: frozenset[str], topic: str, candidates: Iterable[tuple[int, str, frozenset[str]]],
    weight: Callable[[str], float], threshold: float = THRESHOLD,
) -> int | None:
    """The id of the most similar candidate ``(id, topic, signature)`` of the same topic, if similar enough."""
    best, best_score = None, threshold
    for cid, ctopic, signature in candidates:
        if ctopic != topic:
            continue
        score = dice(terms, signature, weight)
        if score >= best_score:
            best, best_score = cid, score
    return best


def cluster(reports: Sequence[tuple[int, str, frozenset[str]]], threshold: float = THRESHOLD) -> list[list[int]]:
    """Group ``(report id, topic, terms)`` in order of arrival; returns the member ids of each group."""
    weights = {
        topic: term_weights(terms for _id, t, terms in reports if t == topic) for topic in {t for _i, t, _s in reports}
    }
    clusters: list[Cluster] = []
    for report_id, topic, terms in reports:
        candidates = ((i, c.topic, c.signature) for i, c in enumerate(clusters))
        found = best_match(terms, topic, candidates, weights[topic], threshold)
        if found is None:
            clusters.append(Cluster(topic))
            found = len(clusters) - 1
        clusters[found].add(report_id, terms)
    return [c.members for c in clusters]
