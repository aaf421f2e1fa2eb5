"""``munnav bench``: indexing and search speed, side by side with the raw engine."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from tqdm import tqdm

from search_app.bench.report import render_text
from search_app.bench.run import BenchOptions, run_bench
from search_app.bench.web import LoadPlan


def register(group: click.Group) -> None:
    group.add_command(bench_cmd)


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[int], None] | None]:
    if not sys.stderr.isatty():
        yield None
        return
    with tqdm(total=total, desc=label, unit="", file=sys.stderr, leave=False, mininterval=0.5) as bar:
        yield bar.update


@click.command("bench")
@click.option("--docs", type=click.IntRange(min=100), default=100_000, show_default=True,
              help="Размер синтетического корпуса.")
@click.option("--queries", type=click.IntRange(min=4), default=400, show_default=True,
              help="Число запросов (поровну на четыре класса).")
@click.option("--json", "as_json", is_flag=True, help="Вывести весь отчёт в JSON.")
@click.option("--web", is_flag=True, help="Также нагрузить «munnav serve» на образцовом корпусе.")
@click.option("--web-requests", type=click.IntRange(min=10), default=2000, show_default=True,
              help="Запросов на каждую точку (страница поиска и API).")
@click.option("--web-clients", type=click.IntRange(1, 64), default=LoadPlan.clients, show_default=True,
              help="Одновременных клиентов (замкнутый цикл: больше клиентов — длиннее очередь).")
@click.option("--web-seconds", type=click.FloatRange(min=1), default=30.0, show_default=True,
              help="Предел времени на каждую точку, с.")
@click.option("--database-url", default=None, metavar="URL",
              help="Повторить замер с хранилищем в этой базе (postgresql://…; во временной схеме, "
                   "которая удаляется) и вывести обе строки рядом.")
@click.option("--web-workers", type=click.IntRange(min=1), default=None,
              help="Передать «munnav serve --workers» (по умолчанию — его значение).")
@click.option("--dialogue", is_flag=True,
              help="Вместо поиска замерить страницу /dialogue и её CSV на синтетических поисках и обращениях.")
@click.option("--dialogue-events", type=click.IntRange(min=1000), default=1_000_000, show_default=True,
              help="Событий поиска для --dialogue.")
@click.option("--dialogue-reports", type=click.IntRange(min=100), default=100_000, show_default=True,
              help="Обращений для --dialogue.")
def bench_cmd(
    docs: int, queries: int, as_json: bool, web: bool, web_requests: int, web_clients: int,
    web_seconds: float, web_workers: int | None, dialogue: bool, dialogue_events: int, dialogue_reports: int,
    database_url: str | None,
) -> None:
    """Замерить загрузку и поиск на синтетическом корпусе (во временном каталоге).

    Последняя строка — сводка: худший по классам p95, p95 «голого» tantivy и их отношение.
    С --dialogue — страница «Муниципального диалога» (база — MUNNAV_DATABASE_URL, если задан,
    иначе SQLite во временном каталоге).
    """
    if dialogue:
        from search_app.bench.dialogue import run_dialogue_bench

        result = run_dialogue_bench(dialogue_events, dialogue_reports, log=lambda m: click.echo(m, err=True))
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if as_json else result.render())
        click.echo(result.summary_line())
        return
    options = BenchOptions(
        docs=docs, queries=queries, web=web, web_workers=web_workers, database_url=database_url,
        web_plan=LoadPlan(requests=web_requests, clients=web_clients, max_seconds=web_seconds),
    )
    report = run_bench(options, log=lambda m: click.echo(m, err=True), progress=_progress)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(report))
    click.echo(report.summary_line())
    if report.web_error:
        sys.exit(1)
