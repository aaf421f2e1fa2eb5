"""The queue's rules and the published consultation (pure)."""

from __future__ import annotations

import datetime as dt

from ingest.document import Cite
from search_app.consultations.model import (
    ASSIGNED,
    PUBLISHED,
    Question,
    anonymised,
    can_answer,
    can_take,
    may_read_answer,
    published_document,
)

Q = Question(id=7, asker_id=1, title="Дороги между сёлами", text="Текст", created_at="2026-11-01T10:00:00Z")


def test_anonymised_hides_the_name_and_the_municipality_without_consent() -> None:
    text = "Я, Петрова Анна, глава Вельского муниципального округа. В Вельском округе Петровой поручили дороги."
    assert anonymised(text, "Анна Петрова", "Вельский муниципальный округ", False) == (
        "Я, [скрыто] [скрыто], глава [скрыто] муниципального округа. В [скрыто] округе [скрыто] поручили дороги."
    )
    assert anonymised(text, "Анна Петрова", "Вельский муниципальный округ", True) == (
        "Я, [скрыто] [скрыто], глава Вельского муниципального округа. В Вельском округе [скрыто] поручили дороги."
    )


def test_who_may_take_and_answer() -> None:
    assert can_take(Q, 5) and not can_answer(Q, 5)
    taken = Question(**{**Q.__dict__, "status": ASSIGNED, "lawyer_id": 5})
    assert can_answer(taken, 5) and not can_answer(taken, 6)
    assert can_take(taken, 6) and not can_take(taken, 5)  # another lawyer may take it over
    done = Question(**{**Q.__dict__, "status": PUBLISHED, "lawyer_id": 5})
    assert not can_take(done, 6) and not can_answer(done, 5)


def test_a_private_answer_is_read_by_its_asker_and_lawyers_only() -> None:
    private = Question(**{**Q.__dict__, "status": "answered"})
    assert may_read_answer(private, 1, False) and may_read_answer(private, 9, True)
    assert not may_read_answer(private, 2, False)
    assert may_read_answer(Question(**{**Q.__dict__, "status": PUBLISHED}), 2, False)


def test_published_document_keeps_the_municipality_only_with_consent() -> None:
    q = Question(**{**Q.__dict__, "status": PUBLISHED, "public_text": "Кто содержит дороги?", "answer": "Округ.",
                    "cites": (Cite("131-ФЗ", "17"),), "municipality": "Вельский округ", "region": "Архангельская область"})
    doc = published_document(q, dt.date(2026, 11, 27))
    assert (doc.id, doc.kind, doc.question, doc.cites, doc.municipality, doc.regions) == (
        "legal-q-7", "consultation", "Кто содержит дороги?", (Cite("131-ФЗ", "17"),), "", ("Российская Федерация",))
    agreed = published_document(Question(**{**q.__dict__, "disclose_municipality": True}), dt.date(2026, 11, 27))
    assert (agreed.municipality, agreed.regions) == ("Вельский округ", ("Архангельская область",))
