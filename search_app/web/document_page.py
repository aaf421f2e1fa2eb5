"""What a document page shows for each kind: facts, status line, JSON body (pure)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ingest.document import KIND_LABELS, STATUS_LABELS, Document
from search_app.web.consultation_page import CitedAct, is_outdated
from search_app.web.formatting import amount_range, countdown, russian_date
from search_app.web.refs import StepRef

DEADLINE_KINDS = ("measure", "competition", "course")


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    url: str = ""  # a search link for values one may want to browse


@dataclass(frozen=True)
class Deadline:
    """The application window as people say it: «до 9 декабря 2026 г., осталось 12 дней»."""

    date: dt.date
    finished: bool
    text: str


def deadline_line(doc: Document, today: dt.date) -> Deadline | None:
    if doc.deadline is None:
        return None
    finished = doc.is_finished(today)
    if finished:
        return Deadline(doc.deadline, True, f"Приём заявок завершён {russian_date(doc.deadline)}")
    left = countdown((doc.deadline - today).days)
    return Deadline(doc.deadline, False, f"до {russian_date(doc.deadline)}, {left}")


def _join(values: tuple[str, ...]) -> str:
    return ", ".join(values)


def facts(doc: Document, today: dt.date, outdated: bool = False) -> list[Fact]:
    """Label/value pairs in the order an official reads them, empty ones left out;
    ``outdated``: a consultation relies on an act no longer in force."""
    status = STATUS_LABELS.get(doc.status, doc.status)
    if doc.kind in ("measure", "competition"):
        deadline = deadline_line(doc, today)
        rows = [
            Fact("Кто предоставляет" if doc.kind == "measure" else "Организатор", doc.issuer),
            Fact("Кто может получить", _join(doc.audience)),
            Fact("Размер поддержки", amount_range(doc.amount_min, doc.amount_max)),
            Fact("Срок подачи заявок", deadline.text if deadline else ("без ограничения срока" if doc.status == "permanent" else "")),
            Fact("Статус", "Приём заявок завершён" if doc.is_finished(today) else status),
            Fact("Территория", _join(doc.regions)),
            Fact("Опубликовано", russian_date(doc.published)),
        ]
    elif doc.kind == "legal_act":
        rows = [
            Fact("Вид акта", doc.doc_type),
            Fact("Номер", doc.doc_number),
            Fact("Дата принятия", russian_date(doc.published)),
            Fact("Кто принял", doc.issuer),
            Fact("Статус", status),
            Fact("Территория", _join(doc.regions)),
        ]
    elif doc.kind == "practice":
        rows = [
            Fact("Муниципальное образование", doc.municipality),
            Fact("Регион", _join(doc.regions)),
            Fact("Кто реализовал", doc.issuer),
            Fact("Дата", russian_date(doc.published)),
        ]
    elif doc.kind == "consultation":
        rows = [
            Fact("Кто ответил", doc.answered_by),
            Fact("Дата ответа", russian_date(doc.published)),
            Fact("Статус", "Устарела: акт утратил силу" if outdated else "Актуальна"),
            Fact("Для кого", _join(doc.audience)),
            Fact("Территория", _join(doc.regions)),
        ]
    elif doc.kind == "course":
        deadline = deadline_line(doc, today)
        rows = [
            Fact("Организатор", doc.issuer),
            Fact("Для кого", _join(doc.audience)),
            Fact("Запись", deadline.text if deadline else status),
            Fact("Опубликовано", russian_date(doc.published)),
        ]
    else:
        rows = [
            Fact("Для кого", _join(doc.audience)),
            Fact("Территория", _join(doc.regions)),
            Fact("Обновлено", russian_date(doc.published)),
        ]
    return [f for f in rows if f.value]


def breadcrumbs(doc: Document, search_url: str, solutions_url: str) -> list[tuple[str, str]]:
    """(label, url) from the home page to the document; the last one has no url."""
    if doc.kind == "solution":
        middle = ("Готовые решения", solutions_url)
    else:
        middle = (KIND_LABELS.get(doc.kind, doc.kind), f"{search_url}?kind={doc.kind}")
    title = doc.title if len(doc.title) <= 80 else doc.title[:77].rstrip() + "…"
    return [("Главная", "/"), middle, (title, "")]


def short_ref(doc: Document) -> dict[str, Any]:
    return {"id": doc.id, "kind": doc.kind, "title": doc.title, "status": doc.status or None}


def document_json(
    doc: Document, today: dt.date, related: list[Document], steps: list[list[StepRef]],
    cited: list[CitedAct] | None = None, explanations: list[Document] | None = None,
) -> dict[str, Any]:
    """The document page as JSON: the stored record plus its live status; for a
    consultation the acts it cites, for an act the consultations citing it."""
    finished = doc.is_finished(today) or is_outdated(cited or [])
    extra: dict[str, Any] = {}
    if doc.kind == "consultation":
        extra = {"cites": [c.to_dict() for c in cited or []], "outdated": is_outdated(cited or [])}
    if explanations is not None:
        extra["explanations"] = [short_ref(d) for d in explanations]
    return {
        "document": doc.to_dict(),
        "kind_label": KIND_LABELS.get(doc.kind, doc.kind),
        "finished": finished,
        "days_left": (doc.deadline - today).days if doc.deadline and not finished else None,
        "steps": [
            {
                "title": step.title,
                "text": step.text,
                "refs": [
                    {"id": r.id, "found": r.document is not None, "title": r.document.title if r.document else None,
                     "kind": r.document.kind if r.document else None, "level": r.status.level,
                     "status": r.status.label, "flagged": r.status.flagged}
                    for r in refs
                ],
            }
            for step, refs in zip(doc.steps, steps, strict=True)
        ],
        "related": [short_ref(d) for d in related],
        **extra,
    }
