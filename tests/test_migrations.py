"""Schema migrations: a new database, a data dir written before Alembic, and the CLI around them.

``fixtures/store_pre_alembic.sql`` is the SQL dump of a data dir written by the
code as it was before migrations existed (main at 5fadddc: documents new,
updated and withdrawn, pending marks, crawl runs with errors, HTTP cache,
query log).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import Engine, text

import search_app.schema  # noqa: F401 - registers every service's tables in the metadata compared
from ingest import migrate
from ingest.database import make_engine, metadata
from ingest.document import Document
from ingest.http import HttpCache
from ingest.outcome import Outcome
from ingest.runlog import RunLog
from ingest.store import Store
from search_app.cli import main
from search_app.query_log import QueryLog

OLD_DUMP = Path(__file__).parent / "fixtures" / "store_pre_alembic.sql"


def old_data_dir(root: Path) -> Path:
    """A data dir whose store was written by the pre-Alembic code."""
    root.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(root / "store.sqlite3")
    db.executescript(OLD_DUMP.read_text(encoding="utf-8"))
    db.close()
    return root


def _rows(engine: Engine, table: str, order: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY {order}"))]


def _schema_diff(engine: Engine) -> list:
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), metadata)


def _flat(diff: list) -> list[tuple]:
    """Each change as (kind, table, column); column changes come in nested lists."""
    out = []
    for item in diff:
        for change in item if isinstance(item, list) else [item]:
            out.append((change[0], change[2], change[3]) if change[0].startswith("modify") else change[:2])
    return out


def test_new_database_is_created_at_head_and_matches_the_tables(tmp_path: Path) -> None:
    with Store(tmp_path / "store.sqlite3") as store:
        assert migrate.current(store.engine) == migrate.head()
        assert _schema_diff(store.engine) == []


def test_old_data_dir_is_refused_until_upgraded(tmp_path: Path) -> None:
    path = old_data_dir(tmp_path / "data") / "store.sqlite3"
    with pytest.raises(migrate.SchemaOutdated, match="munnav db upgrade"):
        Store(path)
    engine = make_engine(f"sqlite:///{path}")
    assert migrate.current(engine) is None  # refused: nothing was changed
    engine.dispose()


def test_old_data_dir_is_upgraded_in_place_with_nothing_lost(tmp_path: Path) -> None:
    path = old_data_dir(tmp_path / "data") / "store.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    before = {
        "documents": _rows(engine, "documents", "id"),
        "index_pending": _rows(engine, "index_pending", "id"),
        "crawl_runs": _rows(engine, "crawl_runs", "id"),
        "http_cache": _rows(engine, "http_cache", "url"),
        "query_log": _rows(engine, "query_log", "text"),
    }
    errors_before = _rows(engine, "crawl_errors", "rowid")
    assert all(before.values()) and errors_before

    migrate.upgrade(engine)

    assert migrate.current(engine) == migrate.head()
    # Only a quirk of old SQLite DDL remains: «TEXT PRIMARY KEY» without NOT NULL (the
    # code never wrote a NULL key); copying every table to add it is not worth it.
    assert sorted(_flat(_schema_diff(engine))) == [
        ("modify_nullable", "crawl_runs", "id"), ("modify_nullable", "documents", "id"),
        ("modify_nullable", "http_cache", "url"), ("modify_nullable", "index_pending", "id"),
        ("modify_nullable", "query_log", "text"),
    ]
    for table, rows in before.items():
        after = _rows(engine, table, {"http_cache": "url", "query_log": "text"}.get(table, "id"))
        assert [r[: len(rows[0])] for r in after] == rows  # columns added later come last
    assert {r[-1] for r in _rows(engine, "query_log", "text")} == {0}  # no client counted yet (0003)
    assert [r[1:] for r in _rows(engine, "crawl_errors", "id")] == errors_before  # numbered in their order

    with Store(engine) as store:
        assert store.count() == 4 and store.count(include_withdrawn=True) == 5
        assert store.get("m-1").title == "Субсидия 1 (изменена)"
        assert store.is_withdrawn("m-3")
        assert store.pending_ids() == ["a-131", "m-2"]
        # History starts from the content each document has now.
        # (written within one second, so «updated» cannot be told from «new» by its times)
        [version] = store.versions("m-1")
        assert version.document == store.get("m-1") and version.outcome is Outcome.NEW
        m1 = next(row for row in before["documents"] if row[0] == "m-1")
        assert (version.hash, version.stored_at) == (m1[4], m1[7])
        assert len(store.versions("m-3")) == 1  # withdrawn documents keep their history too
        # The store goes on as before: a change is a new version, ids keep counting.
        changed = Document(id="a-131", kind="legal_act", title="Федеральный закон № 131-ФЗ (ред.)")
        assert store.upsert(changed) is Outcome.UPDATED
        assert [v.document.title for v in store.versions("a-131")][-1] == changed.title
        runs = RunLog(store.engine).last(5)
        assert [r.status for r in runs] == ["ok", "partial"]
        assert [e.url for e in runs[1].errors] == ["https://example.ru/1", "https://example.ru/2"]
        assert RunLog(store.engine).last_started("minstroy") == "2026-11-02T10:00:00+00:00"
        cached = HttpCache(store.engine).get("https://example.ru/list")
        assert cached is not None and cached.body == "<html>Список мер</html>".encode()
        # Counted before anyone could tell clients apart: offered again once three clients type it (16.6).
        log = QueryLog(store.engine)
        assert log.popular("конк", 5) == []
        for client in ("a", "b", "c"):
            log.record("конкурс тос", 3, client)
        log.flush()
        assert log.popular("конк", 5) == ["конкурс тос"]
    engine.dispose()


def test_cli_refuses_an_outdated_schema_and_db_upgrade_fixes_it(
    data_dir: Path, tmp_path: Path
) -> None:
    old_data_dir(data_dir)
    runner = CliRunner()
    corpus = tmp_path / "one.jsonl"
    corpus.write_text('{"id": "n-1", "kind": "measure", "title": "Новая мера"}\n', encoding="utf-8")

    current = runner.invoke(main, ["db", "current"])
    assert current.exit_code == 1
    assert f"нужна {migrate.head()}: выполните «munnav db upgrade»" in current.output
    for args in (["import", str(corpus)], ["search", "субсидия"], ["serve", "--port", "1"], ["export", "x"]):
        refused = runner.invoke(main, args)
        assert refused.exit_code == 4, (args, refused.output)
        assert "Схема базы данных устарела" in refused.output and "munnav db upgrade" in refused.output

    upgraded = runner.invoke(main, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert f"схема обновлена: без версии → {migrate.head()}" in upgraded.output
    assert runner.invoke(main, ["db", "current"]).output.endswith(f"версия схемы: {migrate.head()} (последняя)\n")
    assert f"уже последней версии {migrate.head()}" in runner.invoke(main, ["db", "upgrade"]).output
    imported = runner.invoke(main, ["import", str(corpus)])
    assert imported.exit_code == 0, imported.output
    assert "новых: 1" in imported.output


def test_init_sample_upgrades_an_old_data_dir_itself(data_dir: Path) -> None:
    """``make run`` on an ``instance/`` of an older version keeps working."""
    old_data_dir(data_dir)
    result = CliRunner().invoke(main, ["init-sample"])
    assert result.exit_code == 0, result.output
    assert f"схема базы данных обновлена: без версии → {migrate.head()}" in result.output
    assert "индекс построен: 4 документов" in result.output  # the old documents, not the sample


def test_a_newer_schema_is_never_touched(data_dir: Path) -> None:
    with Store.open(data_dir) as store, store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 4
    assert "новее этой версии программы" in result.output
