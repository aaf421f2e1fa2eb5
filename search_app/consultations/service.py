"""Every read and write of the lawyer queue; views call this, nothing else touches the table.

Publishing stores the consultation as a document and indexes it through the
search engine (``publish``), so it is found like any other and its citations
link to the acts; a private answer stays in this table only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from sqlalchemy import Engine, select

from ingest.clock import now_iso, today
from ingest.document import Cite, Document
from search_app.consultations.model import (
    ANSWERED,
    ASSIGNED,
    FINAL,
    NEW,
    PUBLIC,
    PUBLISHED,
    Question,
    can_answer,
    can_take,
    document_id,
    published_document,
)
from search_app.consultations.tables import legal_questions as t

Publish = Callable[[Iterable[Document]], object]


class QueueError(ValueError):
    """The question is not in a state that allows this; the message is for the user (Russian)."""


class ConsultationService:
    def __init__(self, engine: Engine, publish: Publish | None = None) -> None:
        self.engine = engine
        self.publish = publish  # the search engine's import_documents

    # -- reading -----------------------------------------------------------

    def get(self, question_id: int) -> Question | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t).where(t.c.id == question_id)).first()
        return _question(row) if row else None

    def asked_by(self, user_id: int) -> list[Question]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t).where(t.c.asker_id == user_id).order_by(t.c.id.desc())).all()
        return [_question(r) for r in rows]

    def queue(self, lawyer_id: int) -> dict[str, list[Question]]:
        """Open questions: those nobody took, those this lawyer took, those others took."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(t).where(t.c.status.in_((NEW, ASSIGNED))).order_by(t.c.id)).all()
        questions = [_question(r) for r in rows]
        return {
            "new": [q for q in questions if q.status == NEW],
            "mine": [q for q in questions if q.status == ASSIGNED and q.lawyer_id == lawyer_id],
            "others": [q for q in questions if q.status == ASSIGNED and q.lawyer_id != lawyer_id],
        }

    def answered(self, limit: int = 50) -> list[Question]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t).where(t.c.status.in_(tuple(FINAL))).order_by(t.c.answered_at.desc()).limit(limit)
            ).all()
        return [_question(r) for r in rows]

    def unread_count(self, user_id: int) -> int:
        return sum(q.unread for q in self.asked_by(user_id))

    # -- writing -----------------------------------------------------------

    def ask(self, asker_id: int, title: str, text: str, municipality: str, region: str,
            disclose_municipality: bool, topics: Iterable[str] = ()) -> Question:
        values = {
            "asker_id": asker_id, "title": title.strip(), "text": text.strip(), "municipality": municipality,
            "region": region, "disclose_municipality": disclose_municipality,
            "topics": json.dumps(list(topics), ensure_ascii=False), "status": NEW, "created_at": now_iso(),
        }
        with self.engine.begin() as conn:
            new_id = conn.execute(t.insert().values(**values)).inserted_primary_key[0]
        question = self.get(int(new_id))
        assert question is not None
        return question

    def take(self, question_id: int, lawyer_id: int) -> Question:
        question = self._require(question_id)
        if not can_take(question, lawyer_id):
            raise QueueError("Вопрос уже взят в работу или на него уже дан ответ.")
        self._update(question_id, question.status, lawyer_id=lawyer_id, status=ASSIGNED, assigned_at=now_iso())
        return self._require(question_id)

    def answer(self, question_id: int, lawyer_id: int, answer: str, cites: Iterable[Cite], public_text: str,
               visibility: str) -> Question:
        """Record the answer; a public one is published as a consultation document."""
        question = self._require(question_id)
        if not can_answer(question, lawyer_id):
            raise QueueError("Ответить может юрист, который взял вопрос в работу, и только один раз.")
        status = PUBLISHED if visibility == PUBLIC else ANSWERED
        answered = replace(
            question, answer=answer.strip(), cites=tuple(cites), public_text=public_text.strip(),
            status=status, answered_at=now_iso(),
        )
        values: dict[str, Any] = {
            "status": status, "answer": answered.answer, "public_text": answered.public_text,
            "cites": json.dumps([c.to_dict() for c in answered.cites], ensure_ascii=False),
            "answered_at": answered.answered_at,
        }
        if status == PUBLISHED:
            values["document_id"] = document_id(question_id)
        self._update(question_id, ASSIGNED, **values)
        if status == PUBLISHED and self.publish is not None:
            self.publish([published_document(answered, today())])
        return self._require(question_id)

    def mark_seen(self, question: Question) -> None:
        if question.unread:
            with self.engine.begin() as conn:
                conn.execute(t.update().where(t.c.id == question.id).values(seen_at=now_iso()))

    def _require(self, question_id: int) -> Question:
        question = self.get(question_id)
        if question is None:
            raise QueueError("Вопрос не найден.")
        return question

    def _update(self, question_id: int, expected_status: str, **values: Any) -> None:
        """Change a question still in ``expected_status`` (two lawyers at once: one wins)."""
        with self.engine.begin() as conn:
            done = conn.execute(
                t.update().where(t.c.id == question_id, t.c.status == expected_status).values(**values)
            ).rowcount
        if not done:
            raise QueueError("Вопрос только что изменил другой юрист; обновите страницу.")


def _question(row: Any) -> Question:
    return Question(
        id=row.id, asker_id=row.asker_id, title=row.title, text=row.text, created_at=row.created_at,
        disclose_municipality=bool(row.disclose_municipality), municipality=row.municipality, region=row.region,
        topics=tuple(json.loads(row.topics or "[]")), status=row.status, lawyer_id=row.lawyer_id,
        assigned_at=row.assigned_at, public_text=row.public_text, answer=row.answer,
        cites=tuple(Cite(c["doc_number"], c.get("article", "")) for c in json.loads(row.cites or "[]")),
        answered_at=row.answered_at, document_id=row.document_id, seen_at=row.seen_at,
    )
