"""Exactly once across a killed and restarted pass, with a real SMTP server on loopback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from search_app.alerts import delivery
from search_app.alerts.service import AlertService
from search_app.engine import SearchEngine
from tests.alerts import smtp_server
from tests.alerts.conftest import ADDRESSES, NOW
from tests.alerts.test_service import TOS, tos_competition

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def smtp() -> Iterator[smtp_server.Recorder]:
    recorder = smtp_server.Recorder()
    controller = smtp_server.start(recorder)
    recorder.port = controller.port  # type: ignore[attr-defined]
    yield recorder
    recorder.release.set()
    controller.stop()


def run_pass(data_dir: Path, port: int, now: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.alerts.run_pass", str(data_dir), str(port), now],
        cwd=ROOT, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_a_killed_and_restarted_pass_neither_loses_nor_repeats(
    engine: SearchEngine, alerts: AlertService, data_dir: Path, smtp: smtp_server.Recorder
) -> None:
    for user_id in ADDRESSES:
        alerts.save_search(user_id, TOS, "Гранты ТОС")
    tos_competition(engine)
    port = smtp.port  # type: ignore[attr-defined]

    # First pass: user 1's letter is sent; the server sits on user 2's; the process is killed.
    smtp.hold = 2
    first = run_pass(data_dir, port, NOW.isoformat())
    assert smtp.holding.wait(60), first.communicate(timeout=5)
    first.send_signal(signal.SIGKILL)
    first.wait(30)
    smtp.release.set()
    assert [m["To"] for m in smtp.accepted] == [ADDRESSES[1]]

    # Restart at once: user 3's letter (never composed) is composed and sent; user 2's waits for its lease.
    second = run_pass(data_dir, port, NOW.isoformat())
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    assert sorted(m["To"] for m in smtp.accepted) == [ADDRESSES[1], ADDRESSES[3]]

    # Once the dead pass's claim has lapsed, user 2's letter goes; nothing else does, then or later.
    later = (NOW + delivery.LEASE).isoformat()
    for _ in range(2):
        third = run_pass(data_dir, port, later)
        assert third.communicate(timeout=60) and third.returncode == 0
    assert sorted(m["To"] for m in smtp.accepted) == sorted(ADDRESSES.values())
    assert len({m["Message-ID"] for m in smtp.accepted}) == 3
    for user_id in ADDRESSES:
        assert [n.doc_id for n in alerts.notifications(user_id)] == ["c-tos-new"]
        [msg] = smtp.to(ADDRESSES[user_id])
        assert "c-tos-new" in msg.get_body(("plain",)).get_content()
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
