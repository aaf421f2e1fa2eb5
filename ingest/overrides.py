"""Editors' corrections of documents that come from a source (pure: no database).

A document from a crawl or a file import belongs to its source: each crawl
stores the source's record again. An editor's change of such a document is kept
as an *override* of each field the editor changed, and what is published (the
index, the pages, the history of versions) is the source's record with the
overrides on top (``published``). The store applies this in the one place every
record passes through (``Store.receive_many``), so no connector knows about it.

Each override remembers the source's value it stands for. When a later record
of the source brings another value for the field, the correction stays
published and the override holds a *conflict* (the source's new value and
when it came) until an editor keeps the correction or takes the source's
value (``reconcile``). A source that comes to publish the editor's value makes
the override needless: it is retired.

Values are the JSON values of ``Document.to_dict``; ``None`` stands for a field
the record does not have (``to_dict`` leaves empty fields out).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

# Never overridden: a document's identity.
FIXED_FIELDS: frozenset[str] = frozenset({"id"})


def dumps(value: Any) -> str:
    """The stored JSON of a field's value (keys sorted: equal values, equal text)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def same(a: Any, b: Any) -> bool:
    return dumps(a) == dumps(b)


@dataclass(frozen=True)
class Override:
    """An editor's value of one field of a document from a source."""

    doc_id: str
    field: str
    value: Any  # the editor's value (None: the editor removed the field)
    source_value: Any  # the source's value the correction replaced (or was kept over)
    editor_id: int | None
    at: str
    source_new: Any = None  # the source's value since it changed under the correction
    changed_at: str | None = None  # when it changed; None: no conflict

    @property
    def conflict(self) -> bool:
        return self.changed_at is not None

    @property
    def source_current(self) -> Any:
        """What the source says now (its last record's value of the field)."""
        return self.source_new if self.conflict else self.source_value

    def kept(self, editor_id: int | None, at: str) -> Override:
        """The conflict resolved by keeping the correction over the source's new value."""
        return replace(self, source_value=self.source_current, source_new=None, changed_at=None,
                       editor_id=editor_id, at=at)


def _put(record: dict[str, Any], field: str, value: Any) -> None:
    if value is None:
        record.pop(field, None)
    else:
        record[field] = value


def published(source_record: Mapping[str, Any], overrides: Iterable[Override]) -> dict[str, Any]:
    """The source's record with the editors' values on top."""
    record = dict(source_record)
    for o in overrides:
        _put(record, o.field, o.value)
    return record


def source_record(published_record: Mapping[str, Any], overrides: Iterable[Override]) -> dict[str, Any]:
    """The source's last record, from what is published and the overrides on it."""
    record = dict(published_record)
    for o in overrides:
        _put(record, o.field, o.source_current)
    return record


@dataclass(frozen=True)
class Reconciled:
    overrides: tuple[Override, ...]  # those still needed, conflicts updated
    raised: tuple[str, ...]  # fields the record changed under a correction (new conflicts or new values)


def reconcile(record: Mapping[str, Any], overrides: Iterable[Override], now: str) -> Reconciled:
    """A new record of the source against the corrections of its document."""
    kept: list[Override] = []
    raised: list[str] = []
    for o in overrides:
        incoming = record.get(o.field)
        if same(incoming, o.value):
            continue  # the source publishes the editor's value now: nothing left to override
        if same(incoming, o.source_value):
            kept.append(replace(o, source_new=None, changed_at=None))  # (back) as the editor saw it
        elif o.conflict and same(incoming, o.source_new):
            kept.append(o)
        else:
            kept.append(replace(o, source_new=incoming, changed_at=now))
            raised.append(o.field)
    return Reconciled(tuple(kept), tuple(raised))


def corrected(
    current: Mapping[str, Any], edited: Mapping[str, Any], overrides: Iterable[Override],
    editor_id: int | None, now: str,
) -> tuple[Override, ...]:
    """The overrides after an editor changed the published record ``current`` into ``edited``.

    A changed field gets (or updates) its override; a field set back to what
    the source says loses it. Untouched fields keep theirs, conflicts included.
    """
    doc_id = str(current["id"])
    held = {o.field: o for o in overrides}
    source = source_record(current, held.values())
    for field in dict.fromkeys([*current, *edited]):
        value = edited.get(field)
        if field in FIXED_FIELDS or same(value, current.get(field)):
            continue
        before = held.get(field)
        if same(value, source.get(field)):
            held.pop(field, None)
        elif before is not None:
            held[field] = replace(before, value=value, editor_id=editor_id, at=now)
        else:
            held[field] = Override(doc_id, field, value, source.get(field), editor_id, now)
    return tuple(held.values())
