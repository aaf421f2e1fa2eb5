"""Shared fixtures: a small realistic corpus in a temporary store and index."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.database import normalise_url
from ingest.document import Document
from ingest.store import Store
from search_app.backends.embedded import EmbeddedBackend
from search_app.engine import SearchEngine
from tests.postgres import EXTERNAL_URL_ENV, Cluster, Databases, find_bin_dir

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


POSTGRES_SKIP = (
    "PostgreSQL не найден (нет pg_ctl в /usr/lib/postgresql/*/bin и в PATH, "
    f"{EXTERNAL_URL_ENV} не задан): половина тестов для PostgreSQL пропущена; `make test` ставит пакет postgresql"
)
# The store's dialects: tests taking ``store_url`` (or a fixture built on it) run on both.
DIALECTS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[Databases]:
    """A real PostgreSQL for the session: a throwaway cluster, or the server CI provides."""
    url = os.environ.get(EXTERNAL_URL_ENV, "").strip()
    cluster = None
    if not url:
        bin_dir = find_bin_dir()
        if bin_dir is None:
            pytest.skip(POSTGRES_SKIP)
        cluster = Cluster(bin_dir).start()
        url = cluster.url()
    databases = Databases(normalise_url(url))
    try:
        yield databases
    finally:
        databases.close()
        if cluster is not None:
            cluster.stop()


@pytest.fixture
def postgres_url(postgres_databases: Databases) -> Iterator[str]:
    """A fresh database at the schema's head, dropped afterwards."""
    url = postgres_databases.create()
    yield url
    postgres_databases.drop(url)


@pytest.fixture(params=DIALECTS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The store's database on each dialect: the SQLite file of the ``data_dir`` fixture's
    directory, then a PostgreSQL database (``MUNNAV_DATABASE_URL``, for commands too)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'store.sqlite3'}"
    url = request.getfixturevalue("postgres_url")
    monkeypatch.setenv("MUNNAV_DATABASE_URL", url)
    return url


@pytest.fixture
def engine(data_dir: Path, store_url: str):
    eng = SearchEngine(Store(store_url), EmbeddedBackend(data_dir / "index"))
    eng.import_documents(Document.from_dict(d) for d in CORE_DOCS)
    yield eng
    eng.close()
