"""Smoke run of ``munnav bench``: report structure and sanity, never timing thresholds."""

from __future__ import annotations

import importlib.util
import json
from typing import Any

import pytest
from click.testing import CliRunner

from search_app.bench.queries import CLASSES
from search_app.cli import main


def _run(*args: str) -> tuple[dict[str, Any], str]:
    result = CliRunner().invoke(main, ["bench", "--json", *args])
    assert result.exit_code == 0, result.output
    *body, summary = result.stdout.strip().splitlines()
    return json.loads("\n".join(body)), summary


def test_bench_smoke_reports_every_class_with_positive_numbers() -> None:
    report, summary = _run("--docs", "2000", "--queries", "40")

    assert report["docs"] == 2000
    assert report["queries"] == 40
    ingest = report["ingest"]
    for key in ("docs_per_s", "peak_rss_mb", "index_bytes", "store_bytes"):
        assert ingest[key] > 0, key
    assert set(report["classes"]) == set(CLASSES)
    for name, cls in report["classes"].items():
        assert cls["product"]["count"] == 10, name
        assert 0 < cls["product"]["p50_ms"] <= cls["product"]["p95_ms"] <= cls["product"]["p99_ms"], name
        assert 0 < cls["raw"]["p50_ms"] <= cls["raw"]["p95_ms"], name
        assert cls["ratio_p95"] > 0, name
        assert cls["raw_facets"]["count"] == 10 and cls["raw_facets"]["p50_ms"] > 0, name
        assert cls["ratio_facets_p95"] > 0, name
    assert report["classes"]["common"]["mean_total"] > report["classes"]["rare"]["mean_total"]
    assert report["web"] == {}
    assert summary.startswith("docs=2000 index_docs_per_s=")
    assert summary.split()[-1] == "web_rps=-"
    for key in ("p95_ms=", "raw_p95_ms=", "ratio="):
        assert key in summary


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("search_app.cli.web") is None, reason="munnav serve not available")
def test_bench_web_smoke_drives_the_server() -> None:
    report, summary = _run("--docs", "200", "--queries", "8", "--web", "--web-requests", "100", "--web-clients", "4")

    assert set(report["web"]) == {"/search", "/api/v1/search"}
    for path, endpoint in report["web"].items():
        assert endpoint["errors"] == 0, path
        assert endpoint["requests"] == 100, path
        assert endpoint["rps"] > 0, path
        assert endpoint["latency"]["p95_ms"] > 0, path
    assert not summary.endswith("web_rps=-")


def test_bench_with_the_store_on_postgresql_reports_both_side_by_side(postgres_url: str) -> None:
    from sqlalchemy import create_engine, text

    report, summary = _run("--docs", "300", "--queries", "8", "--database-url", postgres_url)
    assert [s["database"] for s in report["stores"]] == ["SQLite", "PostgreSQL"]
    for store in report["stores"]:
        assert store["docs_per_s"] > 0 and store["p95_ms"] > 0, store
    assert "postgresql_docs_per_s=" in summary and "postgresql_p95_ms=" in summary
    engine = create_engine(postgres_url)
    with engine.connect() as conn:  # the run's temporary schema is gone
        schemas = conn.scalars(text("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'munnav_bench%'")).all()
    engine.dispose()
    assert schemas == []
