"""The reindex/import lock, held where every host sees it: in the database.

An import and a reindex (on any host sharing the database) exclude each other,
so a reindex counts and reads a store no import is changing, and an import
started during a reindex waits for it. On PostgreSQL it is a session-level
``pg_advisory_lock`` on a connection of its own (released if the process
dies). A SQLite file can only be shared by the processes of one host: there an
``flock`` on a file beside the database does the same.

The lock is re-entrant within a process (an import that finishes pending
documents takes it once).
"""

from __future__ import annotations

import contextlib
import fcntl
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, Engine

# pg_advisory_lock key of the reindex/import lock («mun» + 3).
ADVISORY_KEY = 0x6D756E0003


class WriterLock:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._local = threading.RLock()  # threads of this process take turns too
        self._depth = 0
        self._held: Connection | IO[str] | None = None

    @contextlib.contextmanager
    def hold(self, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        """Hold the lock; ``on_wait`` is called once if another holder makes us wait."""
        with self._local:
            if self._depth == 0:
                self._held = self._acquire(on_wait)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._release()

    def _acquire(self, on_wait: Callable[[], None] | None) -> Connection | IO[str] | None:
        if self._engine.dialect.name == "postgresql":
            conn = self._engine.connect()
            try:
                if not conn.exec_driver_sql(f"SELECT pg_try_advisory_lock({ADVISORY_KEY})").scalar():
                    if on_wait is not None:
                        on_wait()
                    conn.exec_driver_sql(f"SELECT pg_advisory_lock({ADVISORY_KEY})")
                conn.commit()  # the lock belongs to the session: no transaction stays open
            except BaseException:
                conn.close()
                raise
            return conn
        path = _sqlite_lock_path(self._engine)
        if path is None:  # an in-memory database lives in this process only
            return None
        handle = path.open("a")
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait is not None:
                    on_wait()
                fcntl.flock(handle, fcntl.LOCK_EX)
        except BaseException:
            handle.close()
            raise
        return handle

    def _release(self) -> None:
        held, self._held = self._held, None
        if isinstance(held, Connection):
            try:
                held.exec_driver_sql(f"SELECT pg_advisory_unlock({ADVISORY_KEY})")
                held.commit()
            finally:
                held.close()
        elif held is not None:
            fcntl.flock(held, fcntl.LOCK_UN)
            held.close()


def _sqlite_lock_path(engine: Engine) -> Path | None:
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    return Path(database).with_name(Path(database).name + ".lock")
