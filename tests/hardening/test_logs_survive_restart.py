"""Issue 16.5: search counts kept in memory are written when a server worker stops (a real SIGTERM)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from ingest.database import make_engine
from search_app.dialogue.tables import search_events
from tests.web.conftest import TODAY, build_data_dir

QUERIES = ["субсидия", "конкурс тос", "благоустройство", "грант нко", "закупки", "ремонт дворов"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stdout.read() if proc.stdout else ''}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("server did not start")


@pytest.mark.slow
def test_sigterm_keeps_every_search_counted(tmp_path: Path) -> None:
    data_dir = build_data_dir(tmp_path / "data")
    port = _free_port()
    env = {**os.environ, "MUNNAV_DATA_DIR": str(data_dir), "MUNNAV_TODAY": TODAY}
    env.pop("ELASTICSEARCH_URL", None)
    env.pop("MUNNAV_DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "search_app.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_ready(url, proc)
        for q in QUERIES:
            with urllib.request.urlopen(f"{url}/search?q={urllib.parse.quote(q)}", timeout=30) as response:
                assert response.status == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    engine = make_engine(f"sqlite:///{data_dir / 'store.sqlite3'}")
    try:
        with engine.connect() as conn:
            logged = {t: c for t, c in conn.execute(text("SELECT text, count FROM query_log"))}
            searches = conn.scalar(select(func.sum(search_events.c.searches)))
    finally:
        engine.dispose()
    assert logged == dict.fromkeys(QUERIES, 1)
    assert searches == len(QUERIES)
