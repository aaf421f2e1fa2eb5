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
    """Дополнить суточные сводки новыми поисками и удалить старые события."""
    from search_app.dialogue import rollups
    from search_app.dialogue.search_log import SearchLog
    from search_app.engine import SearchEngine
    from search_app.settings import setting

    engine = SearchEngine.open()
    try:
        db = engine.store.engine
        added = rollups.refresh(db)
        days = keep_days or int(setting("search_log_days"))
        removed = SearchLog(db, lambda _t: None).prune(days)
    finally:
        engine.close()
    click.echo(f"сводки дополнены: событий {added}; удалено событий старше {days} дн.: {removed}")


dialogue_group.add_command(rollup_cmd)
