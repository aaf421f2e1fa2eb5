"""A question to a lawyer and its way through the queue (pure, no IO).

new → assigned (a lawyer took it) → published (answer public, question
anonymised, the consultation a document of the base) or answered (answer
seen by the asker only). A published or private answer is final; the asker
sees every status on their page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ingest.document import Cite, Document

NEW, ASSIGNED, PUBLISHED, ANSWERED = "new", "assigned", "published", "answered"
STATUS_LABELS: dict[str, str] = {
    NEW: "Ждёт юриста",
    ASSIGNED: "Юрист готовит ответ",
    PUBLISHED: "Ответ опубликован",
    ANSWERED: "Ответ дан лично",
}
FINAL = frozenset({PUBLISHED, ANSWERED})
PUBLIC, PRIVATE = "public", "private"
HIDDEN = "[скрыто]"
DOCUMENT_PREFIX = "legal-q-"
ANSWERED_BY = "Юрист Муниципального навигатора"
SOURCE = "Муниципальный навигатор: вопросы юристу"
TITLE_LIMIT = 200
QUESTION_LIMIT = 5000
ANSWER_LIMIT = 20000


@dataclass(frozen=True)
class Question:
    id: int
    asker_id: int
    title: str
    text: str
    created_at: str
    disclose_municipality: bool = False
    municipality: str = ""  # the asker's, at the time of asking
    region: str = ""
    topics: tuple[str, ...] = ()
    status: str = NEW
    lawyer_id: int | None = None
    assigned_at: str | None = None
    public_text: str = ""  # the question as published (anonymised, checked by the lawyer)
    answer: str = ""
    cites: tuple[Cite, ...] = ()
    answered_at: str | None = None
    document_id: str | None = None
    seen_at: str | None = None  # when the asker last looked at the answer
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def is_final(self) -> bool:
        return self.status in FINAL

    @property
    def unread(self) -> bool:
        """Answered since the asker last looked: shown as news on their page."""
        return self.is_final and (self.seen_at is None or (self.answered_at or "") > self.seen_at)


def can_take(question: Question, lawyer_id: int) -> bool:
    """A new question, or one another lawyer took and left unanswered, may be taken."""
    return question.status == NEW or (question.status == ASSIGNED and question.lawyer_id != lawyer_id)


def can_answer(question: Question, lawyer_id: int) -> bool:
    return question.status == ASSIGNED and question.lawyer_id == lawyer_id


def may_read_answer(question: Question, user_id: int, is_lawyer: bool) -> bool:
    """A public answer is read by all (as a document); a private one by the asker and lawyers."""
    return question.status == PUBLISHED or user_id == question.asker_id or is_lawyer


def anonymised(text: str, name: str, municipality: str, disclose_municipality: bool) -> str:
    """The question without the asker's name, and without the municipality unless
    they agreed to show it: every word of the name and the municipality's
    distinctive words, in any case ending, become «[скрыто]». Best effort; the
    lawyer checks the text before publishing."""
    words = [w for w in re.findall(r"[А-Яа-яЁёA-Za-z-]{3,}", name)]
    if not disclose_municipality:
        words += [w for w in re.findall(r"[А-Яа-яЁёA-Za-z-]{4,}", municipality) if w.lower() not in _COMMON_WORDS]
    for word in sorted(set(words), key=len, reverse=True):
        stem = re.escape(word[:-2] if len(word) > 5 else word)
        text = re.sub(rf"(?<![\w-]){stem}[а-яёa-z]{{0,4}}(?![\w-])", HIDDEN, text, flags=re.IGNORECASE)
    return text


# Words of municipality names that identify nobody.
_COMMON_WORDS = frozenset({
    "муниципальный", "муниципального", "муниципальное", "образование", "образования", "округ", "округа",
    "район", "района", "городской", "городского", "сельское", "сельского", "поселение", "поселения",
    "город", "города", "село", "села", "деревня", "посёлок", "поселок", "край", "края", "область", "области",
    "республика", "республики", "администрация", "администрации",
})


def document_id(question_id: int) -> str:
    return f"{DOCUMENT_PREFIX}{question_id}"


def published_document(question: Question, answered_on: dt.date) -> Document:
    """The consultation the base gains when an answer is published."""
    return Document.from_dict({
        "id": document_id(question.id),
        "kind": "consultation",
        "title": question.title,
        "question": question.public_text or question.text,
        "answer": question.answer,
        "cites": [c.to_dict() for c in question.cites],
        "answered_by": ANSWERED_BY,
        "source": SOURCE,
        "regions": [question.region] if question.disclose_municipality and question.region else ["Российская Федерация"],
        "municipality": question.municipality if question.disclose_municipality else "",
        "topics": list(question.topics),
        "audience": ["органы местного самоуправления"],
        "published": answered_on.isoformat(),
    })


def question_problems(title: str, text: str) -> dict[str, str]:
    """Field → what to fix, for a question being asked."""
    problems: dict[str, str] = {}
    if not title.strip():
        problems["title"] = "Коротко сформулируйте вопрос."
    elif len(title) > TITLE_LIMIT:
        problems["title"] = f"Не длиннее {TITLE_LIMIT} символов."
    if len(text.strip()) < 20:
        problems["text"] = "Опишите ситуацию подробнее: не меньше 20 символов."
    elif len(text) > QUESTION_LIMIT:
        problems["text"] = f"Не длиннее {QUESTION_LIMIT} символов."
    return problems
