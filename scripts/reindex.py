#!/usr/bin/env python3
"""Editors' entry point: the same as ``munnav reindex`` (options: --rollback, --dry-run, --synonyms-only)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from search_app.cli.reindex import reindex_cmd  # noqa: E402

if __name__ == "__main__":
    reindex_cmd(prog_name="reindex.py")
