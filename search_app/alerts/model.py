"""What the alerts service hands out (plain values, no database rows)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from search_app.alerts.periods import FREQUENCY_LABELS
from search_app.alerts.saved_query import search_url


class AlertError(ValueError):
    """A request the user must change; the message is shown as is (Russian)."""


@dataclass(frozen=True)
class SavedSearch:
    id: int
    user_id: int
    name: str
    query: str  # canonical query string
    frequency: str
    created_at: str
    seen_version: int
    sent_version: int
    sent_period: str | None
    feed_token: str | None

    @classmethod
    def from_row(cls, row: Any) -> SavedSearch:
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})

    @property
    def search_path(self) -> str:
        return search_url(self.query)

    @property
    def frequency_label(self) -> str:
        return FREQUENCY_LABELS.get(self.frequency, self.frequency)


@dataclass(frozen=True)
class Follow:
    id: int
    user_id: int
    doc_id: str
    created_at: str
    seen_version: int

    @classmethod
    def from_row(cls, row: Any) -> Follow:
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Notification:
    id: int
    section: str  # search | reminder | change
    search_id: int | None
    doc_id: str
    title: str
    doc_kind: str
    note: str
    deadline: dt.date | None
    created_at: str

    @classmethod
    def from_row(cls, row: Any) -> Notification:
        values = {name: getattr(row, name) for name in cls.__dataclass_fields__}
        values["deadline"] = dt.date.fromisoformat(row.deadline) if row.deadline else None
        return cls(**values)


@dataclass(frozen=True)
class DeliveryProblem:
    """A letter the SMTP server did not take, for the editors' console (no address shown)."""

    letter_id: int
    user_id: int
    period: str
    status: str
    attempts: int
    next_attempt_at: str | None
    last_error: str
