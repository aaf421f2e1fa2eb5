"""The ``munnav`` command line. Each area registers its commands from its own module."""

from __future__ import annotations

import importlib

import click

# Modules that define ``register(group)``; a module that does not exist yet is skipped.
COMMAND_MODULES: tuple[str, ...] = (
    "search_app.cli.core",
    "search_app.cli.web",
    "search_app.cli.reindex",
    "search_app.cli.bench",
    "ingest.cli",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
