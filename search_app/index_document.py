"""One generator of index documents for every backend, full or partial reindex."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ingest.document import Document
from search_app.analysis.analyzer import Analyzer
from search_app.analysis.tokenizer import act_number_key, token_texts
from search_app.citations import CITES_FIELD, cite_keys

# The lemma lists behind the text fields, for a backend's ``prepare`` that needs
# the words (the embedded engine's sequence terms); not an index field.
LEMMA_WORDS = "lemma_words"
NO_DEADLINE = 99991231  # sorts after every real deadline
NO_DATE = 0


def date_key(value: dt.date | None, missing: int = NO_DATE) -> int:
    """A date as an integer ``YYYYMMDD`` (what range filters and sorts use)."""
    return value.year * 10000 + value.month * 100 + value.day if value else missing


def article_index_keys(doc_number: str, article: str) -> list[str]:
    """An article of an act is found by «131-фз:14» and, less strongly, by «14»."""
    if not article:
        return []
    keys = [article]
    if doc_number:
        keys.insert(0, f"{act_number_key(doc_number)}:{article}")
    return keys


def build_index_document(doc: Document, analyzer: Analyzer) -> dict[str, Any]:
    """Fields shared by every backend: lemma texts, keywords, numbers."""
    meta_parts = [
        doc.doc_type, doc.issuer, doc.municipality, doc.answered_by,
        " ".join(doc.topics), " ".join(doc.audience), " ".join(doc.regions),
    ]
    steps_text = " ".join(f"{s.title} {s.text}" for s in doc.steps)
    if doc.answer:  # a consultation: the question reads as its summary, the answer as its body
        steps_text = f"{steps_text} {doc.answer}".strip()
    lead = f"{doc.summary} {doc.question}".strip()
    article = str(doc.extra.get("article") or "")
    title, summary, body = token_texts(doc.title), token_texts(lead), token_texts(f"{doc.body} {steps_text}")
    words = {
        "title": analyzer.token_lemmas(title),
        "summary": analyzer.token_lemmas(summary),
        "body": analyzer.token_lemmas(body),
        "meta": analyzer.lemmas(" ".join(p for p in meta_parts if p)),
    }
    return {
        "id": doc.id,
        "kind": doc.kind,
        **{name: " ".join(lemmas) for name, lemmas in words.items()},
        LEMMA_WORDS: words,
        "doc_number": [act_number_key(doc.doc_number)] if doc.doc_number and not article else [],
        "article": article_index_keys(doc.doc_number, article),
        "regions": list(doc.regions),
        "topics": list(doc.topics),
        "audience": list(doc.audience),
        "status": doc.status or "none",
        "issuer": doc.issuer,
        "year": doc.published.year if doc.published else NO_DATE,
        "published": date_key(doc.published),
        "deadline": date_key(doc.deadline, NO_DEADLINE),
        "amount_min": doc.amount_min if doc.amount_min is not None else -1.0,
        "amount_max": doc.amount_max if doc.amount_max is not None else -1.0,
        "refs": list(doc.refs),
        CITES_FIELD: cite_keys(doc.cites),
        # Distinct surface forms: the vocabulary typo correction draws on.
        "forms": " ".join(filter(str.isalpha, dict.fromkeys(_form_tokens(doc, steps_text, title, summary, body)))),
        # Original texts: for engines that also analyse them (Elasticsearch's
        # `russian` fallback and `.exact` subfields); the embedded engine ignores them.
        "title_text": doc.title,
        "summary_text": lead,
        "body_text": f"{doc.body} {steps_text}".strip(),
        "doc_number_text": doc.doc_number,
    }


def _form_tokens(doc: Document, steps_text: str, *parts: list[str]) -> list[str]:
    """Tokens of title, summary and body joined by spaces, reusing each part's tokens.

    Only an act number can span the space between two parts: «131 | фз» puts
    «фз» first on the right, «фз | № 131» or «фз n | 131» put «фз» or «n» last
    on the left. Only then is the joined text tokenized again.
    """
    filled = [part for part in parts if part]
    for left, right in zip(filled, filled[1:], strict=False):
        if _act_edge(left[-1]) or _act_edge(right[0]):
            return token_texts(f"{doc.title} {doc.summary} {doc.question} {doc.body} {steps_text}")
    return [t for part in filled for t in part]


def _act_edge(token: str) -> bool:
    return "фз" in token or "фкз" in token or token == "n"
