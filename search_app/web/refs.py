"""Live status of a document a solution step refers to (pure)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ingest.document import KIND_LABELS, STATUS_LABELS, Document
from search_app.web.formatting import countdown, russian_date

# Levels map to CSS classes: ok (green), info (neutral), warn (amber), danger (red).
OK, INFO, WARN, DANGER = "ok", "info", "warn", "danger"


@dataclass(frozen=True)
class RefStatus:
    level: str
    label: str

    @property
    def flagged(self) -> bool:
        return self.level in (WARN, DANGER)


@dataclass(frozen=True)
class StepRef:
    id: str
    document: Document | None
    status: RefStatus

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.document.kind, "") if self.document else ""


def ref_status(doc: Document | None, today: dt.date) -> RefStatus:
    """What an official must know before following the reference today."""
    if doc is None:
        return RefStatus(DANGER, "Документ отсутствует в базе")
    if doc.kind == "legal_act":
        if doc.status == "expired":
            return RefStatus(DANGER, "Утратил силу")
        if doc.status == "draft":
            return RefStatus(WARN, "Проект, не вступил в силу")
        return RefStatus(OK, STATUS_LABELS.get(doc.status, "Действует") if doc.status else "Действует")
    if doc.kind in ("measure", "competition"):
        if doc.deadline is not None and doc.deadline < today:
            return RefStatus(DANGER, f"Приём заявок завершён {russian_date(doc.deadline)}")
        if doc.status == "closed":
            return RefStatus(DANGER, "Приём заявок завершён")
        if doc.deadline is not None:
            left = countdown((doc.deadline - today).days)
            return RefStatus(OK, f"Приём заявок до {russian_date(doc.deadline)}, {left}")
        if doc.status == "permanent":
            return RefStatus(OK, "Действует постоянно")
        return RefStatus(INFO, STATUS_LABELS.get(doc.status, "Срок не указан") if doc.status else "Срок не указан")
    if doc.status == "expired":
        return RefStatus(DANGER, STATUS_LABELS["expired"])
    if doc.status == "closed":
        return RefStatus(WARN, STATUS_LABELS["closed"])
    return RefStatus(INFO, "")


def step_refs(refs: tuple[str, ...], docs: dict[str, Document], today: dt.date) -> list[StepRef]:
    return [StepRef(ref, docs.get(ref), ref_status(docs.get(ref), today)) for ref in refs]
