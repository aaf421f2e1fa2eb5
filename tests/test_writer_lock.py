"""The reindex/import lock lives in the database: imports and reindexes exclude each other
across processes (and, on PostgreSQL, hosts); a reindex beside a large import succeeds.

Both tests run on SQLite and on PostgreSQL (``store_url``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from click.testing import CliRunner

from ingest.store import Store
from search_app.backends.embedded import EmbeddedBackend
from search_app.cli import main

ROOT = Path(__file__).resolve().parents[1]

HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from ingest.store import Store

    url, marker = sys.argv[1], Path(sys.argv[2])
    with Store(url) as store, store.writer_lock():
        marker.write_text("held")
        time.sleep(1.5)
""")

# «munnav import» with small store transactions and index commits, so that it is
# still storing documents when the reindex starts (as a 100k-line import is).
SLOW_IMPORT = textwrap.dedent("""
    import sys
    import search_app.engine as engine
    from search_app.cli import main

    engine.INDEX_BATCH, engine.INDEX_COMMIT = 50, 200
    main(["import", sys.argv[1]])
""")


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def test_the_lock_makes_another_process_wait(store_url: str, tmp_path: Path) -> None:
    marker = tmp_path / "held"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, store_url, str(marker)], env=_env())
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert holder.poll() is None and time.monotonic() < deadline, "the holder never took the lock"
            time.sleep(0.02)
        waited: list[bool] = []
        with Store(store_url) as store, store.writer_lock(on_wait=lambda: waited.append(True)):
            assert waited == [True]  # the other process held it: this one waited
            assert holder.wait(timeout=30) == 0  # and got it only once the other let go
        with Store(store_url) as store, store.writer_lock(on_wait=lambda: waited.append(True)):
            with store.writer_lock():  # re-entrant within a process
                assert waited == [True]
    finally:
        holder.kill()
        holder.wait()


def test_reindex_beside_a_large_import_waits_for_it_and_succeeds(
    store_url: str, data_dir: Path, tmp_path: Path
) -> None:
    """Issue 16, item 3: «munnav import big.jsonl & sleep 2; munnav reindex» exited 1
    («в индексе 80460, в хранилище 56460»): the store was counted before the lock."""
    total = 3000
    big = tmp_path / "big.jsonl"
    with big.open("w", encoding="utf-8") as out:
        for i in range(total):
            title = f"Субсидия на благоустройство территории номер {i}"
            out.write(json.dumps({"id": f"b-{i}", "kind": "measure", "title": title}, ensure_ascii=False) + "\n")
    importer = subprocess.Popen(
        [sys.executable, "-c", SLOW_IMPORT, str(big)], env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        with Store(store_url) as store:
            deadline = time.monotonic() + 120
            while store.count() < 300:  # the import is under way, far from done
                assert importer.poll() is None, importer.stdout.read().decode()  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "the import never started storing"
                time.sleep(0.02)
            assert store.count() < total
            reindex = CliRunner().invoke(main, ["reindex"])
            out, _ = importer.communicate(timeout=120)
            assert importer.returncode == 0, out.decode()
            assert reindex.exit_code == 0, reindex.output
            assert "ждём её окончания" in reindex.output
            assert f"переиндексация завершена: {total} документов" in reindex.output
            assert store.count() == total and store.pending_ids() == []
        backend = EmbeddedBackend(data_dir / "index")
        assert backend.count() == total
        backend.close()
    finally:
        importer.kill()
        importer.wait()
