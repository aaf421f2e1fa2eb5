"""Migration 0005_dialogue_rollups keeps what 0003 stored and fills what it adds."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from ingest import migrate
from ingest.database import make_engine


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
