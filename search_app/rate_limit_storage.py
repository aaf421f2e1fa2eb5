"""A ``limits`` storage over the project database, for when no memcached/redis is set.

Flask-Limiter keeps its counters in a ``limits`` storage; the in-memory one
is per process, so with several gunicorn workers or hosts a client would get
the limit once per process. This storage keeps the counters in the database
every process shares. It implements only the storage interface (a counter per
key with an expiry); the rate-limiting algorithm (fixed window) stays the
library's. Registered under the scheme ``munnav-db://``; the engine is passed
as the storage option ``engine``.
"""

from __future__ import annotations

import time
from typing import Any

from limits.storage import Storage
from sqlalchemy import Column, Engine, Float, Integer, String, Table, delete, select
from sqlalchemy.exc import SQLAlchemyError

from ingest.database import metadata, upsert_insert

SCHEME = "munnav-db"

rate_limit_counters = Table(
    "rate_limit_counters",
    metadata,
    Column("key", String(300), primary_key=True),
    Column("count", Integer, nullable=False),
    Column("expires_at", Float, nullable=False),  # UNIX time
)


class DatabaseStorage(Storage):
    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any) -> None:
        engine = options.pop("engine", None)
        if not isinstance(engine, Engine):
            raise ValueError(f"{SCHEME}:// needs the storage option engine=<sqlalchemy Engine>")
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.engine = engine

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add ``amount``; a missing or expired counter starts again with a new expiry."""
        now = time.time()
        t = rate_limit_counters
        with self.engine.begin() as conn:
            conn.execute(delete(t).where(t.c.key == key, t.c.expires_at <= now))
            stmt = upsert_insert(self.engine, t).values(key=key, count=amount, expires_at=now + expiry)
            stmt = stmt.on_conflict_do_update(
                index_elements=[t.c.key], set_={"count": t.c.count + amount},
            ).returning(t.c.count)
            return int(conn.execute(stmt).scalar_one())

    def get(self, key: str) -> int:
        t = rate_limit_counters
        with self.engine.connect() as conn:
            value = conn.execute(select(t.c.count).where(t.c.key == key, t.c.expires_at > time.time())).scalar()
        return int(value or 0)

    def get_expiry(self, key: str) -> float:
        t = rate_limit_counters
        with self.engine.connect() as conn:
            value = conn.execute(select(t.c.expires_at).where(t.c.key == key)).scalar()
        return float(value) if value is not None else time.time()

    def check(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(select(1))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with self.engine.begin() as conn:
            return conn.execute(delete(rate_limit_counters)).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(rate_limit_counters).where(rate_limit_counters.c.key == key))

    def purge_expired(self) -> int:
        with self.engine.begin() as conn:
            return conn.execute(delete(rate_limit_counters).where(rate_limit_counters.c.expires_at <= time.time())).rowcount
