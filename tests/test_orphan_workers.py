"""kill -9 of a process that analyses in parallel leaves no process behind (issue 16, item 4).

The parent is a real Python process running ``index_documents`` with two spawn workers;
it is killed with SIGKILL mid-run, and every child it had (workers and multiprocessing's
resource tracker) must be gone a few seconds later instead of living on under PID 1.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PARENT = textwrap.dedent("""
    import itertools, sys
    from ingest.document import Document
    from search_app.analysis import get_analyzer
    from search_app.parallel_analysis import index_documents

    docs = (Document(id=f"d{n}", kind="measure", title=f"Субсидия на благоустройство дворов {n}",
                     body="Муниципальные образования получают субсидию. " * 50)
            for n in itertools.count())
    for n, _ in enumerate(index_documents(docs, get_analyzer(), workers=2, min_docs=10)):
        if n == 1000:
            print("running", flush=True)
""")


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's reaping is left


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the children")
def test_killing_the_parent_ends_its_analysis_workers() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children: list[int] = []
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True, env=env,
                              cwd=ROOT)
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == "running"
        children = children_of(parent.pid)
        assert len(children) >= 3  # two workers and the resource tracker
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(pid) for pid in children):
            time.sleep(0.2)
        survivors = [pid for pid in children if alive(pid)]
        assert survivors == [], f"still running after the parent was killed: {survivors}"
    finally:
        if parent.poll() is None:
            parent.kill()
        for pid in children:  # our own leftovers only, by pid
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
