"""``munnav crawl`` and ``munnav schedule``: thin commands over the pipeline and the scheduler."""

from __future__ import annotations

import datetime as dt
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError
from tqdm import tqdm

from ingest.http import RunAborted
from ingest.job_handlers import guarded_poll, queue_worker
from ingest.migrate import SchemaOutdated
from ingest.runlog import RunLog, RunReport
from ingest.sources import RegistryError, Source, load_registry
from ingest.store import Store
from search_app.backends.base import BackendError
from search_app.cli.errors import EXIT_USAGE, user_errors
from search_app.mail import MailConfigError
from search_app.settings import data_dir, setting

MAX_ERRORS_SHOWN = 5

sources_option = click.option(
    "--sources", "registry", type=click.Path(path_type=Path, dir_okay=False), default=None,
    help="Файл реестра источников (по умолчанию ingest/sources.toml).",
)


def register(group: click.Group) -> None:
    group.add_command(crawl_cmd)
    group.add_command(schedule_cmd)


def _registry(path: Path | None) -> dict[str, Source]:
    try:
        return load_registry(path)
    except RegistryError as exc:
        click.echo(f"Ошибка: {exc}", err=True)
        raise SystemExit(EXIT_USAGE) from None


def _select(registry: dict[str, Source], names: tuple[str, ...]) -> list[Source]:
    unknown = [n for n in names if n not in registry]
    if unknown:
        click.echo(
            f"Ошибка: неизвестный источник {', '.join(unknown)}; в реестре: {', '.join(registry)}", err=True
        )
        raise SystemExit(EXIT_USAGE)
    if names:
        return [registry[n] for n in names]
    return [s for s in registry.values() if s.enabled]


def echo_report(report: RunReport) -> None:
    click.echo(report.summary())
    for error in report.errors[:MAX_ERRORS_SHOWN]:
        where = f" {error.url}" if error.url else ""
        click.echo(f"  [{error.stage}]{where}: {error.message}")
    if len(report.errors) > MAX_ERRORS_SHOWN:
        click.echo(f"  … и ещё ошибок: {len(report.errors) - MAX_ERRORS_SHOWN}")


def run_sources(
    sources: list[Source], stop: threading.Event | None = None, interactive: bool = False,
    progress: Callable[[int], None] | None = None,
) -> list[RunReport]:
    """Open the engine, run each source, close; progress bars only on a terminal (``progress``: also report)."""
    from ingest.pipeline import Pipeline
    from search_app.engine import SearchEngine

    reports: list[RunReport] = []
    with user_errors():
        engine = SearchEngine.open()
        try:
            pipeline = Pipeline(engine, stop=stop)
            for source in sources:
                with tqdm(desc=source.name, unit=" зап.", disable=not interactive, leave=False) as bar:
                    reports.append(pipeline.run(source, progress=_both(bar.update, progress)))
        finally:
            engine.close()
    return reports


def _both(first: Callable[[int], object], second: Callable[[int], None] | None) -> Callable[[int], object]:
    if second is None:
        return first

    def both(n: int) -> None:
        first(n)
        second(n)

    return both


@click.command("crawl")
@click.argument("names", nargs=-1, metavar="[ИСТОЧНИК]...")
@sources_option
@click.option("--status", "show_status", is_flag=True, help="Показать последние запуски и выйти.")
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True,
              help="Сколько запусков показать с --status.")
def crawl_cmd(names: tuple[str, ...], registry: Path | None, show_status: bool, limit: int) -> None:
    """Собрать документы из источников реестра (по умолчанию — из всех включённых)."""
    if show_status:
        _print_status(limit, names)
        return
    sources = _select(_registry(registry), names)
    if not sources:
        click.echo("Нет включённых источников: укажите имя источника или включите его в реестре.")
        return
    reports = run_sources(sources, interactive=sys.stderr.isatty())
    for report in reports:
        echo_report(report)
    if any(r.status != "ok" for r in reports):
        sys.exit(1)


