"""Shared fixtures: a small realistic corpus in a temporary store and index."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.document import Document
from ingest.store import Store
from search_app.backends.embedded import EmbeddedBackend
from search_app.engine import SearchEngine

TODAY = "2026-11-27"

CORE_DOCS: list[dict] = [
    {"id": "a-131", "kind": "legal_act", "title": "Федеральный закон от 06.10.2003 № 131-ФЗ «Об общих принципах организации местного самоуправления в Российской Федерации»",
     "summary": "Основной закон о местном самоуправлении: вопросы местного значения, полномочия органов.",
     "body": "Статья 14 устанавливает вопросы местного значения поселения. Статья 27 регулирует территориальное общественное самоуправление.",
     "doc_number": "131-ФЗ", "doc_type": "Федеральный закон", "issuer": "Государственная Дума", "status": "in_force",
     "regions": ["Российская Федерация"], "topics": ["местное самоуправление"], "published": "2003-10-06"},
    {"id": "a-44", "kind": "legal_act", "title": "Федеральный закон № 44-ФЗ о контрактной системе в сфере закупок",
     "summary": "Закупки товаров, работ, услуг для государственных и муниципальных нужд.",
     "doc_number": "44-ФЗ", "doc_type": "Федеральный закон", "status": "in_force", "issuer": "Государственная Дума",
     "regions": ["Российская Федерация"], "topics": ["закупки"], "published": "2013-04-05"},
    {"id": "a-old", "kind": "legal_act", "title": "Закон об общих принципах организации местного самоуправления 1995 года",
     "summary": "Утратил силу. Регулировал организацию местного самоуправления.", "doc_number": "154-ФЗ",
     "status": "expired", "regions": ["Российская Федерация"], "topics": ["местное самоуправление"], "published": "1995-08-28"},
    {"id": "m-yards", "kind": "measure", "title": "Субсидия на благоустройство дворовых территорий",
     "summary": "Софинансирование ремонта дворовых проездов, освещения и детских площадок.",
     "body": "Муниципальные образования получают субсидию на благоустройство дворов многоквартирных домов.",
     "issuer": "Минстрой России", "regions": ["Вологодская область"], "topics": ["благоустройство"],
     "audience": ["органы местного самоуправления"], "status": "permanent", "published": "2025-02-01",
     "amount_max": 50000000},
    {"id": "c-tos-open", "kind": "competition", "title": "Конкурс проектов ТОС 2027",
     "summary": "Гранты территориальному общественному самоуправлению на благоустройство.",
     "issuer": "Правительство Вологодской области", "regions": ["Вологодская область"], "topics": ["ТОС", "благоустройство"],
     "audience": ["ТОС"], "status": "open", "deadline": "2026-12-09", "published": "2026-10-01",
     "amount_min": 100000, "amount_max": 500000},
    {"id": "c-tos-closed", "kind": "competition", "title": "Конкурс проектов ТОС 2025",
     "summary": "Гранты территориальному общественному самоуправлению на благоустройство.",
     "issuer": "Правительство Вологодской области", "regions": ["Вологодская область"], "topics": ["ТОС", "благоустройство"],
     "audience": ["ТОС"], "status": "closed", "deadline": "2025-03-01", "published": "2025-01-10"},
    {"id": "c-nko", "kind": "competition", "title": "Конкурс Фонда президентских грантов для НКО",
     "summary": "Гранты некоммерческим организациям на социальные проекты.",
     "issuer": "Фонд президентских грантов", "regions": ["Российская Федерация"], "topics": ["НКО"],
     "audience": ["СО НКО"], "status": "open", "deadline": "2027-02-15", "published": "2026-11-01"},
    {"id": "c-perm", "kind": "competition", "title": "Конкурс проектов ТОС Пермского края",
     "summary": "Гранты ТОС на благоустройство территорий.", "issuer": "Правительство Пермского края",
     "regions": ["Пермский край"], "topics": ["ТОС"], "audience": ["ТОС"], "status": "open",
     "deadline": "2027-01-20", "published": "2026-09-15"},
    {"id": "p-yard", "kind": "practice", "title": "Ремонт дворов с участием жителей в Череповце",
     "summary": "Жители выбрали дворы голосованием, работы выполнены по программе благоустройства.",
     "municipality": "городской округ Череповец", "regions": ["Вологодская область"], "topics": ["благоустройство"],
     "published": "2024-06-01"},
    {"id": "s-tos", "kind": "solution", "title": "Как создать ТОС",
     "summary": "Пошаговая инструкция по созданию территориального общественного самоуправления.",
     "topics": ["ТОС"], "regions": ["Российская Федерация"], "published": "2025-05-05",
     "steps": [{"title": "Изучите закон", "text": "Статья 27 закона № 131-ФЗ.", "refs": ["a-131"]},
               {"title": "Подайте заявку на грант", "text": "Конкурсы ТОС.", "refs": ["c-tos-open", "c-tos-closed"]}]},
]


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("MUNNAV_TODAY", TODAY)
    return TODAY


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "data"
    monkeypatch.setenv("MUNNAV_DATA_DIR", str(root))
    monkeypatch.delenv("ELASTICSEARCH_URL", raising=False)
    return root


@pytest.fixture
def engine(data_dir: Path):
    eng = SearchEngine(Store(data_dir / "store.sqlite3"), EmbeddedBackend(data_dir / "index"))
    eng.import_documents(Document.from_dict(d) for d in CORE_DOCS)
    yield eng
    eng.close()
