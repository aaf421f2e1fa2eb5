"""Web load: ``munnav serve`` in a subprocess on a free loopback port, driven by client threads."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from search_app.bench.queries import BenchQuery
from search_app.bench.report import Latency, WebEndpoint

HOST = "127.0.0.1"
READY_TIMEOUT_S = 60.0
REQUEST_TIMEOUT_S = 10.0
PARAM_FOR_FIELD = {"regions": "region", "kind": "kind"}
READY_PATH = "/api/v1/search?q=%D0%B7%D0%B0%D0%BA%D0%BE%D0%BD"  # «закон»


class WebBenchError(RuntimeError):
    """The server did not start or did not answer (message in Russian)."""


@dataclass(frozen=True)
class LoadPlan:
    requests: int = 2000  # per endpoint
    # Closed loop: mean latency = clients / throughput (Little's law), so 8 clients
    # at 300 req/s wait 27 ms on average whatever the server does. Two per core
    # keeps both cores busy without measuring a queue.
    clients: int = 4
    max_seconds: float = 30.0  # per endpoint: the run stops by itself
    warmup: int = 20


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(data_dir: Path, workers: int | None = None) -> Iterator[int]:
    """``munnav serve`` on 127.0.0.1:<free port> over ``data_dir``; stopped on exit."""
    port = free_port()
    cmd = [sys.executable, "-m", "search_app.cli", "serve", "--host", HOST, "--port", str(port)]
    if workers:
        cmd += ["--workers", str(workers)]
    env = {**os.environ, "MUNNAV_DATA_DIR": str(data_dir), "ELASTICSEARCH_URL": ""}
    log = (data_dir / "serve.log").open("wb")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        _wait_ready(proc, port, data_dir / "serve.log")
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def _wait_ready(proc: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    status: int | str = "нет соединения"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise WebBenchError(f"«munnav serve» завершился с кодом {proc.returncode}:\n{_tail(log_path)}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
            conn.request("GET", READY_PATH)
            response = conn.getresponse()
            response.read()
            conn.close()
            status = response.status
            if status == 200:
                return
        except (OSError, http.client.HTTPException) as exc:
            status = type(exc).__name__
        time.sleep(0.2)
    raise WebBenchError(
        f"«munnav serve» не ответил за {READY_TIMEOUT_S:.0f} с (последний ответ: {status}):\n{_tail(log_path)}"
    )


def _tail(log_path: Path) -> str:
    try:
        return log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
    except OSError:
        return ""


def query_path(endpoint: str, q: BenchQuery) -> str:
    params = [("q", q.text)] + [(PARAM_FOR_FIELD.get(k, k), v) for k, vs in q.filters.items() for v in vs]
    return f"{endpoint}?{urlencode(params)}"


def drive(port: int, paths: Sequence[str], plan: LoadPlan, label: str) -> WebEndpoint:
    """Send ``plan.requests`` GETs (cycling through ``paths``) from ``plan.clients`` threads."""
    _warm_up(port, paths, plan.warmup)
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    next_index = 0
    lock = threading.Lock()
    deadline = time.monotonic() + plan.max_seconds

    def take() -> int | None:
        nonlocal next_index
        with lock:
            if next_index >= plan.requests or time.monotonic() >= deadline:
                return None
            next_index += 1
            return next_index - 1

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
        mine: list[float] = []
        failed: Counter[str] = Counter()
        while (i := take()) is not None:
            started = time.perf_counter()
            try:
                conn.request("GET", paths[i % len(paths)])
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as exc:
                failed[type(exc).__name__] += 1
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
                continue
            if response.status == 200:
                mine.append((time.perf_counter() - started) * 1000)
            else:
                failed[str(response.status)] += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            statuses.update(failed)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(plan.clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(plan.max_seconds + REQUEST_TIMEOUT_S + 5)
    elapsed = time.perf_counter() - started
    return WebEndpoint(
        path=label, requests=len(latencies) + sum(statuses.values()), errors=sum(statuses.values()),
        error_kinds=dict(statuses), seconds=round(elapsed, 3),
        rps=round(len(latencies) / elapsed, 1) if elapsed else 0.0, latency=Latency.of(latencies),
        clients=plan.clients,
    )


def _warm_up(port: int, paths: Sequence[str], n: int) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
    try:
        for i in range(min(n, len(paths) * 2)):
            conn.request("GET", paths[i % len(paths)])
            conn.getresponse().read()
    finally:
        conn.close()
