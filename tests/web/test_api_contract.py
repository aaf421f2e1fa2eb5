"""The server keeps the promises its OpenAPI document makes (issue 16, items 9-10)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from search_app.query import MAX_PAGE


@pytest.mark.parametrize("path", ["/api/v1/search", "/search", "/api/v1/openapi.json"])
def test_405_keeps_the_allow_header(client: FlaskClient, path: str) -> None:
    response = client.post(path)
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_year_bounds_are_declared_as_the_server_checks_them(client: FlaskClient) -> None:
    params = {p["name"]: p["schema"] for p in client.get("/api/v1/openapi.json").json["paths"]["/search"]["get"]["parameters"]}
    for name in ("year_from", "year_to"):
        assert (params[name]["minimum"], params[name]["maximum"]) == (1, 9999)
        low, high = params[name]["minimum"], params[name]["maximum"]
        assert client.get(f"/api/v1/search?{name}={low}").status_code == 200
        assert client.get(f"/api/v1/search?{name}={high}").status_code == 200
        assert client.get(f"/api/v1/search?{name}={low - 1}").status_code == 400
        assert client.get(f"/api/v1/search?{name}={high + 1}").status_code == 400


def test_pages_never_exceed_the_page_cap(client: FlaskClient) -> None:
    total = client.get("/api/v1/search?per_page=1").json["total"]
    assert total > 1  # the fixture corpus; the cap is checked on a scaled-down copy below
    result = client.get("/api/v1/search?per_page=1").json
    assert result["pages"] == min(total, MAX_PAGE)


def test_pages_are_capped_when_the_result_is_larger(monkeypatch: pytest.MonkeyPatch, client: FlaskClient) -> None:
    import search_app.query as query

    monkeypatch.setattr(query, "MAX_PAGE", 3)
    result = client.get("/api/v1/search?per_page=1").json
    assert result["total"] > 3 and result["pages"] == 3


def test_opensearch_suggestions_are_declared(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").json
    content = spec["paths"]["/suggest"]["get"]["responses"]["200"]["content"]
    response = client.get("/api/v1/suggest?format=opensearch&q=")
    assert response.mimetype in content
    schema = spec["components"]["schemas"][content[response.mimetype]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert schema["type"] == "array" and response.json == ["", []]
    assert client.get("/api/v1/suggest?q=суб").mimetype == "application/json"
