"""``munnav db``: the relational database's schema (and, later, moving it).

The database is ``MUNNAV_DATABASE_URL`` when set, else the SQLite file in the
data dir. Other commands refuse to run on a schema older than the code and
name ``munnav db upgrade``; ``munnav init-sample`` upgrades by itself.
"""

from __future__ import annotations

import sys

import click

from ingest import migrate
from ingest.database import database_url, make_engine
from search_app.settings import data_dir


def register(group: click.Group) -> None:
    group.add_command(db_group)


@click.group("db")
def db_group() -> None:
    """Схема базы данных: версия и обновление."""


def _shown(url: str) -> str:
    """The URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@db_group.command("upgrade")
def upgrade_cmd() -> None:
    """Обновить схему базы данных до версии этой программы (данные сохраняются)."""
    url = database_url(data_dir())
    engine = make_engine(url)
    try:
        changed = migrate.upgrade_if_outdated(engine)  # a newer schema is never touched: SchemaNewer
    finally:
        engine.dispose()
    if changed is None:
        click.echo(f"схема уже последней версии {migrate.head()} ({_shown(url)})")
    else:
        click.echo(f"схема обновлена: {changed[0] or 'без версии'} → {changed[1]} ({_shown(url)})")


@db_group.command("current")
def current_cmd() -> None:
    """Показать версию схемы базы данных (код выхода 1, если нужна «munnav db upgrade»)."""
    url = database_url(data_dir())
    engine = make_engine(url)
    try:
        at, want = migrate.current(engine), migrate.head()
    finally:
        engine.dispose()
    click.echo(f"база данных: {_shown(url)}")
    if at == want:
        click.echo(f"версия схемы: {at} (последняя)")
        return
    click.echo(f"версия схемы: {at or 'нет'}, программе нужна {want}: выполните «munnav db upgrade»")
    sys.exit(1)
