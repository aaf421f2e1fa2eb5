"""A synthetic corpus drawn from the sample corpus: its words, sentence shapes and facets.

Sentences of the sample are kept as shapes; a share of their words is replaced
by words drawn from the sample's own word frequencies, so the synthetic corpus
has a realistic head (words in most documents) and a long tail (rare words).
Facets follow skewed distributions: regions Zipf-like, every kind, recent dates
more frequent, statuses and deadlines that fit the kind.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ingest.document import KINDS, Cite, Document, Step
from ingest.jsonl import LineError, read_documents

SENTENCE_VARIANTS = 30_000  # mutated sentence shapes documents draw from
TITLE_VARIANTS = 6_000
MUTATION_SHARE = 0.25  # share of words replaced in a sentence variant
ZIPF_EXPONENT = 1.1
DRAW_BLOCK = 4096  # weighted draws taken per random.choices call
T = TypeVar("T")

KIND_WEIGHTS: dict[str, float] = {
    "measure": 0.24, "competition": 0.18, "legal_act": 0.23, "practice": 0.16, "solution": 0.06, "course": 0.10,
    "consultation": 0.03,
}
STATUS_BY_KIND: dict[str, tuple[tuple[str, float], ...]] = {
    "measure": (("open", 0.45), ("permanent", 0.35), ("closed", 0.20)),
    "competition": (("open", 0.40), ("closed", 0.60)),
    "legal_act": (("in_force", 0.80), ("expired", 0.12), ("draft", 0.08)),
    "practice": (("", 1.0),),
    "solution": (("", 1.0),),
    "course": (("open", 0.5), ("permanent", 0.5)),
    "consultation": (("", 1.0),),
}
DEADLINE_KINDS = frozenset({"measure", "competition"})
_SENTENCE_END = re.compile(r"(?<=[.!?»])\s+(?=[«A-ZА-ЯЁ0-9])")
_WORD = re.compile(r"[А-Яа-яЁё]{4,}")
_FALLBACK_REGIONS = ("Российская Федерация", "Вологодская область", "Республика Татарстан")


@dataclass(frozen=True)
class Vocabulary:
    """What the generator draws from, all taken from the sample corpus."""

    sentences: tuple[str, ...]
    titles: dict[str, tuple[str, ...]]
    words: tuple[str, ...]
    word_weights: tuple[float, ...]
    regions: tuple[str, ...]  # most frequent first (Zipf rank order)
    topics: Counter[str]
    audience: Counter[str]
    issuers: Counter[str]
    municipalities: tuple[str, ...]
    doc_types: tuple[str, ...]

    @classmethod
    def from_documents(cls, docs: Sequence[Document]) -> Vocabulary:
        if not docs:
            raise ValueError("образцовый корпус пуст: не из чего строить синтетический")
        sentences: list[str] = []
        words: Counter[str] = Counter()
        titles: dict[str, list[str]] = {k: [] for k in KINDS}
        for doc in docs:
            titles[doc.kind].append(doc.title)
            for text in (doc.summary, doc.body):
                for sentence in _SENTENCE_END.split(" ".join(text.split())):
                    if len(sentence) >= 30:
                        sentences.append(sentence)
            words.update(w.lower() for w in _WORD.findall(f"{doc.title} {doc.summary} {doc.body}"))
        all_titles = [t for ts in titles.values() for t in ts]
        regions = Counter(r for d in docs for r in d.regions)
        return cls(
            sentences=tuple(sentences),
            titles={k: tuple(v or all_titles) for k, v in titles.items()},
            words=tuple(words),
            word_weights=tuple(float(c) for c in words.values()),
            regions=tuple(r for r, _ in regions.most_common()) or _FALLBACK_REGIONS,
            topics=Counter(t for d in docs for t in d.topics),
            audience=Counter(a for d in docs for a in d.audience),
            issuers=Counter(d.issuer for d in docs if d.issuer),
            municipalities=tuple(sorted({d.municipality for d in docs if d.municipality})) or ("городской округ",),
            doc_types=tuple(sorted({d.doc_type for d in docs if d.doc_type})) or ("Федеральный закон",),
        )

    @classmethod
    def from_sample_dir(cls, sample_dir: Path) -> Vocabulary:
        return cls.from_documents(read_sample(sample_dir))


def read_sample(sample_dir: Path) -> list[Document]:
    docs: list[Document] = []
    for path in sorted(sample_dir.glob("*.jsonl")):
        docs.extend(d for d in read_documents(path) if not isinstance(d, LineError))
    return docs


def zipf_weights(n: int, exponent: float = ZIPF_EXPONENT) -> list[float]:
    return [1.0 / (rank**exponent) for rank in range(1, n + 1)]


class _Draws:
    """Weighted draws from ``random.choices``, a block at a time: one call per
    block rather than one per document field (the generator runs beside the
    import it feeds and takes CPU from it)."""

    def __init__(
        self, rng: random.Random, population: Sequence[T], cum_weights: Sequence[float], block: int = DRAW_BLOCK
    ) -> None:
        self._rng = rng
        self._population = population
        self._cum_weights = cum_weights
        self._block = block
        self._buffer: list[T] = []

    def take(self, k: int) -> list[T]:
        if len(self._buffer) < k:
            self._buffer += self._draw(max(k, self._block))
        out = self._buffer[-k:]
        del self._buffer[-k:]
        return out

    def one(self) -> T:
        if not self._buffer:
            self._buffer = self._draw(self._block)
        return self._buffer.pop()

    def _draw(self, k: int) -> list[T]:
        return self._rng.choices(self._population, cum_weights=self._cum_weights, k=k)


class CorpusGenerator:
    """Deterministic (seeded) stream of synthetic documents."""

    def __init__(self, vocabulary: Vocabulary, seed: int = 20261127, today: dt.date | None = None) -> None:
        self.vocab = vocabulary
        self.rng = random.Random(seed)
        self.today = today or dt.date(2026, 11, 27)
        self._sentences = self._variants(vocabulary.sentences, SENTENCE_VARIANTS)
        self._titles = {k: self._variants(v, TITLE_VARIANTS // len(KINDS)) for k, v in vocabulary.titles.items()}
        rng = self.rng
        self._kinds = _Draws(rng, tuple(KIND_WEIGHTS), list(itertools.accumulate(KIND_WEIGHTS.values())))
        # Sentence popularity is skewed too: a few shapes recur everywhere, most are rare.
        self._sentence_draws = _Draws(
            rng, self._sentences, list(itertools.accumulate(zipf_weights(len(self._sentences), 0.8)))
        )
        self._region_draws = _Draws(
            rng, vocabulary.regions, list(itertools.accumulate(zipf_weights(len(vocabulary.regions))))
        )
        self._topic_draws = _Draws(rng, *_cumulative(vocabulary.topics))
        self._audience_draws = _Draws(rng, *_cumulative(vocabulary.audience))
        self._issuer_draws = _Draws(rng, *_cumulative(vocabulary.issuers)) if vocabulary.issuers else None
        self._statuses = {
            kind: _Draws(rng, [v for v, _ in options], list(itertools.accumulate(w for _, w in options)))
            for kind, options in STATUS_BY_KIND.items()
        }

    def _variants(self, shapes: Sequence[str], count: int) -> tuple[str, ...]:
        """``count`` sentences: the originals, then copies with words replaced."""
        rng = self.rng
        out = list(shapes[:count])
        word_cum = list(itertools.accumulate(self.vocab.word_weights))
        while len(out) < count:
            shape = rng.choice(shapes)
            pieces = _WORD.split(shape)
            n = len(pieces) - 1
            k = max(1, int(n * MUTATION_SHARE))
            replacements = rng.choices(self.vocab.words, cum_weights=word_cum, k=k) if n else []
            slots = set(rng.sample(range(n), k)) if n >= k else set()
            originals = _WORD.findall(shape)
            repl = iter(replacements)
            merged = [pieces[0]]
            for i, word in enumerate(originals):
                merged.append(next(repl) if i in slots else word)
                merged.append(pieces[i + 1])
            out.append("".join(merged))
        return tuple(out)

    def documents(self, n: int) -> Iterator[Document]:
        for i in range(n):
            yield self.document(i)

    def document(self, i: int) -> Document:
        rng = self.rng
        kind = self._kinds.one()
        sentences = self._sentence_draws.take(_between(rng, 6, 14))
        summary = " ".join(sentences[:2])
        body = " ".join(sentences[2:])
        n_regions = 1 if rng.random() < 0.9 else 2
        regions = tuple(dict.fromkeys(self._region_draws.take(n_regions)))
        status = self._statuses[kind].one()
        published = self.today - dt.timedelta(days=int(rng.expovariate(1 / 700)) % 8000)
        deadline = None
        if kind in DEADLINE_KINDS and status != "permanent":
            offset = _between(rng, 5, 200) if status == "open" else -_between(rng, 1, 900)
            deadline = self.today + dt.timedelta(days=offset)
        amount_min = amount_max = None
        if kind in DEADLINE_KINDS and rng.random() < 0.7:
            amount_max = float(_any(rng, (1, 2, 5, 10, 50)) * 10 ** _between(rng, 5, 8))
            amount_min = amount_max / 10 if rng.random() < 0.5 else None
        doc_number = doc_type = ""
        if kind == "legal_act":
            doc_type = _any(rng, self.vocab.doc_types)
            doc_number = f"{_between(rng, 1, 600)}-ФЗ" if rng.random() < 0.4 else str(_between(rng, 1, 3000))
        steps: tuple[Step, ...] = ()
        if kind == "solution":
            steps = tuple(
                Step(title=_any(rng, self._titles["practice"]), text=_any(rng, self._sentences),
                     refs=tuple(_doc_id(int(rng.random() * i)) for _ in range(2)) if i else ())
                for _ in range(_between(rng, 3, 5))
            )
        consultation: dict[str, Any] = {}
        if kind == "consultation":  # the question reads as its summary, the answer as its body
            consultation = {
                "question": summary, "answer": body, "answered_by": "Юрист",
                "cites": tuple(Cite(f"{_between(rng, 1, 600)}-ФЗ", str(_between(rng, 1, 90))) for _ in range(2)),
            }
            summary = body = ""
        return Document(
            id=_doc_id(i),
            kind=kind,
            title=_any(rng, self._titles[kind]),
            summary=summary,
            body=body,
            url=f"https://example.invalid/bench/{i}",
            source="bench",
            issuer=self._issuer_draws.one() if self._issuer_draws else "",
            regions=regions,
            municipality=_any(rng, self.vocab.municipalities) if kind == "practice" else "",
            topics=tuple(dict.fromkeys(self._topic_draws.take(_between(rng, 1, 3)))),
            audience=tuple(dict.fromkeys(self._audience_draws.take(_between(rng, 1, 2)))),
            published=published,
            deadline=deadline,
            status=status,
            doc_number=doc_number,
            doc_type=doc_type,
            amount_min=amount_min,
            amount_max=amount_max,
            steps=steps,
            **consultation,
        )


def _between(rng: random.Random, low: int, high: int) -> int:
    """``rng.randint(low, high)`` from one ``random()`` call (cheaper per document)."""
    return low + int(rng.random() * (high - low + 1))


def _any(rng: random.Random, items: Sequence[T]) -> T:
    return items[int(rng.random() * len(items))]


def _doc_id(i: int) -> str:
    return f"bench-{i:07d}"


def _cumulative(counts: Counter[str]) -> tuple[tuple[str, ...], list[float]]:
    ranked = counts.most_common()
    return tuple(v for v, _ in ranked), list(itertools.accumulate(float(c) for _, c in ranked))
