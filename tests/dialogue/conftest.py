"""A migrated database for the dialogue's services, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from ingest import migrate
from ingest.database import make_engine


@pytest.fixture
def db(store_url: str) -> Iterator[Engine]:
    engine = make_engine(store_url)
    migrate.prepare(engine)
    yield engine
    engine.dispose()
