"""``munnav db``: the relational database's schema (and, later, moving it).

The database is ``MUNNAV_DATABASE_URL`` when set, else the SQLite file in the
data dir. Other commands refuse to run on a schema older than the code and
name ``munnav db upgrade``; ``munnav init-sample`` upgrades by itself.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from ingest import migrate
from ingest.database import database_url, make_engine, normalise_url
from search_app.cli.errors import EXIT_USAGE
from search_app.settings import data_dir


def register(group: click.Group) -> None:
    group.add_command(db_group)


@click.group("db")
def db_group() -> None:
    """База данных: версия схемы, обновление, копирование в другую базу."""


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


@db_group.command("copy")
@click.option("--to", "target_url", required=True, metavar="URL",
              help="Куда копировать, например postgresql://пользователь:пароль@хост/база.")
def copy_cmd(target_url: str) -> None:
    """Скопировать всю базу (документы с историей, запуски сбора, журнал запросов, учётные записи…)
    в другую базу, например из встроенного SQLite в PostgreSQL.

    Повторный запуск безопасен: продолжает прерванное копирование и обновляет изменившиеся
    строки. В конце сравнивается число строк каждой таблицы. Затем на новой базе:
    «MUNNAV_DATABASE_URL=… munnav reindex».
    """
    from sqlalchemy.engine import make_url

    from ingest.db_copy import CopyError, copy_database

    source_url = database_url(data_dir())
    if make_url(normalise_url(target_url)) == make_url(source_url):
        raise click.UsageError("источник и цель — одна и та же база.")
    source, target = make_engine(source_url), make_engine(target_url)
    click.echo(f"копирование: {_shown(source_url)} → {_shown(target_url)}", err=True)
    try:
        counts = copy_database(source, target, progress=_progress())
    except CopyError as exc:
        click.echo(f"Ошибка: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    finally:
        source.dispose()
        target.dispose()
    width = max((len(c.table) for c in counts), default=0)
    for c in counts:
        mark = "" if c.equal else "  ← не совпадает"
        click.echo(f"{c.table:<{width}}  {c.source:>9} → {c.target:>9}{mark}")
    if not all(c.equal for c in counts):
        click.echo("Числа строк не совпадают: в целевой базе есть строки, которых нет в источнике.", err=True)
        sys.exit(1)
    click.echo(f"скопировано таблиц: {len(counts)}, строк: {sum(c.source for c in counts)}; числа совпадают")


def _progress() -> Callable[[str, int], None]:
    last: dict[str, int] = {}

    def report(table: str, copied: int) -> None:
        if copied - last.get(table, 0) >= 20_000 or table not in last:
            click.echo(f"  {table}: {copied}", err=True)
            last[table] = copied

    return report
