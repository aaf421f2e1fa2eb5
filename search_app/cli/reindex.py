"""``munnav reindex``: rebuild the index from the store and switch to it atomically.

Works for both backends: the embedded engine builds a new generation directory
and switches CURRENT; Elasticsearch loads a fresh timestamped index and swaps
the alias. ``--rollback`` switches back, ``--dry-run`` only reports.
"""

from __future__ import annotations

import sys

import click
from tqdm import tqdm

from search_app.backends.base import SearchBackend
from search_app.backends.index_dirs import KEEP_PREVIOUS
from search_app.cli.errors import user_errors
from search_app.engine import SearchEngine
from search_app.settings import synonyms_check_seconds

EXIT_FAILED = 1
WAITING = "Идёт импорт или другая переиндексация: ждём её окончания…"


def register(group: click.Group) -> None:
    group.add_command(reindex_cmd)


def rebuild_with_progress(engine: SearchEngine) -> str:
    """Rebuild with a progress bar on stderr; returns the new index name."""
    total = engine.store.count()
    with tqdm(total=total, unit="док", desc="Переиндексация", file=sys.stderr, leave=False) as bar:
        return engine.reindex(progress=bar.update, on_wait=lambda: click.echo(WAITING, err=True))


def describe(engine: SearchEngine) -> list[tuple[str, str]]:
    """What a rebuild would do, without changing anything."""
    backend = engine.backend
    expected = engine.store.count()
    describe_rebuild = getattr(backend, "describe_rebuild", None)
    lines: list[tuple[str, str]] = (
        describe_rebuild(expected) if describe_rebuild is not None else describe_embedded(backend, expected)
    )
    return [*lines, describe_synonyms(engine)]


def describe_synonyms(engine: SearchEngine) -> tuple[str, str]:
    """Which dictionaries the rebuild would index with: the shipped files, or edits from the store."""
    state = engine.analyzer.synonyms_state()
    edited = ", ".join(name for name, _ in state.overrides)
    return ("словари синонимов",
            f"правлены в консоли: {edited} (версия {state.version})" if edited else "поставляемые файлы synonyms/")


def describe_embedded(backend: SearchBackend, expected: int) -> list[tuple[str, str]]:
    dirs = backend.dirs  # type: ignore[attr-defined]
    current = dirs.current()
    gens = dirs.generations()
    older = [g for g in gens if current is not None and g.name <= current.name]
    stale = older[:-KEEP_PREVIOUS] if KEEP_PREVIOUS else older
    abandoned = [g for g in gens if current is not None and g.name > current.name]
    return [
        ("движок", f"встроенный (tantivy), каталог {dirs.root}"),
        ("сейчас обслуживает", current.name if current else "нет индекса"),
        ("будет создан", "новое поколение gen-<время>-<код>"),
        ("документов в хранилище", str(expected)),
        ("в текущем индексе", str(backend.count()) if current else "0"),
        ("будут удалены", ", ".join(g.name for g in [*stale, *abandoned]) or "ничего"),
    ]


def reload_synonyms(backend: SearchBackend) -> str:
    put_synonyms = getattr(backend, "put_synonyms", None)
    if put_synonyms is None:
        return (
            f"встроенному движку перезагрузка не нужна: правки словарей из консоли (они хранятся в базе) "
            f"все процессы подхватывают сами не позже чем через {synonyms_check_seconds():g} с; новые файлы "
            f"synonyms/ — после перезапуска `munnav serve`. "
            f"Многословные синонимы до `munnav reindex` ищутся по позициям слов (медленнее)."
        )
    n = put_synonyms()
    return f"синонимы загружены в Elasticsearch: правил {n}; переиндексация не нужна."


def rollback(backend: SearchBackend) -> str | None:
    switch_back = getattr(backend, "rollback", None)
    if switch_back is None:
        raise click.UsageError("этот движок не поддерживает откат.")
    target: str | None = switch_back()
    return target


@click.command("reindex")
@click.option("--rollback", "do_rollback", is_flag=True, help="Вернуться к предыдущему индексу.")
@click.option("--dry-run", is_flag=True, help="Только показать, что будет сделано.")
@click.option("--synonyms-only", is_flag=True, help="Перезагрузить синонимы без переиндексации (Elasticsearch).")
def reindex_cmd(do_rollback: bool, dry_run: bool, synonyms_only: bool) -> None:
    """Пересобрать индекс из хранилища и атомарно переключиться на него."""
    if sum((do_rollback, dry_run, synonyms_only)) > 1:
        raise click.UsageError("укажите только один из флагов: --rollback, --dry-run, --synonyms-only.")
    with user_errors():
        engine = SearchEngine.open()
        try:
            if dry_run:
                for label, value in describe(engine):
                    click.echo(f"{label}: {value}")
                return
            if synonyms_only:
                click.echo(reload_synonyms(engine.backend))
                return
            if do_rollback:
                target = rollback(engine.backend)
                if target is None:
                    click.echo("Откат невозможен: предыдущего индекса нет.", err=True)
                    sys.exit(EXIT_FAILED)
                click.echo(f"откат выполнен: обслуживает {target}")
                return
            try:
                name = rebuild_with_progress(engine)
            except RuntimeError as exc:
                if type(exc) is not RuntimeError:  # BackendError and friends: user_errors reports them
                    raise
                click.echo(f"Переиндексация не удалась: {exc}. Обслуживающий индекс не изменён.", err=True)
                sys.exit(EXIT_FAILED)
            click.echo(f"переиндексация завершена: {engine.backend.count()} документов, индекс {name}")
        finally:
            engine.close()
