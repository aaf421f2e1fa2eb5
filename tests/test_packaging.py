"""The package builds without setuptools' "would be ignored" warnings and still ships
its templates, static files and registry (issue 16, item 11)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_build_ships_package_data_without_warnings(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import setuptools; setuptools.setup()", "-q",
         "egg_info", "--egg-base", str(tmp_path), "build_py", "--build-lib", str(tmp_path / "lib")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    output = result.stdout + result.stderr
    assert "would be ignored" not in output and "absent from" not in output, output[-3000:]
    lib = tmp_path / "lib"
    for shipped in ("search_app/templates/base.html", "search_app/static/css", "search_app/static/js",
                    "search_app/static/img/favicon.svg", "ingest/sources.toml"):
        assert (lib / shipped).exists(), shipped
    assert not list(lib.rglob("__pycache__"))
