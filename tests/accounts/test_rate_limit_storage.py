"""The database storage for Flask-Limiter's counters (the algorithm stays the library's)."""

from __future__ import annotations

import time

from limits import RateLimitItemPerMinute, parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import Engine

from search_app.rate_limit_storage import DatabaseStorage


def test_counters_add_expire_and_clear(db_engine: Engine, monkeypatch) -> None:
    storage = storage_from_string("munnav-db://", engine=db_engine)
    assert isinstance(storage, DatabaseStorage) and storage.check()
    assert storage.incr("k", expiry=60) == 1
    assert storage.incr("k", expiry=60, amount=2) == 3
    assert storage.get("k") == 3 and storage.get("other") == 0
    assert time.time() < storage.get_expiry("k") <= time.time() + 60
    later = time.time() + 61
    monkeypatch.setattr("search_app.rate_limit_storage.time.time", lambda: later)
    assert storage.get("k") == 0
    assert storage.incr("k", expiry=60) == 1  # an expired window starts again
    storage.clear("k")
    assert storage.get("k") == 0


def test_two_storages_over_one_database_share_the_limit(db_engine: Engine) -> None:
    one, two = (FixedWindowRateLimiter(DatabaseStorage(engine=db_engine)) for _ in range(2))
    item = parse("3/minute")
    assert [one.hit(item, "ip"), two.hit(item, "ip"), one.hit(item, "ip")] == [True, True, True]
    assert not two.hit(item, "ip") and not one.hit(item, "ip")
    assert one.hit(RateLimitItemPerMinute(3), "another-ip")
