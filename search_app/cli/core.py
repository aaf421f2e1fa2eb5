"""Core commands: import, export, search, evaluate, init-sample."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ingest.database import database_url, make_engine
from ingest.document import KINDS, STATUSES, Document
from ingest.jsonl import LineError, read_documents, write_documents
from ingest.migrate import is_empty, upgrade_if_outdated
from ingest.outcome import Outcome
from search_app.backends.base import BackendError
from search_app.cli.errors import EXIT_USAGE, user_errors
from search_app.engine import SearchEngine
from search_app.query import SORTS, SearchQuery
from search_app.settings import data_dir, setting
from search_app.web.refs import ref_status

WAITING = "Идёт переиндексация или другой импорт: ждём его окончания…"


def register(group: click.Group) -> None:
    for command in (import_cmd, export_cmd, search_cmd, evaluate_cmd, init_sample_cmd):
        group.add_command(command)


def _read_all(paths: tuple[Path, ...], errors: list[LineError]) -> list[Document]:
    docs: list[Document] = []
    for path in paths:
        for item in read_documents(path):
            if isinstance(item, LineError):
                errors.append(item)
                click.echo(str(item), err=True)
            else:
                docs.append(item)
    return docs


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def import_cmd(paths: tuple[Path, ...]) -> None:
    """Сохранить документы из JSONL-файлов и обновить индекс."""
    errors: list[LineError] = []
    docs = _read_all(paths, errors)
    with user_errors():
        engine = SearchEngine.open()
        try:
            report = engine.import_documents(docs, on_wait=lambda: click.echo(WAITING, err=True))
        finally:
            engine.close()
    c = report.counts
    click.echo(
        f"новых: {c[Outcome.NEW]}, обновлено: {c[Outcome.UPDATED]}, без изменений: {c[Outcome.UNCHANGED]}, "
        f"ошибок: {len(errors)}, проиндексировано: {report.indexed}"
    )
    if report.conflicts:
        click.echo(f"источник изменил поля, исправленные редакторами: {report.conflicts} "
                   "(исправления остаются; разрешить — в консоли, «Расхождения с источником»)")
    if errors:
        sys.exit(1)


@click.command("export")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
def export_cmd(path: Path) -> None:
    """Выгрузить все документы хранилища в JSONL (формат FORMAT.md)."""
    engine = SearchEngine.open()
    try:
        n = write_documents(path, engine.store.iter_documents())
    finally:
        engine.close()
    click.echo(f"выгружено документов: {n}")


@click.command("search")
@click.argument("text")
@click.option("--kind", multiple=True, type=click.Choice(KINDS), help="Вид документа (можно несколько).")
@click.option("--region", multiple=True, help="Регион (можно несколько).")
@click.option("--topic", multiple=True, help="Тема (можно несколько).")
@click.option("--status", multiple=True, type=click.Choice(STATUSES), help="Статус.")
@click.option("--open-now", is_flag=True, help="Только открытые сейчас.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--page", type=click.IntRange(min=1), default=1)
@click.option("--per-page", type=click.IntRange(1, 100), default=10)
@click.option("--json", "as_json", is_flag=True, help="Вывести модель результата в JSON.")
def search_cmd(
    text: str, kind: tuple[str, ...], region: tuple[str, ...], topic: tuple[str, ...],
    status: tuple[str, ...], open_now: bool, sort: str, page: int, per_page: int, as_json: bool,
) -> None:
    """Найти документы по запросу."""
    if not text.strip():
        click.echo("Ошибка: пустой запрос — введите, что нужно найти.", err=True)
        sys.exit(EXIT_USAGE)
    filters = {"kind": kind, "regions": region, "topics": topic, "status": status}
    query = SearchQuery(
        text=text, filters={k: v for k, v in filters.items() if v}, open_now=open_now,
        sort=sort, page=page, per_page=per_page,
    )
    with user_errors():
        engine = SearchEngine.open()
        try:
            result = engine.search(query)
        finally:
            engine.close()
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"Найдено: {result.total} ({result.took_ms:.1f} мс)")
    for n, hit in enumerate(result.hits, start=result.query.offset + 1):
        d = hit.document
        number = f" [{d.doc_number}]" if d.doc_number else ""
        flag = f" ({ref_status(d, result.today).label})" if hit.finished else ""
        click.echo(f"{n:>3}. {d.title}{number} — {d.kind}, {hit.score:.2f}{flag}  ({d.id})")


@click.command("evaluate")
@click.argument("corpus", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("queries", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Вывести метрики в JSON.")
def evaluate_cmd(corpus: Path, queries: Path, as_json: bool) -> None:
    """Оценить качество ранжирования на корпусе с оценками релевантности."""
    from search_app.evaluate import EvaluationError, evaluate, format_table

    try:
        report = evaluate(corpus, queries)
    except EvaluationError as exc:
        click.echo(f"Ошибка: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(format_table(report))
    click.echo(report.summary_line())


@click.command("init-sample")
@click.option("--force", is_flag=True, help="Пересобрать, даже если данные уже есть.")
def init_sample_cmd(force: bool) -> None:
    """Загрузить образцовый корпус, если хранилище пусто; пересобрать индекс, если его нет.

    Схему базы данных, созданную прежней версией, сначала обновляет (как «munnav db upgrade»).
    """
    sample = Path(setting("sample_dir"))
    _upgrade_schema()
    engine = SearchEngine.open()
    try:
        stored = engine.store.count()
        if stored and not force and _index_is_usable(engine):
            click.echo(f"данные уже есть: {stored} документов")
            return
        if not stored or force:
            errors: list[LineError] = []
            for doc in _read_all(tuple(sorted(sample.glob("*.jsonl"))), errors):
                engine.store.upsert(doc)
        with user_errors():
            engine.reindex()
        click.echo(f"индекс построен: {engine.store.count()} документов")
    finally:
        engine.close()


def _upgrade_schema() -> None:
    """``make run`` on a data dir of an older version: bring its schema up to date, and say so."""
    database = make_engine(database_url(data_dir()))
    try:
        fresh = is_empty(database)
        changed = upgrade_if_outdated(database)
    finally:
        database.dispose()
    if changed is not None and not fresh:
        click.echo(f"схема базы данных обновлена: {changed[0] or 'без версии'} → {changed[1]}")


def _index_is_usable(engine: SearchEngine) -> bool:
    try:
        return engine.backend.count() > 0
    except BackendError:
        return False
