"""The one document model every source, store, backend and page shares.

Fields follow ``FORMAT.md`` in the repository root. Unknown fields are kept in ``extra``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ingest.weburl import is_web_url

KINDS: tuple[str, ...] = (
    "measure", "competition", "legal_act", "practice", "solution", "course", "consultation",
)
STATUSES: tuple[str, ...] = ("open", "closed", "permanent", "in_force", "expired", "draft")

KIND_LABELS: dict[str, str] = {
    "measure": "Мера поддержки",
    "competition": "Конкурс",
    "legal_act": "Правовой акт",
    "practice": "Практика",
    "solution": "Готовое решение",
    "course": "Курс",
    "consultation": "Консультация",
}
STATUS_LABELS: dict[str, str] = {
    "open": "Приём заявок",
    "closed": "Завершён",
    "permanent": "Действует постоянно",
    "in_force": "Действует",
    "expired": "Утратил силу",
    "draft": "Проект",
}
# Statuses after which a document is "finished" whatever its deadline says.
FINISHED_STATUSES: frozenset[str] = frozenset({"closed", "expired"})

_STR_FIELDS = (
    "summary", "body", "url", "source", "issuer", "municipality",
    "status", "doc_number", "doc_type", "question", "answer", "answered_by",
)
_LIST_FIELDS = ("regions", "topics", "audience")
_DATE_FIELDS = ("published", "deadline")
_NUM_FIELDS = ("amount_min", "amount_max")
KNOWN_FIELDS: frozenset[str] = frozenset(
    ("id", "kind", "title", "steps", "cites", *_STR_FIELDS, *_LIST_FIELDS, *_DATE_FIELDS, *_NUM_FIELDS)
)
MAX_ID_LENGTH = 200
NOT_FINITE = "должно быть конечным числом (NaN, Infinity и переполнение не допускаются)"
NOT_WEB_URL = "ожидается адрес http:// или https://"
# How ``Document.from_stored`` rebuilds each known field of a stored record.
_STORED_KIND: dict[str, str] = {
    "id": "str", "kind": "str", "title": "str", "steps": "steps", "cites": "cites",
    **dict.fromkeys(_STR_FIELDS, "str"), **dict.fromkeys(_LIST_FIELDS, "list"),
    **dict.fromkeys(_DATE_FIELDS, "date"), **dict.fromkeys(_NUM_FIELDS, "num"),
}


class ValidationError(ValueError):
    """A document field is missing or malformed; ``field`` names it."""

    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(f"{field_name}: {reason}")
        self.field = field_name
        self.reason = reason


@dataclass(frozen=True)
class Step:
    """One step of a solution, referencing documents by id."""

    title: str
    text: str = ""
    refs: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "text": self.text, "refs": list(self.refs)}


@dataclass(frozen=True)
class Cite:
    """An act (and optionally its article) a consultation relies on."""

    doc_number: str
    article: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"doc_number": self.doc_number, "article": self.article} if self.article else {"doc_number": self.doc_number}


@dataclass(frozen=True)
class Document:
    """A normalised document of any kind."""

    id: str
    kind: str
    title: str
    summary: str = ""
    body: str = ""
    url: str = ""
    source: str = ""
    issuer: str = ""
    regions: tuple[str, ...] = ()
    municipality: str = ""
    topics: tuple[str, ...] = ()
    audience: tuple[str, ...] = ()
    published: dt.date | None = None
    deadline: dt.date | None = None
    status: str = ""
    doc_number: str = ""
    doc_type: str = ""
    amount_min: float | None = None
    amount_max: float | None = None
    steps: tuple[Step, ...] = ()
    question: str = ""
    answer: str = ""
    answered_by: str = ""
    cites: tuple[Cite, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Document:
        """Validate a FORMAT.md record; raise ``ValidationError`` naming the field."""
        if not isinstance(data, Mapping):
            raise ValidationError("(документ)", "ожидается JSON-объект")
        values: dict[str, Any] = {
            "id": _required_str(data, "id"),
            "kind": _required_str(data, "kind"),
            "title": _required_str(data, "title"),
        }
        if len(values["id"]) > MAX_ID_LENGTH:
            raise ValidationError("id", f"длиннее {MAX_ID_LENGTH} символов")
        if values["kind"] not in KINDS:
            raise ValidationError("kind", f"неизвестный вид {values['kind']!r}; допустимо: {', '.join(KINDS)}")
        for name in _STR_FIELDS:
            values[name] = _optional_str(data, name)
        if values["status"] and values["status"] not in STATUSES:
            raise ValidationError("status", f"неизвестный статус {values['status']!r}; допустимо: {', '.join(STATUSES)}")
        if values["url"] and not is_web_url(values["url"]):
            raise ValidationError("url", NOT_WEB_URL)
        for name in _LIST_FIELDS:
            values[name] = _str_list(data, name)
        for name in _DATE_FIELDS:
            values[name] = _date(data, name)
        for name in _NUM_FIELDS:
            values[name] = _number(data, name)
        if values["amount_min"] is not None and values["amount_max"] is not None:
            if values["amount_min"] > values["amount_max"]:
                raise ValidationError("amount_min", "больше amount_max")
        values["steps"] = _steps(data)
        values["cites"] = _cites(data)
        if values["kind"] == "consultation" and not values["answer"]:
            raise ValidationError("answer", "у консультации должен быть ответ юриста")
        values["extra"] = {k: v for k, v in data.items() if k not in KNOWN_FIELDS}
        for name, value in values["extra"].items():
            if not _all_finite(value):
                raise ValidationError(name, NOT_FINITE)
        return cls(**values)

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> Document:
        """A record ``to_dict`` wrote (the store): valid already, so rebuilt without
        checking again; five times cheaper than ``from_dict`` on the request path."""
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for name, value in data.items():
            kind = _STORED_KIND.get(name)
            if kind is None:
                extra[name] = value
            elif kind == "str":
                values[name] = value
            elif kind == "list":
                values[name] = tuple(value)
            elif kind == "date":
                values[name] = dt.date.fromisoformat(value)
            elif kind == "num":
                number = float(value)  # records stored before validation may hold NaN/Infinity
                values[name] = number if math.isfinite(number) else None
            elif kind == "cites":
                values[name] = tuple(Cite(c["doc_number"], c.get("article", "")) for c in value)
            else:
                values[name] = tuple(
                    Step(s["title"], s.get("text", ""), tuple(s.get("refs", ()))) for s in value
                )
        return cls(**values, extra=extra)

    def to_dict(self) -> dict[str, Any]:
        """Serialise back to a FORMAT.md record (empty fields left out, extras kept)."""
        out: dict[str, Any] = {"id": self.id, "kind": self.kind, "title": self.title}
        for name in _SERIALISED_FIELDS:
            value = getattr(self, name)
            if value in ("", None, ()):
                continue
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif name in ("steps", "cites"):
                value = [s.to_dict() for s in value]
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, float) and value.is_integer():
                value = int(value)
            out[name] = value
        out.update(self.extra)
        return out

    def content_hash(self) -> str:
        """Stable hash of the content; equal hashes mean "unchanged"."""
        payload = json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    @property
    def refs(self) -> tuple[str, ...]:
        """All document ids referenced by this document's steps, in order, unique."""
        seen: dict[str, None] = {}
        for step in self.steps:
            for ref in step.refs:
                seen.setdefault(ref, None)
        return tuple(seen)

    @property
    def lead(self) -> str:
        """The abstract a listing shows: the summary, or a consultation's question."""
        return self.summary or self.question

    @property
    def main_text(self) -> str:
        """The full text: the body, or a consultation's answer."""
        return self.body or self.answer

    def is_finished(self, today: dt.date) -> bool:
        """Closed/expired, or its deadline has passed."""
        if self.status in FINISHED_STATUSES:
            return True
        return self.deadline is not None and self.deadline < today


