"""How the site is reached from outside: its public address and the proxies before it.

Absolute URLs (OpenSearch, Atom, CSV, OpenAPI ``servers``) are built from
``PUBLIC_URL`` (``MUNNAV_PUBLIC_URL``), never from the request's Host header, which
any client sets. ``X-Forwarded-*`` headers are read only when ``PROXY_FIX``
(``MUNNAV_PROXY_FIX``) says how many proxies stand in front; the host is never
taken from them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from flask import Flask, current_app, request, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

from ingest.weburl import is_web_url

FALLBACK_PUBLIC_URL = "http://localhost"  # create_app() without a setting (munnav serve sets one)


def checked_public_url(value: str) -> str:
    """``scheme://host[:port]`` without a trailing slash; ``ValueError`` (Russian) otherwise."""
    parts = urlsplit(value.strip()) if value else None
    if parts is None or not is_web_url(value.strip()) or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(
            f"MUNNAV_PUBLIC_URL: ожидается адрес сайта вида https://navigator.example.ru "
            f"(без пути и параметров), получено {value[:100]!r}."
        )
    return f"{parts.scheme.lower()}://{parts.netloc}"


def public_url(endpoint: str, **values: Any) -> str:
    """``url_for`` made absolute with the configured public address."""
    return current_app.config["PUBLIC_URL"] + url_for(endpoint, **values)


def public_root() -> str:
    """The public address plus the application's mount point (``X-Forwarded-Prefix``)."""
    return current_app.config["PUBLIC_URL"] + url_for("pages.home").rstrip("/")


def public_request_url() -> str:
    """This request's URL (path and query, percent-encoded) under the configured public address."""
    query = urlencode(list(request.args.items(multi=True)))
    return public_root() + quote(request.path) + (f"?{query}" if query else "")


def init_app(app: Flask) -> None:
    app.config["PUBLIC_URL"] = checked_public_url(app.config.get("PUBLIC_URL") or FALLBACK_PUBLIC_URL)
    proxies = int(app.config.get("PROXY_FIX") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0, x_port=0, x_prefix=proxies
        )
