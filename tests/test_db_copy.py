"""``munnav db copy --to …``: the whole store moves, idempotent and resumable, counts compared.

The target is a SQLite file and a real PostgreSQL database; the source is the
embedded default (SQLite in the data dir).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, text

from ingest import db_copy
from ingest.document import Document
from ingest.http import HttpCache
from ingest.outcome import Outcome
from ingest.runlog import ErrorRecord, RunLog, RunReport
from ingest.store import Store
from search_app.cli import main
from search_app.query_log import QueryLog
from tests.conftest import DIALECTS


@pytest.fixture(params=DIALECTS)
def target_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'target.sqlite3'}"
    else:
        yield request.getfixturevalue("postgres_url")


def _fill(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.upsert_many([Document(id=f"m-{i}", kind="measure", title=f"Мера {i}") for i in range(7)], "s")
        store.upsert(Document(id="m-1", kind="measure", title="Мера 1, вторая редакция"), "s")
        store.withdraw(["m-6"])
        store.clear_pending([f"m-{i}" for i in range(5)])
        counts = dict.fromkeys(RunReport.COUNT_KEYS, 1)
        for n in range(3):
            RunLog(store.engine).save(RunReport("s", f"2026-11-0{n + 1}T10:00:00+00:00", "2026-11-01T10:01:00+00:00",
                                                "partial", counts, [ErrorRecord("fetch", "https://x.ru/", "сбой")]))
        HttpCache(store.engine).put("https://x.ru/", '"e"', None, "text/html", "тело".encode())
        log = QueryLog(store.engine)
        for client in ("a", "b", "c"):  # typed by enough clients to be offered
            log.record("мера", 7, client=client)
        log.flush()


def test_copy_moves_the_whole_store_and_runs_again_safely(
    data_dir: Path, target_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(data_dir)
    runner = CliRunner()
    # Cut short after the first batches: the next run resumes.
    monkeypatch.setattr(db_copy, "BATCH", 2)
    calls = []

    def interrupted(table: str, copied: int) -> None:
        calls.append(table)
        if len(calls) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        db_copy.copy_database(
            Store.open(data_dir).engine, Store(target_url).engine, progress=interrupted
        )
    for _ in range(2):  # resumed, then again with nothing new: the same result
        result = runner.invoke(main, ["db", "copy", "--to", target_url])
        assert result.exit_code == 0, result.output
        assert "числа совпадают" in result.output
    lines = {line.split()[0]: line.split() for line in result.output.splitlines() if "→" in line and "://" not in line}
    assert lines["documents"][1] == lines["documents"][3] == "7"
    assert lines["document_versions"][1] == "8" and lines["crawl_errors"][1] == "3"

    with Store(target_url) as target:
        tables = set(inspect(target.engine).get_table_names()) - {"alembic_version"}
        assert set(lines) == tables  # every table, those of later services too
        assert target.count() == 6 and target.count(include_withdrawn=True) == 7
        assert [v.outcome for v in target.versions("m-1")] == [Outcome.NEW, Outcome.UPDATED]
        assert target.get("m-1").title == "Мера 1, вторая редакция"
        assert target.pending_ids() == ["m-5", "m-6"]
        runs = RunLog(target.engine).last(5)
        assert [r.id for r in runs] == [3, 2, 1] and runs[0].errors == [ErrorRecord("fetch", "https://x.ru/", "сбой")]
        assert HttpCache(target.engine).get("https://x.ru/").body == "тело".encode()
        assert QueryLog(target.engine).popular("мер", 5) == ["мера"]
        # A row changed in the source since: the next copy brings it up to date.
        with Store.open(data_dir) as source:
            source.upsert(Document(id="m-2", kind="measure", title="Мера 2, исправлена"), "s")
        assert runner.invoke(main, ["db", "copy", "--to", target_url]).exit_code == 0
        assert target.get("m-2").title == "Мера 2, исправлена" and len(target.versions("m-2")) == 2
        # New rows on the target get ids after the copied ones (PostgreSQL sequences moved on).
        counts = dict.fromkeys(RunReport.COUNT_KEYS, 0)
        assert RunLog(target.engine).save(RunReport("s", "2026-12-01T00:00:00+00:00", "x", "ok", counts)) == 4


def test_copy_reports_rows_the_source_does_not_have(data_dir: Path, target_url: str) -> None:
    _fill(data_dir)
    with Store(target_url) as target, target.engine.begin() as conn:
        conn.execute(text("INSERT INTO index_pending (id) VALUES ('only-in-target')"))
    result = CliRunner().invoke(main, ["db", "copy", "--to", target_url])
    assert result.exit_code == 1
    assert "index_pending" in result.output and "не совпадает" in result.output


def test_copy_into_itself_is_refused(data_dir: Path) -> None:
    result = CliRunner().invoke(main, ["db", "copy", "--to", f"sqlite:///{data_dir / 'store.sqlite3'}"])
    assert result.exit_code == 2 and "одна и та же база" in result.output
