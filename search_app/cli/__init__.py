"""The ``munnav`` command line. Each area registers its commands from its own module."""

from __future__ import annotations

import importlib
from typing import Any

import click
from sqlalchemy.exc import OperationalError

from ingest.migrate import SchemaOutdated
from search_app.cli.errors import EXIT_DATABASE

# Modules that define ``register(group)``; a module that does not exist yet is skipped.
COMMAND_MODULES: tuple[str, ...] = (
    "search_app.cli.core",
    "search_app.cli.web",
    "search_app.cli.reindex",
    "search_app.cli.bench",
    "search_app.cli.db",
    "search_app.cli.dialogue",
    "search_app.cli.users",
    "search_app.cli.alerts",
    "ingest.cli",
)


class MunnavGroup(click.Group):
    """Reports what every command may meet in the database in Russian, without a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SchemaOutdated as exc:
            click.echo(f"Ошибка: {exc}", err=True)
            ctx.exit(EXIT_DATABASE)
        except OperationalError as exc:
            click.echo(f"База данных недоступна: {exc.orig or exc}", err=True)
            ctx.exit(EXIT_DATABASE)


@click.group(cls=MunnavGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Муниципальный навигатор: поиск мер поддержки, конкурсов, актов и практик."""


def _register_all() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(main)


_register_all()
