"""A throwaway PostgreSQL cluster for the test session (real server, no mocks).

The server binaries come from Debian's ``postgresql`` package
(``/usr/lib/postgresql/<version>/bin``) or from ``PATH``; PostgreSQL refuses to
run as root, so under root they run as the ``postgres`` user (``runuser``).
The cluster lives in a temporary directory, listens only on a Unix socket in
it, and is stopped and removed at the end. ``MUNNAV_TEST_POSTGRES_URL`` points
the tests at a server that already runs (CI service containers) instead.

``python -m tests.postgres [--durable]`` starts one by hand and prints its URL.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from ingest import migrate
from ingest.database import make_engine

EXTERNAL_URL_ENV = "MUNNAV_TEST_POSTGRES_URL"
TEMPLATE = "munnav_template"
RUN_AS = "postgres"
PREFIX = "munnav-pg-"
OWNER = "owner.pid"


def find_bin_dir() -> Path | None:
    """The newest installed server's bin directory, or the one on PATH."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version, reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path and shutil.which("initdb") else None


def _version(path: str) -> float:
    try:
        return float(Path(path).parts[-3])
    except ValueError:
        return 0.0


def stop_abandoned(bin_dir: Path, prefix: list[str]) -> None:
    """Stop and remove the clusters of test sessions that were killed before their teardown.

    The server runs detached from the session (``pg_ctl`` daemonises it), so a
    SIGKILLed pytest would leave it running for good; each cluster records the
    pid of the process that started it.
    """
    for owner in Path(tempfile.gettempdir()).glob(f"{PREFIX}*/{OWNER}"):
        try:
            os.kill(int(owner.read_text()), 0)
            continue  # its session is alive
        except ProcessLookupError:
            pass
        except (ValueError, PermissionError, OSError):
            continue
        subprocess.run([*prefix, str(bin_dir / "pg_ctl"), "-D", str(owner.parent / "data"), "-m", "immediate",
                        "-w", "stop"], capture_output=True, cwd=owner.parent)
        shutil.rmtree(owner.parent, ignore_errors=True)


class Cluster:
    """One ``initdb``-made cluster in a temporary directory, on a Unix socket."""

    def __init__(self, bin_dir: Path, durable: bool = False) -> None:
        """``durable``: the server's default fsync/commit settings (for benchmarks), not the tests' fast ones."""
        self.bin_dir = bin_dir
        self.durable = durable
        self._prefix: list[str] = ["runuser", "-u", RUN_AS, "--"] if os.geteuid() == 0 else []
        stop_abandoned(bin_dir, self._prefix)
        self.root = Path(tempfile.mkdtemp(prefix=PREFIX))
        self.data = self.root / "data"
        self.socket_dir = self.root
        (self.root / OWNER).write_text(str(os.getpid()))
        if self._prefix:  # the server refuses root: it runs as «postgres»
            user = pwd.getpwnam(RUN_AS)
            os.chown(self.root, user.pw_uid, user.pw_gid)

    def _run(self, *args: str) -> None:
        subprocess.run([*self._prefix, *args], check=True, capture_output=True, cwd=self.root)

    def start(self) -> Cluster:
        self._run(
            str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        )
        settings = ["-c listen_addresses=''", f"-c unix_socket_directories='{self.socket_dir}'",
                    "-c max_connections=200"]
        if not self.durable:
            settings += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        options = " ".join(settings)
        self._run(
            str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-t", "60",
            "-l", str(self.root / "server.log"), "start",
        )
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}"

    def stop(self) -> None:
        if not self.root.exists():  # stopped and removed already (stop_abandoned)
            return
        try:
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.root, ignore_errors=True)


class Databases:
    """Fresh databases on one server, each a copy of a template migrated to head."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self._admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        self._drop(TEMPLATE)
        self._execute(f'CREATE DATABASE "{TEMPLATE}"')
        engine = make_engine(self._url(TEMPLATE))
        migrate.upgrade(engine)
        engine.dispose()

    def _url(self, database: str) -> str:
        return self._admin.url.set(database=database).render_as_string(hide_password=False)

    def _execute(self, sql: str) -> None:
        with self._admin.connect() as conn:
            conn.execute(text(sql))

    def _drop(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def create(self, empty: bool = False) -> str:
        """A new database (at head, or ``empty``), returned as a URL."""
        name = f"munnav_test_{secrets.token_hex(4)}"
        self._execute(f'CREATE DATABASE "{name}"' + ("" if empty else f' TEMPLATE "{TEMPLATE}"'))
        return self._url(name)

    def drop(self, url: str) -> None:
        self._drop(make_url(url).database or "")

    def close(self) -> None:
        self._drop(TEMPLATE)
        self._admin.dispose()


if __name__ == "__main__":
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise SystemExit("PostgreSQL не найден: установите пакет postgresql")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # a plain kill stops the cluster too
    cluster = Cluster(bin_dir, durable="--durable" in sys.argv).start()
    print(cluster.url(), flush=True)
    try:
        while True:
            time.sleep(3600)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        cluster.stop()
