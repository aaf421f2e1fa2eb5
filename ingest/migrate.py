"""Schema migrations (Alembic) run from code: ``munnav db upgrade`` / ``db current``.

The migration scripts ship inside the package (``ingest/migrations``), so an
installed ``munnav`` upgrades its database without an ``alembic.ini``.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class SchemaOutdated(RuntimeError):
    """The database is older (or newer) than this code."""


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


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
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


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
    raise SchemaOutdated(
        f"База данных новее этой версии программы (версия {at}, программа знает {want}): "
        "обновите munnav."
    )


def _is_ancestor(revision: str, of: str | None) -> bool:
    if of is None:
        return False
    script = ScriptDirectory.from_config(_config())
    return any(r.revision == revision for r in script.iterate_revisions(of, "base"))
