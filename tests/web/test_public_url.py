"""Absolute URLs come from MUNNAV_PUBLIC_URL, never from the Host header (issue 16, items 8, 13)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from search_app.web import create_app

EVIL = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
PUBLIC = "https://navigator.example.ru"
ABSOLUTE_PAGES = ["/opensearch.xml", "/search.atom?q=конкурс", "/search.csv?q=конкурс", "/api/v1/openapi.json"]


@pytest.fixture
def make_app(web_data_dir: Path, web_database: str | None) -> Callable[..., Flask]:
    """An app over the web fixture data with extra settings."""

    def build(**config: object) -> Flask:
        return create_app({"DATA_DIR": str(web_data_dir), "DATABASE_URL": web_database, "TESTING": True,
                           "ELASTICSEARCH_URL": "", **config})

    return build


@pytest.fixture
def public_app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    app = make_app(PUBLIC_URL=PUBLIC)
    yield app
    app.extensions["munnav"].close()


@pytest.mark.parametrize("path", ABSOLUTE_PAGES)
def test_absolute_urls_use_the_public_url(public_app: Flask, path: str) -> None:
    body = public_app.test_client().get(path, headers=EVIL).get_data(as_text=True)
    assert "evil.example" not in body
    assert PUBLIC + "/" in body


def test_each_kind_of_absolute_url(public_app: Flask) -> None:
    client = public_app.test_client()
    assert client.get("/api/v1/openapi.json", headers=EVIL).json["servers"] == [{"url": PUBLIC + "/api/v1"}]
    atom = client.get("/search.atom?q=конкурс", headers=EVIL).get_data(as_text=True)
    assert f'href="{PUBLIC}/search.atom?q=%D0%BA%D0%BE%D0%BD%D0%BA%D1%83%D1%80%D1%81"' in atom
    assert f'href="{PUBLIC}/search?q=%D0%BA%D0%BE%D0%BD%D0%BA%D1%83%D1%80%D1%81"' in atom
    assert f"<id>{PUBLIC}/documents/" in atom
    opensearch = client.get("/opensearch.xml", headers=EVIL).get_data(as_text=True)
    assert f"{PUBLIC}/search?q={{searchTerms}}" in opensearch
    assert f"{PUBLIC}/static/img/favicon.svg" in opensearch
    csv_text = client.get("/search.csv?q=конкурс", headers=EVIL).get_data(as_text=True)
    assert f"{PUBLIC}/documents/" in csv_text


@pytest.mark.parametrize("path", ABSOLUTE_PAGES)
def test_without_a_public_url_the_host_header_is_still_ignored(app: Flask, path: str) -> None:
    body = app.test_client().get(path, headers=EVIL).get_data(as_text=True)
    assert "evil.example" not in body


@pytest.mark.parametrize("bad", ["navigator.example.ru", "javascript:alert(1)", "https://x.ru/путь?a=1", "ftp://x.ru"])
def test_a_bad_public_url_stops_the_start(make_app: Callable[..., Flask], bad: str) -> None:
    with pytest.raises(ValueError, match="MUNNAV_PUBLIC_URL"):
        make_app(PUBLIC_URL=bad)


def test_forwarded_headers_are_ignored_without_proxy_fix(make_app: Callable[..., Flask]) -> None:
    app = make_app(EXPORT_RATE_LIMIT="1 per minute", RATELIMIT_STORAGE_URI="memory://")
    try:
        client = app.test_client()
        response = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
        assert "Strict-Transport-Security" not in response.headers
        # A forged client address does not escape the export limit.
        assert client.get("/search.csv", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 200
        assert client.get("/search.csv", headers={"X-Forwarded-For": "203.0.113.10"}).status_code == 429
    finally:
        app.extensions["munnav"].close()


def test_proxy_fix_when_configured_and_hsts_over_https(make_app: Callable[..., Flask]) -> None:
    app = make_app(PROXY_FIX=1)
    try:
        client = app.test_client()
        secure = client.get("/healthz", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
        assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert "Strict-Transport-Security" not in client.get("/healthz").headers  # plain http
        spoofed = client.get("/search.atom", headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
        assert "evil.example" not in spoofed.get_data(as_text=True)
    finally:
        app.extensions["munnav"].close()


def test_proxy_fix_gives_the_client_address_to_the_export_limit(make_app: Callable[..., Flask]) -> None:
    app = make_app(PROXY_FIX=1, EXPORT_RATE_LIMIT="1 per minute", RATELIMIT_STORAGE_URI="memory://")
    try:
        client = app.test_client()
        assert client.get("/search.csv", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 200
        assert client.get("/search.csv", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 429
        assert client.get("/search.csv", headers={"X-Forwarded-For": "203.0.113.10"}).status_code == 200
    finally:
        app.extensions["munnav"].close()
