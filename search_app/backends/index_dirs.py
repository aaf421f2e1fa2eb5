"""Generations of an on-disk index with an atomically switched CURRENT pointer.

A reader follows CURRENT; a rebuild writes a new generation beside it and
switches CURRENT with ``os.replace`` only after it is complete and verified,
so a reader never sees a half-built index and a killed rebuild changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

KEEP_PREVIOUS = 2


class IndexDirs:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.pointer = root / "CURRENT"

    def current(self) -> Path | None:
        try:
            name = self.pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        path = self.root / name
        return path if name and path.is_dir() else None

    def pointer_stamp(self) -> int:
        try:
            return self.pointer.stat().st_mtime_ns
        except FileNotFoundError:
            return 0

    def new_generation(self) -> Path:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self.root / f"gen-{stamp}-{secrets.token_hex(3)}"
        path.mkdir(parents=True)
        return path

    def generations(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.iterdir() if p.is_dir() and p.name.startswith("gen-"))

    def switch_to(self, path: Path) -> None:
        tmp = self.root / f".CURRENT.{os.getpid()}.tmp"
        tmp.write_text(path.name + "\n", encoding="utf-8")
        os.replace(tmp, self.pointer)

    def complete_generations(self) -> list[Path]:
        """Generations whose build finished (a killed build leaves `.building` behind)."""
        return [g for g in self.generations() if not (g / ".building").exists()]

    def previous(self) -> Path | None:
        """The newest finished generation older than the current one (for rollback)."""
        current = self.current()
        older = [g for g in self.complete_generations() if current is None or g.name < current.name]
        return older[-1] if older else None

    def prune(self) -> None:
        """Keep the current generation and the previous KEEP_PREVIOUS ones."""
        current = self.current()
        if current is None:
            return
        older = [g for g in self.complete_generations() if g.name < current.name]
        for stale in older[:-KEEP_PREVIOUS] if KEEP_PREVIOUS else older:
            shutil.rmtree(stale, ignore_errors=True)
        # Half-built generations of killed rebuilds (the caller holds the write lock,
        # so no build is running now).
        for abandoned in self.generations():
            if abandoned != current and (abandoned / ".building").exists():
                shutil.rmtree(abandoned, ignore_errors=True)

    @contextlib.contextmanager
    def write_lock(self) -> Iterator[None]:
        """One writer at a time across processes (updates and rebuilds alike)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / "write.lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

