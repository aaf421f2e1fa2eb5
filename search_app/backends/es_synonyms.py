"""Synonym rules for Elasticsearch in LEMMA form, from the dictionaries in service.

The lemma fields hold pymorphy3 lemmas, so the search-time ``synonym_graph``
filter must see rules written in lemmas too. They come from the same files
and the same analysis function as the Python query expansion (STYLE rule 4):
``synonyms/*.txt`` overlaid by the dictionaries edited in the console.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from search_app.analysis.analyzer import Analyzer
from search_app.analysis.synonyms import SynonymRule

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


def rules_in_service(analyzer: Analyzer) -> list[dict[str, Any]]:
    """Lemma-form rules of the dictionaries the analyzer expands with: its ``synonyms/``
    files overlaid by the edits kept in the store (the same view as query expansion)."""
    return lemma_synonym_rules(analyzer.synonym_rules(), analyzer.lemmas)