def _required_str(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None:
        raise ValidationError(name, "обязательное поле отсутствует")
    if not isinstance(value, str):
        raise ValidationError(name, "ожидается строка")
    value = value.strip()
    if not value:
        raise ValidationError(name, "пустая строка")
    return value


def _optional_str(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(name, "ожидается строка")
    return value.strip()


def _str_list(data: Mapping[str, Any], name: str) -> tuple[str, ...]:
    value = data.get(name)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(name, "ожидается список строк")
    return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))


def _date(data: Mapping[str, Any], name: str) -> dt.date | None:
    value = data.get(name)
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValidationError(name, "ожидается дата строкой ГГГГ-ММ-ДД")
    text = value.strip()
    # Accept a bare date or an ISO timestamp that starts with one.
    if len(text) > 10 and text[10] in "T ":
        text = text[:10]
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else _bad_date(name, value)
    except ValueError:
        return _bad_date(name, value)


def _bad_date(name: str, value: str) -> dt.date:
    raise ValidationError(name, f"некорректная дата {value!r}, ожидается ГГГГ-ММ-ДД")


def _number(data: Mapping[str, Any], name: str) -> float | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(name, "ожидается число")
    try:
        number = float(value)
    except OverflowError:  # an integer literal with hundreds of digits
        raise ValidationError(name, NOT_FINITE) from None
    if not math.isfinite(number):
        raise ValidationError(name, NOT_FINITE)
    if number < 0:
        raise ValidationError(name, "не может быть отрицательным")
    return number


