"""FORMAT.md, which `munnav export --help` and the OpenAPI text point to, exists and names
every field, kind and status the validation knows (issue 16, item 12)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from ingest.document import KINDS, KNOWN_FIELDS, STATUSES, Document
from search_app.cli import main
from search_app.web.openapi import openapi_document

FORMAT = Path(__file__).resolve().parents[1] / "FORMAT.md"


def test_format_md_describes_every_field_kind_and_status() -> None:
    text = FORMAT.read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z_]+)`", text))
    assert KNOWN_FIELDS <= named, KNOWN_FIELDS - named
    assert set(KINDS) <= named and set(STATUSES) <= named


def test_the_example_in_format_md_is_valid() -> None:
    text = FORMAT.read_text(encoding="utf-8")
    example = text.split("## Пример", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    doc = Document.from_dict(json.loads(example))
    assert doc.kind == "competition" and doc.deadline is not None


def test_export_help_and_openapi_point_to_format_md() -> None:
    help_text = CliRunner().invoke(main, ["export", "--help"]).output
    assert "FORMAT.md" in help_text
    described = json.dumps(openapi_document("http://localhost/api/v1"), ensure_ascii=False)
    assert "FORMAT.md" in described
    assert FORMAT.is_file()
