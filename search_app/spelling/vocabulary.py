"""The index vocabulary (surface forms and lemmas with document frequencies)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA


@dataclass
class Vocabulary:
    forms: dict[str, int]
    lemmas: dict[str, int]
    _by_length: dict[int, list[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        buckets: dict[int, list[str]] = defaultdict(list)
        for form in self.forms:
            if form.isalpha():
                buckets[len(form)].append(form)
        self._by_length = dict(buckets)

    def knows(self, token: str, lemma: str) -> bool:
        return token in self.forms or lemma in self.lemmas

    def frequency(self, form: str) -> int:
        return self.forms.get(form, 0)

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
