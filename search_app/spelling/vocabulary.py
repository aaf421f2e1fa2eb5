"""The index vocabulary (surface forms and lemmas with document frequencies)."""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA


@dataclass
class Vocabulary:
    forms: dict[str, int]
    lemmas: dict[str, int]
    documents: int = 0  # documents in the index the frequencies were counted over
    _by_length: dict[int, list[str]] = field(default_factory=dict, repr=False)
    _sorted: list[str] = field(default_factory=list, repr=False)
    _sorted_lemmas: list[str] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._sorted = sorted(self.forms)
        self._sorted_lemmas = sorted(self.lemmas)
        buckets: dict[int, list[str]] = defaultdict(list)
        for form in self.forms:
            if form.isalpha():
                buckets[len(form)].append(form)
        self._by_length = dict(buckets)

    def knows(self, token: str, lemma: str) -> bool:
        return token in self.forms or lemma in self.lemmas

    def frequency(self, form: str) -> int:
        return self.forms.get(form, 0)

    def share(self, lemma: str) -> float:
        """The share of the documents holding ``lemma`` (in its most frequent field)."""
        return self.lemmas.get(lemma, 0) / self.documents if self.documents else 0.0

    def complete(self, prefix: str, limit: int) -> list[str]:
        """Known forms that start with ``prefix``, most frequent first."""
        return _prefixed(self._sorted, self.forms, prefix, limit)

    def complete_lemma(self, prefix: str, limit: int) -> list[str]:
        """Index lemmas that start with ``prefix`` («131-» → «131-фз»), most frequent first."""
        return _prefixed(self._sorted_lemmas, self.lemmas, prefix, limit)

    def complete_fuzzy(self, prefix: str, max_distance: int, limit: int) -> list[str]:
        """Known words whose beginning is within ``max_distance`` edits of ``prefix``
        («благоустройсв» → «благоустройство»): the fewest edits, then the most frequent."""
        if len(prefix) < 3:
            return []
        lo = bisect.bisect_left(self._sorted, prefix[:3])
        hi = bisect.bisect_left(self._sorted, prefix[:3] + "\uffff")
        scored: list[tuple[int, int, str]] = []
        for form in self._sorted[lo:hi]:
            if not form.isalpha() or len(form) < len(prefix) - max_distance:
                continue
            # the prefix may have lost or gained a letter: compare with heads of nearby lengths
            dist = min(
                OSA.distance(prefix, form[: len(prefix) + d]) for d in range(-max_distance, max_distance + 1)
                if len(prefix) + d > 0
            )
            if dist <= max_distance:
                scored.append((dist, -self.forms[form], form))
        return [form for _, _, form in sorted(scored)[:limit]]

    def closest(self, token: str, max_distance: int) -> str | None:
        """The nearest known form (fewest edits, then most frequent), if any."""
        best: tuple[int, int, str] | None = None
        for length in range(len(token) - max_distance, len(token) + max_distance + 1):
            choices = self._by_length.get(length)
            if not choices:
                continue
            for form, dist, _ in process.extract(
                token, choices, scorer=OSA.distance, score_cutoff=max_distance, limit=20
            ):
                key = (int(dist), -self.forms[form], form)
                if best is None or key < best:
                    best = key
        return best[2] if best else None


def _prefixed(ordered: list[str], counts: dict[str, int], prefix: str, limit: int) -> list[str]:
    """Entries of sorted ``ordered`` that start with ``prefix``, most frequent first."""
    if not prefix:
        return []
    lo = bisect.bisect_left(ordered, prefix)
    hi = bisect.bisect_left(ordered, prefix + "\uffff")
    return sorted(ordered[lo:hi], key=lambda f: (-counts[f], f))[:limit]
