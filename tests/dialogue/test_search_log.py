"""The search log as a time series, its rollups, flood capping and the analytics read from them."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import Engine, func, select

from ingest import migrate
from ingest.database import make_engine
from search_app import site_settings
from search_app.dialogue import rollups
from search_app.dialogue.analytics import Analytics, Filters
from search_app.dialogue.search_log import SearchLog
from search_app.dialogue.tables import search_daily, search_events
from search_app.flood import FloodGuard, client_key
from search_app.query_text import clean_query

NOON = dt.datetime(2026, 11, 20, 12, 0, 30, tzinfo=dt.UTC)


class Clock:
    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def __call__(self) -> dt.datetime:
        return self.moment


def topic_of(text: str) -> str | None:
    return "дороги" if "дорог" in text else None


def test_searches_of_one_minute_share_a_row_without_any_user(db: Engine) -> None:
    clock = Clock(NOON)
    log = SearchLog(db, topic_of, now=clock)
    log.record("Ремонт ДОРОГ", 12, filters=[("regions", "Пермский край"), ("page", "2")])
    log.record("ремонт  дорог", 10, filters=[("regions", "Пермский край")])
    log.record("рeмонт дорог", 0, corrected="ремонт дорог")
    log.record_click("ремонт дорог", "m-roads")
    clock.moment = NOON + dt.timedelta(minutes=1)
    log.record("ремонт дорог", 12, filters=[("regions", "Пермский край")])
    assert log.flush() == 4
    with db.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(search_events).order_by(search_events.c.id))]
    assert [(r["minute"], r["query"], r["region"], r["topic"], r["searches"], r["results"], r["clicks"])
            for r in rows] == [
        ("2026-11-20T12:00", "ремонт дорог", "Пермский край", "дороги", 2, 12, 0),
        ("2026-11-20T12:00", "рeмонт дорог", "", "дороги", 1, 0, 0),
        ("2026-11-20T12:00", "ремонт дорог", "", "дороги", 0, 0, 1),
        ("2026-11-20T12:01", "ремонт дорог", "Пермский край", "дороги", 1, 12, 0),
    ]
    assert rows[0]["facets"] == "regions=%D0%9F%D0%B5%D1%80%D0%BC%D1%81%D0%BA%D0%B8%D0%B9+%D0%BA%D1%80%D0%B0%D0%B9"
    assert rows[1]["corrected"] == "ремонт дорог" and rows[2]["clicked"] == "m-roads"
    assert set(rows[0]) == {"id", "minute", "query", "corrected", "facets", "region", "topic", "searches",
                            "results", "clicked", "clicks"}  # nothing about who searched


def test_junk_is_never_logged(db: Engine) -> None:
    log = SearchLog(db, topic_of)
    for junk in ("субсидия\x00", "<script>alert(1)</script>", "' OR 1=1 --", "а" * 200, "!!!", "", "\x1b[31m"):
        log.record(junk, 5)
    assert log.flush() == 0
    assert clean_query("  Грант  НКО  ") == "грант нко"
    assert clean_query("131-ФЗ ст. 14") == "131-фз ст. 14"


def test_old_events_are_pruned_by_age(db: Engine) -> None:
    clock = Clock(NOON - dt.timedelta(days=400))
    log = SearchLog(db, topic_of, now=clock)
    log.record("старый запрос", 1)
    log.flush()
    clock.moment = NOON
    log.record("новый запрос", 1)
    log.flush()
    assert log.prune(keep_days=365) == 1
    with db.connect() as conn:
        assert [r.query for r in conn.execute(select(search_events.c.query))] == ["новый запрос"]


def test_rollups_add_only_new_events_and_never_twice(db: Engine) -> None:
    log = SearchLog(db, topic_of, now=Clock(NOON))
    for _ in range(3):
        log.record("ремонт дорог", 0)
    log.record("грант тос", 7)
    log.flush()
    assert rollups.refresh(db) == 2
    assert rollups.refresh(db) == 0
    log.record("ремонт дорог", 4)
    log.flush()
    threads = [threading.Thread(target=rollups.refresh, args=(db,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with db.connect() as conn:
        assert conn.scalar(select(func.sum(search_daily.c.searches))) == 5
        row = conn.execute(select(search_daily).where(search_daily.c.topic == "дороги")).one()
    assert (row.day, row.searches, row.zero) == ("2026-11-20", 4, 3)
    filters = Filters(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    analytics = Analytics(db)
    assert analytics.searches_by_topic(filters) == {"дороги": 4}
    assert [(q.query, q.searches, q.zero, q.results) for q in analytics.query_stats(filters)] == [
        ("ремонт дорог", 4, 3, 4), ("грант тос", 1, 0, 7)]
    assert analytics.freshness() is not None


def test_a_flooding_client_is_capped_per_query_and_in_all() -> None:
    # The process's first line; the caps shared by every process: tests/test_flood_counts.py.
    now = [0.0]
    guard = FloodGuard(window=3600, per_query=3, per_client=10, clock=lambda: now[0])
    assert [guard.admit("a", "субсидии") for _ in range(5)] == [True, True, True, False, False]
    assert guard.admit("b", "субсидии")  # another client is not affected
    assert sum(guard.admit("a", f"запрос {i}") for i in range(20)) == 7  # 10 in all per window
    now[0] = 3600.0
    assert guard.admit("a", "субсидии")  # a new window


def test_client_key_is_a_salted_hash(tmp_path) -> None:
    # The salt lives in the database, so every host (own data dir each) hashes a client alike.
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    migrate.upgrade(engine)
    salt = site_settings.client_salt(engine)
    assert site_settings.client_salt(engine) == salt and len(salt) == 32
    key = client_key(salt, "203.0.113.7")
    assert key == client_key(salt, "203.0.113.7") != client_key(b"other", "203.0.113.7")
    assert "203" not in key and len(key) == 24
