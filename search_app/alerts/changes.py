"""What happened to a document between two of its stored versions (pure).

The store keeps every content a document has had (``document_versions``);
the service hands these functions the content a document had at a cursor
and the content it has now.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from ingest.document import STATUS_LABELS, Document

# Fields that name an act's edition: a new edition changes one of them.
EDITION_FIELDS: tuple[str, ...] = ("published", "doc_number")
EDITION_EXTRA: tuple[str, ...] = ("edition", "revision", "redaction")
TEXT_FIELDS: tuple[str, ...] = ("title", "summary", "body")


class Arrival(StrEnum):
    """Why a document is new to a search's follower."""

    APPEARED = "appeared"  # first stored after the cursor
    REOPENED = "reopened"  # finished at the cursor, open again now (status or deadline moved)


ARRIVAL_LABELS: dict[Arrival, str] = {Arrival.APPEARED: "новый", Arrival.REOPENED: "снова открыт"}


def arrival(before: Document | None, now: Document, today: dt.date) -> Arrival | None:
    """``before``: the content at the cursor (``None``: the document did not exist yet)."""
    if before is None:
        return Arrival.APPEARED
    if before.is_finished(today) and not now.is_finished(today):
        return Arrival.REOPENED
    return None


def act_changes(old: Document, new: Document) -> list[str]:
    """What changed in a followed act, in Russian, most important first (empty: nothing to tell)."""
    changes: list[str] = []
    if old.status != new.status:
        changes.append(f"статус: {_status(old.status)} → {_status(new.status)}")
    if _edition(old) != _edition(new):
        changes.append("новая редакция" + (f" от {new.published:%d.%m.%Y}" if new.published else ""))
    if any(getattr(old, name) != getattr(new, name) for name in TEXT_FIELDS):
        changes.append("изменён текст")
    return changes


def _status(status: str) -> str:
    return STATUS_LABELS.get(status, status or "не указан")


def _edition(doc: Document) -> tuple[object, ...]:
    return (*(getattr(doc, name) for name in EDITION_FIELDS), *(doc.extra.get(key) for key in EDITION_EXTRA))
