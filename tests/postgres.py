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


class Cluster:
    """One ``initdb``-made cluster in a temporary directory, on a Unix socket."""

    def __init__(self, bin_dir: Path, durable: bool = False) -> None:
        """``durable``: the server's default fsync/commit settings (for benchmarks), not the tests' fast ones."""
        self.bin_dir = bin_dir
        self.durable = durable
        self.root = Path(tempfile.mkdtemp(prefix="munnav-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root
        self._prefix: list[str] = []
        if os.geteuid() == 0:  # the server refuses root: run it as «postgres»
            user = pwd.getpwnam(RUN_AS)
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self._prefix = ["runuser", "-u", RUN_AS, "--"]

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
    cluster = Cluster(bin_dir, durable="--durable" in sys.argv).start()
    print(cluster.url(), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()
