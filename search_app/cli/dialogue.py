"""``munnav dialogue rollup``: bring the search rollups up to date and drop old search events (cron)."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    group.add_command(dialogue_group)


@click.group("dialogue")
def dialogue_group() -> None:
    """Муниципальный диалог: обслуживание журнала поисков."""


@click.command("rollup")
@click.option("--keep-days", type=click.IntRange(min=1), default=None,
              help="Сколько дней хранить события поиска (по умолчанию MUNNAV_SEARCH_LOG_DAYS, 365).")
def rollup_cmd(keep_days: int | None) -> None:
    """Дополнить суточные сводки новыми поисками и удалить старые события (то же делает «munnav schedule»)."""
    from search_app.dialogue.maintenance import run_pass
    from search_app.engine import SearchEngine

    engine = SearchEngine.open()
    try:
        click.echo(run_pass(engine.store.engine, keep_days).summary())
    finally:
        engine.close()


dialogue_group.add_command(rollup_cmd)
