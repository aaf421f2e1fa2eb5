"""Solr/Elasticsearch synonym files (``synonyms/*.txt``), applied at query time.

Equivalence lines (``a, b, c``) make every term expand to the others;
explicit lines (``a, b => c, d``) replace a left term by the right ones.
Terms are stored as lemma sequences so matching is morphology-aware.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

LemmaSeq = tuple[str, ...]


@dataclass(frozen=True)
class SynonymRule:
    """One line of a synonym file, as surface terms."""

    left: tuple[str, ...]
    right: tuple[str, ...]
    explicit: bool
    source: str


def parse_synonym_lines(lines: Iterable[str], source: str = "") -> list[SynonymRule]:
    rules: list[SynonymRule] = []
    for n, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        where = f"{source}:{n}"
        if "=>" in line:
            left, right = line.split("=>", 1)
            rules.append(SynonymRule(_terms(left), _terms(right), True, where))
        else:
            terms = _terms(line)
            rules.append(SynonymRule(terms, terms, False, where))
    return rules


def read_synonym_files(directory: Path) -> list[SynonymRule]:
    return dictionary_rules(dictionary_texts(directory))


def dictionary_texts(directory: Path, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every dictionary by name: the files of ``directory`` (the shipped defaults),
    each replaced by its edited text in ``overrides`` (name → text), which may add names."""
    files = sorted(directory.glob("*.txt")) if directory.is_dir() else []
    texts = {path.name: path.read_text(encoding="utf-8") for path in files}
    texts.update(overrides or {})
    return dict(sorted(texts.items()))


def dictionary_rules(texts: Mapping[str, str]) -> list[SynonymRule]:
    """The rules of the dictionaries ``texts`` (name → text), in name order."""
    return [rule for name in sorted(texts) for rule in parse_synonym_lines(texts[name].splitlines(), name)]


def _terms(part: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in part.split(",") if t.strip())


@dataclass
class SynonymMap:
    """Lemma sequence → alternative lemma sequences."""

    expansions: dict[LemmaSeq, set[LemmaSeq]] = field(default_factory=dict)
    max_length: int = 1

    @classmethod
    def build(cls, rules: Iterable[SynonymRule], analyze: Callable[[str], list[str]]) -> SynonymMap:
        smap = cls()
        for rule in rules:
            left = [tuple(analyze(t)) for t in rule.left]
            right = [tuple(analyze(t)) for t in rule.right]
            for lseq in left:
                if not lseq:
                    continue
                alts = smap.expansions.setdefault(lseq, set())
                alts.update(r for r in right if r and r != lseq)
                smap.max_length = max(smap.max_length, len(lseq))
        return smap

    def lookup(self, lemmas: LemmaSeq) -> set[LemmaSeq]:
        return self.expansions.get(lemmas, set())

    def sequences(self) -> frozenset[LemmaSeq]:
        """Every multi-word lemma sequence of the dictionary (terms and their expansions)."""
        every = set(self.expansions).union(*self.expansions.values())
        return frozenset(seq for seq in every if len(seq) > 1)


def expand_lemmas(smap: SynonymMap, lemmas: list[str]) -> list[tuple[LemmaSeq, set[LemmaSeq]]]:
    """Greedy longest-match synonym expansion of a lemma sequence.

    Returns ``(original_sequence, alternatives)`` groups covering ``lemmas``.
    """
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
