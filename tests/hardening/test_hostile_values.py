"""Non-finite numbers and non-web URLs never reach the store or a page (issue 16, items 1-2)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.document import Document, ValidationError
from ingest.jsonl import LineError, read_documents
from ingest.store import Store
from search_app.backends.embedded import EmbeddedBackend
from search_app.engine import SearchEngine
from search_app.web import create_app
from search_app.web.formatting import amount_range, group_digits, money

BASE = '{"id": "x", "kind": "measure", "title": "Субсидия", '


def errors_of(tmp_path: Path, lines: list[str]) -> list[str]:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [str(item).split(":", 1)[1] for item in read_documents(path) if isinstance(item, LineError)]


def test_non_finite_amounts_are_rejected_with_field_and_line(tmp_path: Path) -> None:
    finite = "должно быть конечным числом (NaN, Infinity и переполнение не допускаются)"
    lines = [
        BASE + '"amount_min": NaN}',
        BASE + '"amount_max": Infinity}',
        BASE + '"amount_max": -Infinity}',
        BASE + '"amount_max": 1e400}',
        BASE + '"amount_max": 1' + "0" * 400 + "}",
        BASE + '"note": {"weights": [1, NaN]}}',
    ]
    assert errors_of(tmp_path, lines) == [
        f"1: amount_min: {finite}",
        f"2: amount_max: {finite}",
        f"3: amount_max: {finite}",
        f"4: amount_max: {finite}",
        f"5: amount_max: {finite}",
        f"6: note: {finite}",
    ]


def test_finite_amounts_still_pass() -> None:
    doc = Document.from_dict({"id": "x", "kind": "measure", "title": "t", "amount_min": 0, "amount_max": 1e15})
    assert (doc.amount_min, doc.amount_max) == (0.0, 1e15)


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)", "//evil.example/x", "ftp://example.org/a", "http://", "file:///etc/passwd",
    "/relative/path", "https://exa mple.org/",
])
def test_only_http_urls_are_imported(url: str) -> None:
    with pytest.raises(ValidationError) as info:
        Document.from_dict({"id": "x", "kind": "measure", "title": "t", "url": url})
    assert info.value.field == "url"
    assert info.value.reason == "ожидается адрес http:// или https://"


@pytest.mark.parametrize("url", ["http://example.org", "HTTPS://Example.org/a?b=1#c", "https://пример.рф/путь"])
def test_web_urls_are_kept(url: str) -> None:
    assert Document.from_dict({"id": "x", "kind": "measure", "title": "t", "url": url}).url == url


def test_formatting_survives_non_finite_values() -> None:
    assert group_digits(math.nan) == "" and group_digits(math.inf) == ""
    assert money(math.inf) == ""
    assert amount_range(math.nan, math.inf) == ""
    assert amount_range(math.nan, 500.0) == "до 500\u00a0₽"


def test_stored_non_finite_amounts_come_back_empty() -> None:
    doc = Document.from_stored({"id": "x", "kind": "measure", "title": "t", "amount_min": math.nan,
                                "amount_max": math.inf})
    assert doc.amount_min is None and doc.amount_max is None


@pytest.fixture
def hostile_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A store holding records written before validation existed (built past ``from_dict``)."""
    monkeypatch.delenv("ELASTICSEARCH_URL", raising=False)
    root = tmp_path / "data"
    engine = SearchEngine(Store(root / "store.sqlite3"), EmbeddedBackend(root / "index"))
    engine.import_documents([
        Document(id="nan-1", kind="measure", title="Субсидия бесконечная", amount_min=math.nan,
                 amount_max=math.inf),
        Document(id="js-1", kind="measure", title="Субсидия со ссылкой", url="javascript:alert(1)"),
        Document(id="data-1", kind="legal_act", title="Закон со ссылкой", url="data:text/html,x"),
    ])
    engine.close()
    app = create_app({"DATA_DIR": str(root), "TESTING": True, "ELASTICSEARCH_URL": ""})
    yield app
    app.extensions["munnav"].close()


def test_pages_and_api_survive_stored_non_finite_amounts(hostile_app) -> None:
    client = hostile_app.test_client()
    assert client.get("/search?q=субсидия").status_code == 200
    assert client.get("/documents/nan-1").status_code == 200
    api = client.get("/api/v1/documents/nan-1")
    assert api.status_code == 200
    json.loads(api.get_data(as_text=True), parse_constant=lambda c: pytest.fail(f"invalid JSON {c}"))


@pytest.mark.parametrize("doc_id", ["js-1", "data-1"])
def test_stored_non_web_urls_never_become_links(hostile_app, doc_id: str) -> None:
    page = hostile_app.test_client().get(f"/documents/{doc_id}").get_data(as_text=True)
    assert "javascript:" not in page and "data:text" not in page
    assert "Страница источника" not in page and "Официальный текст" not in page


def test_cli_import_reports_hostile_lines(tmp_path: Path, data_dir: Path) -> None:
    from search_app.cli import main

    path = tmp_path / "bad.jsonl"
    path.write_text(BASE + '"amount_max": NaN}\n' + BASE.replace('"x"', '"y"') + '"url": "javascript:x"}\n',
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(path)])
    assert result.exit_code == 1
    assert f"{path}:1: amount_max: должно быть конечным" in result.output
    assert f"{path}:2: url: ожидается адрес http:// или https://" in result.output
