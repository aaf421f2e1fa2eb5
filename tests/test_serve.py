"""``munnav serve``: a busy port in Russian before gunicorn starts; its workers share one
export limit; absolute links go to the address it listens on (issue 16, items 7, 8, 11)."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from search_app.bench.web import HOST, running_server
from search_app.cli import main
from tests.web.conftest import build_data_dir


def test_a_busy_port_is_named_in_russian_before_gunicorn_starts() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--host", "127.0.0.1", "--port", str(port)])
    assert result.exit_code == 1
    assert f"порт {port} на 127.0.0.1 уже занят" in result.output
    assert f"munnav serve --port {port + 1} или make run PORT={port + 1}" in result.output
    assert "Муниципальный навигатор: http" not in result.output  # nothing claimed to start


def get_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@pytest.mark.slow
def test_workers_share_one_export_limit_and_link_to_the_served_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUNNAV_EXPORT_RATE_LIMIT", "3 per minute")
    monkeypatch.delenv("MUNNAV_RATELIMIT_STORAGE_URI", raising=False)  # the project database
    monkeypatch.delenv("MUNNAV_PUBLIC_URL", raising=False)
    data_dir = build_data_dir(tmp_path / "data")
    with running_server(data_dir, workers=2) as port:
        base = f"http://{HOST}:{port}"
        with ThreadPoolExecutor(max_workers=8) as pool:  # both workers busy at once
            statuses = list(pool.map(get_status, [f"{base}/search.csv?n={n}" for n in range(12)]))
        with urllib.request.urlopen(f"{base}/opensearch.xml", timeout=30) as response:
            opensearch = response.read().decode("utf-8")
    assert sorted(statuses) == [200] * 3 + [429] * 9
    assert f"{base}/search?q={{searchTerms}}" in opensearch
