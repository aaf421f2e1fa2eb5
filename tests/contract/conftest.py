"""Backends under contract: embedded always, Elasticsearch when ELASTICSEARCH_URL is set."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ingest.document import Document
from ingest.store import Store
from search_app.backends.base import SearchBackend
from search_app.engine import SearchEngine

# Read before the shared `data_dir` fixture clears it for the rest of the suite.
ES_URL = os.environ.get("ELASTICSEARCH_URL", "")
ES_SKIP_REASON = (
    "ELASTICSEARCH_URL не задан: контракт проверен только на встроенном движке "
    "(для Elasticsearch: docker compose up -d elasticsearch; ELASTICSEARCH_URL=http://localhost:9200 pytest tests/contract)"
)

CONTRACT_DOCS: list[dict] = [
    {"id": "c-open", "kind": "competition", "title": "Конкурс проектов благоустройства дворов",
     "summary": "Гранты на благоустройство дворов жителями.", "status": "open", "deadline": "2026-12-20",
     "published": "2026-10-01", "regions": ["Вологодская область"], "topics": ["благоустройство"]},
    {"id": "c-closed", "kind": "competition", "title": "Конкурс проектов благоустройства дворов",
     "summary": "Гранты на благоустройство дворов жителями.", "status": "closed", "deadline": "2025-03-01",
     "published": "2025-01-10", "regions": ["Вологодская область"], "topics": ["благоустройство"]},
    {"id": "c-overdue", "kind": "competition", "title": "Конкурс малых грантов для ТОС",
     "summary": "Поддержка территориального общественного самоуправления.", "status": "open",
     "deadline": "2026-01-01", "published": "2025-11-01", "regions": ["Пермский край"], "topics": ["ТОС"]},
    {"id": "c-nko", "kind": "competition", "title": "Конкурс президентских грантов для НКО",
     "summary": "Гранты некоммерческим организациям.", "status": "open", "deadline": "2027-02-15",
     "published": "2026-11-01", "regions": ["Российская Федерация"], "topics": ["НКО"]},
    {"id": "m-yards", "kind": "measure", "title": "Субсидия на благоустройство дворовых территорий",
     "summary": "Софинансирование ремонта дворовых проездов.", "status": "permanent",
     "published": "2025-02-01", "regions": ["Вологодская область"], "topics": ["благоустройство"],
     "amount_max": 50000000},
    {"id": "a-131", "kind": "legal_act",
     "title": "Федеральный закон № 131-ФЗ об общих принципах организации местного самоуправления",
     "summary": "Вопросы местного значения и полномочия органов.", "doc_number": "131-ФЗ",
     "status": "in_force", "published": "2003-10-06", "regions": ["Российская Федерация"]},
    {"id": "p-yard", "kind": "practice", "title": "Ремонт дворов с участием жителей",
     "summary": "Жители выбрали дворы голосованием.", "published": "2024-06-01",
     "regions": ["Вологодская область"], "topics": ["благоустройство"]},
    {"id": "k-spaces", "kind": "course", "title": "Курс по благоустройству общественных пространств",
     "summary": "Обучение проектированию площадей и парков.", "published": "2026-03-01"},
]


def _embedded(root: Path) -> SearchBackend:
    from search_app.backends.embedded import EmbeddedBackend

    return EmbeddedBackend(root / "index")


def _elastic() -> SearchBackend:
    from search_app.backends.elastic import ElasticBackend

    return ElasticBackend(ES_URL, f"munnav-contract-{secrets.token_hex(4)}")


def _drop_elastic(backend: SearchBackend) -> None:
    client = backend.client  # type: ignore[attr-defined]
    for name in [*backend.state().owned, backend.lock_index]:  # type: ignore[attr-defined]
        client.indices.delete(index=name, ignore_unavailable=True)
    client.options(ignore_status=404).synonyms.delete_synonym(id=backend.synonyms_set)  # type: ignore[attr-defined]


BACKENDS = ["embedded", pytest.param("elasticsearch", marks=pytest.mark.skipif(not ES_URL, reason=ES_SKIP_REASON))]


@contextmanager
def engine_with(backend_name: str, data_dir: Path, docs: list[dict]) -> Iterator[SearchEngine]:
    """An engine on ``backend_name`` holding ``docs`` (imported, then reindexed)."""
    backend = _embedded(data_dir) if backend_name == "embedded" else _elastic()
    engine = SearchEngine(Store(data_dir / "store.sqlite3"), backend)
    try:
        engine.import_documents(Document.from_dict(d) for d in docs)
        engine.reindex()
        yield engine
    finally:
        if backend_name == "elasticsearch":
            _drop_elastic(backend)
        engine.close()


@pytest.fixture(params=BACKENDS)
def contract_engine(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[SearchEngine]:
    with engine_with(request.param, data_dir, CONTRACT_DOCS) as engine:
        yield engine
