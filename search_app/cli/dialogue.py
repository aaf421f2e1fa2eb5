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


@click.command("recount-reports")
def recount_reports_cmd() -> None:
    """Пересчитать счётчики опубликованных обращений по дням, неделям, месяцам, регионам и округам
    (например, после правки federal_districts.toml); страница проблемного поля читает их."""
    from ingest.database import SQLITE_BEGIN
    from search_app.dialogue.report_rollups import rebuild
    from search_app.dialogue.rollups import bump_reports
    from search_app.engine import SearchEngine

    engine = SearchEngine.open()
    try:
        with engine.store.engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"}).begin() as conn:
            counted = rebuild(conn)
            bump_reports(conn)  # cached tables of the page are computed again
    finally:
        engine.close()
    click.echo(f"счётчики обращений пересчитаны: опубликованных обращений {counted}")


dialogue_group.add_command(rollup_cmd)
dialogue_group.add_command(recount_reports_cmd)
