"""Migration 0005_dialogue_rollups keeps what 0003 stored and fills what it adds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from ingest import migrate
from ingest.database import make_engine
from tests.conftest import DIALECTS


def test_reports_of_0003_get_their_week_period_and_regions(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    migrate.upgrade(engine, "0003_dialogue")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO dialogue_problems (id, title, topic, status, created_at, updated_at)"
                          " VALUES (1, 'Ямы', 'дороги', 'published', 'x', 'x')"))
        for n, (region, municipality, day) in enumerate([("Пермский край", "Кунгур", "2026-11-26"),
                                                         ("Пермский край", "Оса", "2026-11-20"),
                                                         ("Вологодская область", "Тотьма", "2026-10-01")]):
            conn.execute(text("INSERT INTO dialogue_reports (id, problem_id, municipality, region, topic, status,"
                              " created_at, day) VALUES (:id, 1, :m, :r, 'дороги', 'published', 'x', :d)"),
                         {"id": n + 1, "m": municipality, "r": region, "d": day})
        conn.execute(text("INSERT INTO search_daily (day, topic, region, searches) VALUES ('2026-11-26', 'дороги', '', 5)"))
        conn.execute(text("INSERT INTO dialogue_rollup_state (name, last_event, refreshed_at) VALUES ('search', 9, 'x')"))
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT week FROM dialogue_reports ORDER BY id")).scalars().all() == [
            "2026-11-23", "2026-11-16", "2026-09-28"]
        assert conn.execute(text("SELECT first_day, last_day FROM dialogue_problems")).one() == (
            "2026-10-01", "2026-11-26")
        assert sorted(conn.execute(text("SELECT region, municipalities, reports FROM dialogue_problem_regions"))) == [
            ("Вологодская область", 1, 1), ("Пермский край", 2, 2)]
        # The rollups are rebuilt from the events: emptied, and the bookmark back at the start.
        assert conn.execute(text("SELECT count(*) FROM search_daily")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM dialogue_rollup_state")).scalar() == 0
    engine.dispose()


@pytest.fixture(params=DIALECTS)
def blank_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (no schema) on each dialect."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.sqlite3'}"
        return
    databases = request.getfixturevalue("postgres_databases")
    url = databases.create(empty=True)
    yield url
    databases.drop(url)


def test_reports_published_before_0010_are_counted_per_day_week_and_month(blank_url: str) -> None:
    engine = make_engine(blank_url)
    migrate.upgrade(engine, "0008_alerts_users")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO dialogue_problems (id, title, topic, status, created_at, updated_at)"
                          " VALUES (1, 'Ямы', 'дороги', 'published', 'x', 'x')"))
        for n, (region, status, day, week) in enumerate([
                ("Пермский край", "published", "2026-11-26", "2026-11-23"),
                ("Пермский край", "published", "2026-11-20", "2026-11-16"),
                ("Вологодская область", "published", "2026-10-01", "2026-09-28"),
                ("Вологодская область", "pending", "2026-10-01", "2026-09-28")]):
            conn.execute(text("INSERT INTO dialogue_reports (id, problem_id, municipality, region, topic, status,"
                              " created_at, day, week) VALUES (:id, 1, 'М', :r, 'дороги', :s, 'x', :d, :w)"),
                         {"id": n + 1, "r": region, "s": status, "d": day, "w": week})
    migrate.upgrade(engine)
    with engine.connect() as conn:
        rows = {tuple(r) for r in conn.execute(text(
            "SELECT grain, period, region, reports FROM dialogue_report_counts WHERE topic = 'дороги'"))}
    engine.dispose()
    assert rows == {
        ("d", "2026-11-26", "Пермский край", 1), ("d", "2026-11-20", "Пермский край", 1),
        ("d", "2026-10-01", "Вологодская область", 1),
        ("d", "2026-11-26", "*", 1), ("d", "2026-11-20", "*", 1), ("d", "2026-10-01", "*", 1),
        ("w", "2026-11-23", "Пермский край", 1), ("w", "2026-11-16", "Пермский край", 1),
        ("w", "2026-09-28", "Вологодская область", 1),
        ("w", "2026-11-23", "*", 1), ("w", "2026-11-16", "*", 1), ("w", "2026-09-28", "*", 1),
        ("m", "2026-11-01", "Пермский край", 2), ("m", "2026-10-01", "Вологодская область", 1),
        ("m", "2026-11-01", "*", 2), ("m", "2026-10-01", "*", 1),
        ("d", "2026-11-26", "~Приволжский", 1), ("d", "2026-11-20", "~Приволжский", 1),
        ("d", "2026-10-01", "~Северо-Западный", 1),
        ("w", "2026-11-23", "~Приволжский", 1), ("w", "2026-11-16", "~Приволжский", 1),
        ("w", "2026-09-28", "~Северо-Западный", 1),
        ("m", "2026-11-01", "~Приволжский", 2), ("m", "2026-10-01", "~Северо-Западный", 1),
    }
