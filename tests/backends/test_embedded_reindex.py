"""A reindex that dies mid-way leaves the serving embedded index untouched and searchable."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from search_app.backends import index_dirs
from search_app.backends.index_dirs import IndexDirs
from search_app.cli import main
from search_app.engine import SearchEngine
from search_app.index_document import build_index_document
from search_app.query import SearchQuery

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def distinct_generation_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """Generation names have one-second resolution; tests build several per second."""
    real = dt.datetime
    last: list[dt.datetime] = []

    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
            moment = real.now(tz)
            if last and moment <= last[-1] + dt.timedelta(seconds=1):
                moment = last[-1] + dt.timedelta(seconds=1)
            last.append(moment)
            return moment

    monkeypatch.setattr(index_dirs, "dt", SimpleNamespace(datetime=Clock, UTC=dt.UTC))


def ids(engine: SearchEngine, text: str) -> list[str]:
    return [h.id for h in engine.search(SearchQuery(text=text, verbatim=True)).hits]


def test_exception_from_the_documents_keeps_the_serving_index(engine: SearchEngine) -> None:
    engine.reindex()
    dirs = IndexDirs(engine.backend.dirs.root)  # type: ignore[attr-defined]
    before, found = dirs.current(), ids(engine, "конкурс ТОС")

    def dying() -> Iterator[dict]:
        for n, doc in enumerate(engine.store.iter_documents()):
            if n == 3:
                raise OSError("хранилище недоступно")
            yield build_index_document(doc, engine.analyzer)

    with pytest.raises(OSError):
        engine.backend.rebuild(dying(), engine.store.count())
    assert dirs.current() == before
    assert ids(engine, "конкурс ТОС") == found and found
    assert engine.backend.count() == engine.store.count()


def test_count_mismatch_is_refused_and_the_cli_says_the_index_is_unchanged(engine: SearchEngine) -> None:
    engine.reindex()
    dirs = IndexDirs(engine.backend.dirs.root)  # type: ignore[attr-defined]
    before = dirs.current()
    docs = [build_index_document(d, engine.analyzer) for d in engine.store.iter_documents()]
    with pytest.raises(RuntimeError, match="проверка не пройдена"):
        engine.backend.rebuild(iter(docs[:-1]), len(docs))
    assert dirs.current() == before and ids(engine, "субсидия двор")


KILLED_BUILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from ingest.store import Store
    from search_app.backends.embedded import EmbeddedBackend
    from search_app.index_document import build_index_document
    from search_app.analysis.analyzer import get_analyzer

    root, marker = Path(sys.argv[1]), Path(sys.argv[2])
    store = Store.open(root)  # MUNNAV_DATABASE_URL when the test runs on PostgreSQL
    analyzer = get_analyzer()

    def slow():
        for n, doc in enumerate(store.iter_documents()):
            yield build_index_document(doc, analyzer)
            if n == 2:
                marker.write_text("building")
                time.sleep(60)

    EmbeddedBackend(root / "index").rebuild(slow(), store.count())
""")


def test_sigkill_mid_build_leaves_the_serving_index_searchable(engine: SearchEngine, data_dir: Path) -> None:
    engine.reindex()
    dirs = IndexDirs(data_dir / "index")
    before, found = dirs.current(), ids(engine, "конкурс ТОС")
    marker = data_dir / "building.marker"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", KILLED_BUILD, str(data_dir), str(marker)], env=env)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, "the build process ended early"
            assert time.monotonic() < deadline, "the build never started"
            time.sleep(0.05)
        assert len(dirs.generations()) > 1  # the half-built generation exists on disk
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert dirs.current() == before
    assert ids(engine, "конкурс ТОС") == found and found
    # A fresh engine (a restarted server) serves the same generation.
    fresh = SearchEngine.open(data_dir)
    try:
        assert ids(fresh, "конкурс ТОС") == found
        # The next reindex succeeds and serves every document.
        new = fresh.reindex()
        assert dirs.current() is not None and dirs.current().name == new
        assert fresh.backend.count() == fresh.store.count()
    finally:
        fresh.close()


def test_rollback_after_a_killed_build_never_targets_the_half_built_generation(
    engine: SearchEngine, data_dir: Path
) -> None:
    engine.reindex()
    dirs = IndexDirs(data_dir / "index")
    good = dirs.current()
    half = dirs.new_generation()  # what a SIGKILLed build leaves behind
    (half / ".building").touch()
    engine.reindex()
    assert engine.backend.rollback() == good.name  # type: ignore[attr-defined]


def test_cli_reindex_dry_run_rollback_and_synonyms(engine: SearchEngine, data_dir: Path) -> None:
    engine.reindex()
    first = IndexDirs(data_dir / "index").current()
    runner = CliRunner()
    dry = runner.invoke(main, ["reindex", "--dry-run"])
    assert dry.exit_code == 0 and f"сейчас обслуживает: {first.name}" in dry.output
    assert IndexDirs(data_dir / "index").current() == first
    done = runner.invoke(main, ["reindex"])
    assert done.exit_code == 0 and "переиндексация завершена: 10 документов" in done.output
    assert IndexDirs(data_dir / "index").current() != first
    # Generation names have one-second resolution: ask which one is "previous" rather than assume.
    previous = IndexDirs(data_dir / "index").previous()
    back = runner.invoke(main, ["reindex", "--rollback"])
    assert back.exit_code == 0 and f"откат выполнен: обслуживает {previous.name}" in back.output
    assert IndexDirs(data_dir / "index").current() == previous
    syn = runner.invoke(main, ["reindex", "--synonyms-only"])
    assert syn.exit_code == 0 and "перезагрузка не нужна" in syn.output
    both = runner.invoke(main, ["reindex", "--rollback", "--dry-run"])
    assert both.exit_code == 2 and "только один" in both.output
