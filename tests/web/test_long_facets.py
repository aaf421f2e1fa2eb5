"""A facet with many values (the sample corpus's 74 regions) renders its head and opens whole on request."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from ingest.document import Document
from ingest.jsonl import read_documents
from search_app.engine import SearchEngine
from search_app.web import create_app

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def sample_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    root = tmp_path_factory.mktemp("sample-web")
    engine = SearchEngine.open(root, elasticsearch_url="")
    engine.import_documents(
        d for p in sorted(SAMPLE.glob("*.jsonl")) for d in read_documents(p) if isinstance(d, Document)
    )
    engine.close()
    app = create_app({"DATA_DIR": str(root), "TESTING": True, "ELASTICSEARCH_URL": ""})
    yield app.test_client()
    app.extensions["munnav"].close()


def test_region_facet_head_then_whole(sample_client: FlaskClient) -> None:
    html = sample_client.get("/search?q=программа&open=0").get_data(as_text=True)
    section = html.split('id="facet-region"', 1)[1].split("</section>", 1)[0]
    shown = section.count('<a class="facet-option')
    link = re.search(r'<a class="facet__all" href="([^"]+)">Все значения \((\d+)\)</a>', section)
    assert link, section[-600:]
    total = int(link.group(2))
    assert total > 20
    opened = sample_client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    whole = opened.split('id="facet-region"', 1)[1].split("</section>", 1)[0]
    assert whole.count('<a class="facet-option') == total > shown
    assert "Свернуть список" in whole and "Все значения" not in whole
    # the API ignores the page-only parameter
    assert sample_client.get("/api/v1/search?q=программа&expand=region").status_code == 200
