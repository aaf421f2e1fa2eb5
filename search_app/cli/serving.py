"""What ``munnav serve`` checks and starts before gunicorn: the port, the public
address and a rate-limit store its worker processes share (IO; used by ``cli/web.py``)."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import getpass
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

MEMCACHED_START_SECONDS = 5.0
MEMCACHED_MEMORY_MB = 16  # counters only: a few bytes per client address and limit


def port_problem(host: str, port: int) -> str | None:
    """A Russian message when ``host:port`` cannot be listened on, else ``None``.

    Checked by binding once, as gunicorn will (with ``SO_REUSEADDR``), so a busy port
    is named in Russian instead of after five seconds of English retries.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return f"не удаётся найти адрес {host!r}: укажите --host, например 127.0.0.1."
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                other = port + 1 if port < 65535 else 8000
                return (
                    f"порт {port} на {host} уже занят (возможно, munnav serve уже запущен). "
                    f"Выберите другой порт: munnav serve --port {other} или make run PORT={other}."
                )
            return f"не удаётся слушать {host}:{port}: {exc.strerror or exc}."
    return None


def default_public_url(host: str, port: int) -> str:
    """The address the server listens on, as a browser on this machine would write it."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else ("[::1]" if host == "::" else host)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM it when ``munnav serve`` dies (Linux), so a
    killed server never leaves its memcached behind. Called from the main thread, which
    lives as long as the server does."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@contextlib.contextmanager
def private_memcached() -> Iterator[str | None]:
    """A memcached on a private Unix socket (no network port) for the rate-limit counters
    of this server's workers; yields its storage URI, or ``None`` when memcached is not
    installed. Stopped when the server stops."""
    binary = shutil.which("memcached")
    if binary is None:
        yield None
        return
    folder = tempfile.mkdtemp(prefix="munnav-limits-")
    path = os.path.join(folder, "memcached.sock")
    command = [binary, "-s", path, "-a", "0600", "-m", str(MEMCACHED_MEMORY_MB), "-t", "1"]
    if os.geteuid() == 0:
        command += ["-u", getpass.getuser()]  # memcached refuses root without naming the user
    process = subprocess.Popen(command, preexec_fn=_die_with_parent, stdin=subprocess.DEVNULL)  # noqa: PLW1509
    try:
        deadline = time.monotonic() + MEMCACHED_START_SECONDS
        while not os.path.exists(path) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        yield f"memcached://{path}" if os.path.exists(path) else None
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(folder, ignore_errors=True)
