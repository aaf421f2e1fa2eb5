"""Schema migrations (Alembic) run from code: ``munnav db upgrade`` / ``db current``.

The migration scripts ship inside the package (``ingest/migrations``), so an
installed ``munnav`` upgrades its database without an ``alembic.ini``.
"""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from ingest.database import SQLITE_BEGIN

# pg_advisory_xact_lock key: one migration at a time across the cluster.
MIGRATION_LOCK = 0x6D756E0001

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class SchemaOutdated(RuntimeError):
    """The database is older (or newer) than this code."""


class SchemaNewer(SchemaOutdated):
    """The database was upgraded by a newer version of the code: never downgraded from here."""


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@functools.cache
def head() -> str | None:
    """The newest revision this code knows."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(engine: Engine) -> str | None:
    """The revision the database is at (``None``: never migrated)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (each migration in its own transaction)."""
    config = _config()
    with engine.connect() as connection:
        # Two processes upgrading at once: the second waits, then finds nothing to do.
        connection.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            config.attributes["connection"] = connection
            command.upgrade(config, revision)


def upgrade_if_outdated(engine: Engine) -> tuple[str | None, str | None] | None:
    """Upgrade an older schema to head; ``(from, to)`` when it did, ``None`` when at head.

    A newer schema raises ``SchemaNewer``.
    """
    try:
        check(engine)
    except SchemaNewer:
        raise
    except SchemaOutdated:
        before = current(engine)
        upgrade(engine)
        return before, current(engine)
    return None


def is_empty(engine: Engine) -> bool:
    """No table at all: a database nothing was ever written to."""
    return not inspect(engine).get_table_names()


def prepare(engine: Engine) -> None:
    """Create a new, empty database at head; require any other to be at head.

    A fresh data dir (or an empty PostgreSQL database) needs no extra step, as
    before migrations existed; a database written by an older version is never
    changed behind the user's back: ``SchemaOutdated`` names the command to run.
    """
    if current(engine) is None and is_empty(engine):
        upgrade(engine)
    check(engine)


def check(engine: Engine) -> None:
    """Raise ``SchemaOutdated`` naming the command to run when the schema is not at head."""
    at, want = current(engine), head()
    if at == want:
        return
    if at is None or _is_ancestor(at, want):
        raise SchemaOutdated(
            f"Схема базы данных устарела (версия {at or 'нет'}, нужна {want}): "
            "выполните «munnav db upgrade»."
        )
    raise SchemaNewer(
        f"База данных новее этой версии программы (версия {at}, программа знает {want}): "
        "обновите munnav."
    )


def _is_ancestor(revision: str, of: str | None) -> bool:
    if of is None:
        return False
    script = ScriptDirectory.from_config(_config())
    return any(r.revision == revision for r in script.iterate_revisions(of, "base"))