def _print_status(limit: int, names: tuple[str, ...]) -> None:
    with Store.open(data_dir()) as store:
        log = RunLog(store.engine)
        runs = [r for name in names for r in log.last(limit, name)] if names else log.last(limit)
    if not runs:
        click.echo("Запусков ещё не было.")
        return
    for run in runs:
        click.echo(f"{run.started} … {run.finished[11:]}  {run.summary()}")
        if run.status != "ok":
            for error in run.errors[:MAX_ERRORS_SHOWN]:
                where = f" {error.url}" if error.url else ""
                click.echo(f"  [{error.stage}]{where}: {error.message}")


@click.command("schedule")
@sources_option
def schedule_cmd(registry: Path | None) -> None:
    """Запускать сбор по расписанию источников (cron) и задания из консоли; остановка — Ctrl+C или SIGTERM."""
    from ingest import schedule
    from search_app.alerts import job as alerts_job
    from search_app.dialogue import maintenance as dialogue_maintenance

    sources = _registry(registry)
    stop, busy = threading.Event(), threading.Lock()
    scheduler = schedule.make_scheduler()
    now = dt.datetime.now(dt.UTC)
    due = schedule.add_jobs(
        scheduler, sources.values(), schedule.guarded(_job(sources, stop), busy), _last_started_reader(), now,
    )
    crawls = len(scheduler.get_jobs())
    with Store.open(data_dir()) as store:
        worker = queue_worker(store.engine, registry, stop)
        schedule.add_queue_poller(scheduler, guarded_poll(worker, busy, click.echo))
        if alerts_job.add_jobs(scheduler, now, schedule.guarded(_alerts_job, busy), schedule.TIMEZONE):
            due.append("уведомления")
        dialogue_maintenance.add_job(scheduler, schedule.guarded(_dialogue_job, busy))
        click.echo(f"Планировщик: источников по расписанию {crawls}, уведомления по расписанию "
                   f"{setting('alerts_cron')!r}; сразу запускаются пропущенные: {', '.join(due) or 'нет'}; "
                   f"задания из консоли проверяются каждые {schedule.QUEUE_POLL_SECONDS:g} с, "
                   f"сводки журнала поисков дополняются каждые {dialogue_maintenance.EVERY / 60:g} мин.")
        click.echo("Остановка — Ctrl+C или SIGTERM.")
        schedule.serve(scheduler, stop, busy, on_stop=lambda: click.echo("Остановка: дожидаемся текущего запуска…"))
    click.echo("Планировщик остановлен.")


def _job(sources: dict[str, Source], stop: threading.Event) -> Callable[[str], None]:
    def run(name: str) -> None:
        try:
            for report in run_sources([sources[name]], stop=stop):
                echo_report(report)
        except (SystemExit, RunAborted) as exc:  # the engine was unavailable: logged, next fire retries
            click.echo(f"{name}: запуск не выполнен ({exc})", err=True)

    return run


def _alerts_job(name: str) -> None:
    """The daily alerts pass (``alerts``) or the delivery retries between passes (``alerts-retry``)."""
    from search_app.alerts import job as alerts_job

    try:
        if name == "alerts":
            click.echo(alerts_job.run_alerts().summary())
        else:
            report = alerts_job.retry_deliveries()
            if report.sent or report.failed or report.retrying:
                click.echo(f"Повторная отправка писем: отправлено {report.sent}, ждут {report.retrying}, "
                           f"не доставлено {report.failed}")
    except (BackendError, SchemaOutdated, MailConfigError) as exc:  # logged; the next fire retries
        click.echo(f"{name}: запуск не выполнен ({exc})", err=True)


def _dialogue_job(_name: str) -> None:
    """A pass over the search log: new events rolled up, old ones deleted."""
    from search_app.dialogue.maintenance import run_pass

    try:
        with Store.open(data_dir()) as store:
            report = run_pass(store.engine)
    except (SchemaOutdated, SQLAlchemyError) as exc:  # logged; the next pass retries
        click.echo(f"сводки журнала поисков: не выполнено ({exc})", err=True)
        return
    if report.added or report.removed:
        click.echo(report.summary())


def _last_started_reader() -> Callable[[str], dt.datetime | None]:
    def last_started(name: str) -> dt.datetime | None:
        with Store.open(data_dir()) as store:
            value = RunLog(store.engine).last_started(name)
        return dt.datetime.fromisoformat(value) if value else None

    return last_started
