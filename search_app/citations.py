"""Consultations and the acts they cite (pure): index keys, outdated status.

A consultation cites acts by number (``Cite.doc_number``, spelled as in the
act's record) and optionally an article. The index holds one key per cited
act («131-фз») and one per cited article («131-фз:17»), so an act page finds
the consultations that cite it with one filter on either backend.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from ingest.document import Cite, Document
from search_app.analysis.tokenizer import act_number_key

CITES_FIELD = "cites"
OUTDATED_STATUS = "expired"  # what an outdated consultation is ranked and filtered as
# Act statuses after which advice relying on the act is outdated.
LAPSED_STATUSES: frozenset[str] = frozenset({"expired"})

ActStatuses = Mapping[str, frozenset[str]]  # act number key → statuses of the acts with that number


def cite_key(doc_number: str, article: str = "") -> str:
    """«131-ФЗ», «17» → «131-фз:17»; without an article → «131-фз»."""
    key = act_number_key(doc_number)
    return f"{key}:{article}" if article else key


def cite_keys(cites: Iterable[Cite]) -> list[str]:
    """Index keys of a consultation: each act, and each article cited."""
    keys: dict[str, None] = {}
    for cite in cites:
        keys.setdefault(cite_key(cite.doc_number), None)
        if cite.article:
            keys.setdefault(cite_key(cite.doc_number, cite.article), None)
    return list(keys)


def act_statuses(records: Iterable[Mapping[str, Any]]) -> dict[str, frozenset[str]]:
    """Statuses of whole acts by number key, from stored legal act records
    (articles of an act are left out)."""
    out: dict[str, set[str]] = {}
    for data in records:
        if data.get("doc_number") and not data.get("article"):
            out.setdefault(act_number_key(str(data["doc_number"])), set()).add(str(data.get("status") or ""))
    return {key: frozenset(statuses) for key, statuses in out.items()}


def lapsed_cites(doc: Document, statuses: ActStatuses) -> list[Cite]:
    """The cited acts that are no longer in force (every act with that number lapsed)."""
    out = []
    for cite in doc.cites:
        found = statuses.get(act_number_key(cite.doc_number))
        if found and found <= LAPSED_STATUSES:
            out.append(cite)
    return out


def with_derived_status(doc: Document, statuses: ActStatuses) -> Document:
    """The copy the index gets: a consultation relying on a lapsed act is outdated
    (ranked and filtered as expired); the store keeps the document as received."""
    if doc.kind != "consultation" or doc.status == OUTDATED_STATUS or not lapsed_cites(doc, statuses):
        return doc
    return replace(doc, status=OUTDATED_STATUS)


def cited_numbers(docs: Iterable[Document]) -> set[str]:
    """Act number keys of the whole acts among ``docs`` (whose consultations may change)."""
    return {act_number_key(d.doc_number) for d in docs if d.kind == "legal_act" and d.doc_number and not d.extra.get("article")}


def cited_by_key(doc: Document) -> str | None:
    """The ``cites`` filter value that finds the consultations citing ``doc`` (an act
    or an article of one), or ``None`` when ``doc`` is not a numbered act."""
    if doc.kind != "legal_act" or not doc.doc_number:
        return None
    return cite_key(doc.doc_number, str(doc.extra.get("article") or ""))
