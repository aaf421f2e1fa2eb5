"""``munnav alerts run``: one pass of the letters, reminders and notices due now."""

from __future__ import annotations

import click

from search_app.cli.errors import user_errors


def register(group: click.Group) -> None:
    group.add_command(alerts_group)


@click.group("alerts")
def alerts_group() -> None:
    """Уведомления: письма по сохранённым поискам, напоминания о сроках, изменения актов."""


@alerts_group.command("run")
@click.option("--dry-run", is_flag=True, help="Только показать, какие письма были бы отправлены.")
def run_cmd(dry_run: bool) -> None:
    """Собрать и отправить всё, что причитается сейчас (то же делает «munnav schedule»)."""
    from search_app.alerts.job import run_alerts
    from search_app.mail import MailConfigError

    with user_errors():
        try:
            report = run_alerts(dry_run=dry_run)
        except MailConfigError as exc:
            raise click.UsageError(str(exc)) from None
    if dry_run:
        for letter in report.planned:
            click.echo(f"пользователь {letter.user_id}: пунктов {letter.count}")
        click.echo(f"Было бы отправлено писем: {len(report.planned)} (пропущено пользователей: {report.skipped}).")
        return
    click.echo(report.summary())
    for error in report.delivery.errors[:5]:
        click.echo(f"  {error}", err=True)