def _all_finite(value: Any) -> bool:
    """False if a float inside ``value`` (an unknown field) is NaN or infinite: such a record
    would make invalid JSON in the API."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return False
        if isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return True



def _steps(data: Mapping[str, Any]) -> tuple[Step, ...]:
    value = data.get("steps")
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValidationError("steps", "ожидается список шагов")
    steps = []
    for n, raw in enumerate(value, start=1):
        if not isinstance(raw, Mapping):
            raise ValidationError(f"steps[{n}]", "ожидается объект")
        title = raw.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ValidationError(f"steps[{n}].title", "обязательное поле отсутствует")
        text = raw.get("text", "")
        if not isinstance(text, str):
            raise ValidationError(f"steps[{n}].text", "ожидается строка")
        refs = raw.get("refs", [])
        if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
            raise ValidationError(f"steps[{n}].refs", "ожидается список id документов")
        steps.append(Step(title=title.strip(), text=text.strip(), refs=tuple(refs)))
    return tuple(steps)


ARTICLE_NUMBER = re.compile(r"\d+(?:\.\d+)*")


def _cites(data: Mapping[str, Any]) -> tuple[Cite, ...]:
    value = data.get("cites")
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValidationError("cites", "ожидается список ссылок на акты")
    cites: dict[Cite, None] = {}
    for n, raw in enumerate(value, start=1):
        if not isinstance(raw, Mapping):
            raise ValidationError(f"cites[{n}]", "ожидается объект {\"doc_number\": …, \"article\": …}")
        number = raw.get("doc_number")
        if not isinstance(number, str) or not number.strip():
            raise ValidationError(f"cites[{n}].doc_number", "обязательное поле отсутствует")
        article = raw.get("article", "")
        if isinstance(article, int) and not isinstance(article, bool):
            article = str(article)
        if not isinstance(article, str):
            raise ValidationError(f"cites[{n}].article", "ожидается номер статьи строкой")
        article = article.strip()
        if article and not ARTICLE_NUMBER.fullmatch(article):
            raise ValidationError(f"cites[{n}].article", f"некорректный номер статьи {article!r}, ожидается, например, «17» или «26.1»")
        cites.setdefault(Cite(" ".join(number.split()), article), None)
    return tuple(cites)


# Fields to_dict writes after id/kind/title, in declaration order (computed once).
_SERIALISED_FIELDS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(Document) if f.name not in ("id", "kind", "title", "extra")
)
