"""A pass over the search log rolls up before it deletes; the scheduler repeats it; the page
refreshes only when no host did for a while (the time is read from the store, not the process)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine, func, select, update

from search_app.dialogue import maintenance, rollups
from search_app.dialogue.search_log import SearchLog
from search_app.dialogue.tables import rollup_state, search_daily, search_events


def test_a_pass_rolls_up_old_events_before_it_deletes_them(db: Engine) -> None:
    moment = {"now": dt.datetime.now(dt.UTC) - dt.timedelta(days=40)}
    log = SearchLog(db, lambda _t: None, now=lambda: moment["now"])
    log.record("старый запрос", 3)
    log.flush()
    moment["now"] = dt.datetime.now(dt.UTC)
    log.record("новый запрос", 3)
    log.flush()
    done = maintenance.run_pass(db, keep_days=30)
    assert (done.added, done.removed) == (2, 1)
    with db.connect() as conn:
        assert conn.scalar(select(func.sum(search_daily.c.searches))) == 2  # the deleted one still counts
        assert conn.scalar(select(func.count()).select_from(search_events)) == 1
    assert "удалено событий старше 30 дн.: 1" in done.summary()


def test_the_scheduler_runs_a_pass_every_five_minutes() -> None:
    scheduler = BackgroundScheduler()
    ran: list[str] = []
    maintenance.add_job(scheduler, ran.append)
    job = scheduler.get_job(maintenance.JOB_ID)
    assert job is not None and job.trigger.interval == dt.timedelta(seconds=maintenance.EVERY)
    job.func(*job.args)
    assert ran == [maintenance.JOB_ID]


def test_the_page_refreshes_only_rollups_no_host_refreshed_lately(tmp_path: Path) -> None:
    from search_app.web import create_app
    from tests.web.conftest import build_data_dir

    app = create_app({"DATA_DIR": str(build_data_dir(tmp_path / "data")), "TESTING": True,
                      "ELASTICSEARCH_URL": ""})
    try:
        db = app.extensions["munnav"].engine.store.engine
        client = app.test_client()
        client.get("/dialogue")  # the first view rolls up (nothing did before)
        log = SearchLog(db, lambda _t: "дороги")
        log.record("ремонт дорог", 2)
        log.flush()
        client.get("/dialogue")  # another host (this one) refreshed a moment ago: not again
        assert rollups.state(db)[0] < _last_event(db)
        long_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=maintenance.EVERY + 5)).isoformat()
        with db.begin() as conn:
            conn.execute(update(rollup_state).where(rollup_state.c.name == rollups.NAME).values(refreshed_at=long_ago))
        client.get("/dialogue")
        assert rollups.state(db)[0] == _last_event(db)
    finally:
        app.extensions["munnav"].close()


def _last_event(db: Engine) -> int:
    with db.connect() as conn:
        return conn.scalar(select(func.max(search_events.c.id))) or 0
