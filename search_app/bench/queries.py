"""Benchmark queries in four classes, chosen from the index's own lemma frequencies."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from search_app.analysis.analyzer import Analyzer

CLASSES: tuple[str, ...] = ("rare", "common", "three_words", "two_words_filters")
CLASS_LABELS: dict[str, str] = {
    "rare": "редкое слово",
    "common": "частое слово (в большинстве документов)",
    "three_words": "три слова",
    "two_words_filters": "два слова + два фильтра",
}
MIN_RARE_DF = 2
COMMON_CANDIDATES = 8


@dataclass(frozen=True)
class BenchQuery:
    cls: str
    text: str
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class QueryPools:
    """Candidate lemmas by document frequency band, and facet values to filter on."""

    rare: Sequence[str]
    common: Sequence[str]
    mid: Sequence[str]
    regions: Sequence[str]
    kinds: Sequence[str]
    common_df_share: float  # document share of the most common candidate


def build_pools(
    lemma_df: Mapping[str, int], total_docs: int, analyzer: Analyzer, regions: Sequence[str], kinds: Sequence[str]
) -> QueryPools:
    """Split the vocabulary into rare / mid / common bands by document frequency.

    Only lemmas a user could type are kept: Cyrillic words that analyse back
    to themselves and are not stop words.
    """
    usable = {t: df for t, df in lemma_df.items() if _typable(t, analyzer)}
    if not usable:
        raise ValueError("в индексе нет слов для запросов")
    ranked = sorted(usable, key=lambda t: (-usable[t], t))
    rare_max = max(MIN_RARE_DF + 3, total_docs // 2000)
    rare = [t for t in ranked if MIN_RARE_DF <= usable[t] <= rare_max] or ranked[-COMMON_CANDIDATES:]
    common = ranked[:COMMON_CANDIDATES]
    mid = [t for t in ranked if total_docs // 200 <= usable[t] <= total_docs // 5] or ranked[: len(ranked) // 2 or 1]
    return QueryPools(
        rare=rare, common=common, mid=mid, regions=regions, kinds=kinds,
        common_df_share=usable[common[0]] / max(1, total_docs),
    )


def make_queries(pools: QueryPools, count: int, seed: int = 7) -> list[BenchQuery]:
    """``count`` queries, an equal share per class (at least one each), in run order."""
    rng = random.Random(seed)
    per_class = max(1, count // len(CLASSES))
    out: list[BenchQuery] = []
    for _ in range(per_class):
        out.append(BenchQuery("rare", rng.choice(pools.rare)))
        out.append(BenchQuery("common", rng.choice(pools.common)))
        out.append(BenchQuery("three_words", " ".join(_distinct(rng, pools.mid, 3))))
        out.append(BenchQuery(
            "two_words_filters",
            " ".join(_distinct(rng, pools.mid, 2)),
            {"regions": (rng.choice(pools.regions),), "kind": (rng.choice(pools.kinds),)},
        ))
    return out


def _distinct(rng: random.Random, pool: Sequence[str], k: int) -> list[str]:
    return rng.sample(list(pool), k) if len(pool) >= k else [rng.choice(pool) for _ in range(k)]


def _typable(term: str, analyzer: Analyzer) -> bool:
    if len(term) < 4 or not term.isalpha() or not any("а" <= ch <= "я" for ch in term):
        return False
    return analyzer.lemmas(term) == [term]
