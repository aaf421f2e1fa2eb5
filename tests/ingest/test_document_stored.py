"""Documents read back from the store equal the validated documents that were stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.document import Document
from ingest.jsonl import read_documents
from ingest.store import Store

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def _sample() -> list[Document]:
    return [d for p in sorted(SAMPLE.glob("*.jsonl")) for d in read_documents(p) if not isinstance(d, Exception)]


def test_every_field_survives_the_round_trip() -> None:
    doc = Document.from_dict({
        "id": "x-1", "kind": "competition", "title": " Конкурс ", "summary": "Кратко", "body": "Текст",
        "url": "https://example.org/1", "source": "test", "issuer": "Минстрой России",
        "regions": ["Тверская область", "Омская область"], "municipality": "Тверь",
        "topics": ["дороги"], "audience": ["МСУ"], "published": "2026-01-02T10:00:00",
        "deadline": "2026-12-31", "status": "open", "doc_number": "131-ФЗ", "doc_type": "закон",
        "amount_min": 10, "amount_max": 2.5e6, "article": "14", "custom": {"a": [1, 2]},
        "steps": [{"title": "Шаг", "text": "Сделать", "refs": ["act-1"]}, {"title": "Второй"}],
    })
    stored = json.loads(json.dumps(doc.to_dict(), ensure_ascii=False, sort_keys=True))
    back = Document.from_stored(stored)
    assert back == doc
    assert isinstance(back.amount_min, float) and back.extra == {"article": "14", "custom": {"a": [1, 2]}}


def test_sample_documents_come_back_equal(tmp_path: Path) -> None:
    docs = _sample()
    store = Store(tmp_path / "store.sqlite3")
    try:
        store.upsert_many(docs)
        back = store.get_many(d.id for d in docs)
    finally:
        store.close()
    assert len(back) == len(docs) > 400
    for doc in docs:
        assert back[doc.id] == doc


@pytest.mark.parametrize("doc", _sample()[:40], ids=lambda d: d.id)
def test_from_stored_equals_from_dict(doc: Document) -> None:
    record = json.loads(json.dumps(doc.to_dict(), ensure_ascii=False))
    assert Document.from_stored(record) == Document.from_dict(record)
