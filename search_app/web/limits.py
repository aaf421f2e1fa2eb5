"""Rate limits (Flask-Limiter), one limiter per app, its counters shared by every process.

Storage: ``MUNNAV_RATELIMIT_STORAGE_URI`` (``memcached://…``, ``redis://…``)
when set, else the project database (``search_app.rate_limit_storage``):
never per-process memory, so a limit holds across gunicorn workers and hosts.
Views take a limit as a context manager: ``with limit("10 per minute", key):``.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

from search_app.rate_limit_storage import SCHEME
from search_app.web.errors import error_response
from search_app.web.services import EXTENSION as SERVICES

EXTENSION = "munnav.limiter"


def init_app(app: Flask) -> Limiter:
    uri = app.config.get("RATELIMIT_STORAGE_URI") or ""
    options: dict = {}
    if not uri:
        uri = f"{SCHEME}://"
        options = {"engine": app.extensions[SERVICES].engine}
    limiter = Limiter(
        get_remote_address, storage_uri=uri, storage_options=options, strategy="fixed-window",
        headers_enabled=False,
    )
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter

    @app.errorhandler(RateLimitExceeded)
    def too_many(exc: RateLimitExceeded) -> tuple:
        return error_response(429, "Слишком много попыток. Подождите немного и попробуйте снова.")

    return limiter


def limiter() -> Limiter:
    return current_app.extensions[EXTENSION]


def limit(rate: str, key: Callable[[], str] | None = None, scope: str | None = None):  # noqa: ANN201 - a RouteLimit
    """A limit to enter inside a view: ``with limit("10 per minute"):`` (429 when exceeded).

    ``key`` identifies who is counted (default: the client address); ``scope``
    separates counters of different limits at the same place.
    """
    return limiter().limit(rate, key_func=key or get_remote_address, scope=scope)


def client_address() -> str:
    return request.remote_addr or "unknown"
