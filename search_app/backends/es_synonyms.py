"""Synonym rules for Elasticsearch in LEMMA form, generated from ``synonyms/*.txt``.

The lemma fields hold pymorphy3 lemmas, so the search-time ``synonym_graph``
filter must see rules written in lemmas too. They come from the same files
and the same analysis function as the Python query expansion (STYLE rule 4).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from search_app.analysis.analyzer import Analyzer
from search_app.analysis.synonyms import SynonymRule, read_synonym_files

Analyze = Callable[[str], list[str]]


def _lemma_terms(terms: Iterable[str], analyze: Analyze) -> list[str]:
    out: list[str] = []
    for term in terms:
        lemmas = " ".join(analyze(term))
        if lemmas and lemmas not in out:
            out.append(lemmas)
    return out


def _rule_id(source: str, n: int) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-")
    return slug or f"rule-{n}"


def lemma_synonym_rules(rules: Iterable[SynonymRule], analyze: Analyze) -> list[dict[str, Any]]:
    """Rules for ``PUT _synonyms/<set>``: ``[{"id": ..., "synonyms": "a, b => c"}]``.

    Lines that collapse to a single lemma sequence (nothing to expand) are dropped.
    """
    out: list[dict[str, Any]] = []
    for n, rule in enumerate(rules, start=1):
        left = _lemma_terms(rule.left, analyze)
        if rule.explicit:
            right = _lemma_terms(rule.right, analyze)
            if not left or not right or right == left:
                continue
            text = f"{', '.join(left)} => {', '.join(right)}"
        else:
            if len(left) < 2:
                continue
            text = ", ".join(left)
        out.append({"id": _rule_id(rule.source, n), "synonyms": text})
    return out


def rules_from_files(analyzer: Analyzer) -> list[dict[str, Any]]:
    """Lemma-form rules from the analyzer's own ``synonyms/`` directory."""
    directory = analyzer.synonyms_dir
    rules = read_synonym_files(directory) if directory.is_dir() else []
    return lemma_synonym_rules(rules, analyzer.lemmas)
