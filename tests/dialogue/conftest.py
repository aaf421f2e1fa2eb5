"""A migrated database for the dialogue's services."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from ingest import migrate
from ingest.database import make_engine


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'dialogue.sqlite3'}")
    migrate.upgrade(engine)
    yield engine
    engine.dispose()
