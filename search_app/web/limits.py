"""Rate limits (Flask-Limiter), one limiter per app, its counters shared by every process.

Storage: ``MUNNAV_RATELIMIT_STORAGE_URI`` (``memcached://…``, ``redis://…``)
when set, else the project database (``search_app.rate_limit_storage``):
never per-process memory, so a limit holds across gunicorn workers and hosts.
Views take a limit as a context manager: ``with limit("10 per minute", key):``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from flask import Flask, Response, current_app, make_response, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

from search_app.rate_limit_storage import SCHEME
from search_app.web.errors import error_response
from search_app.web.services import EXTENSION as SERVICES

EXTENSION = "munnav.limiter"
TOO_MANY = "Слишком много попыток. Подождите немного и попробуйте снова."
TOO_MANY_DOWNLOADS = "Слишком много выгрузок подряд. Подождите минуту и повторите."


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
    def too_many(exc: RateLimitExceeded) -> Response:
        # A limit may say what was refused (``error_message``); else the sign-in wording.
        message = exc.description if exc.limit.error_message else TOO_MANY
        response = make_response(error_response(429, message))
        current = limiter.current_limit
        if current is not None:
            response.headers["Retry-After"] = str(max(1, math.ceil(current.reset_at - time.time())))
        return response

    return limiter


def limiter() -> Limiter:
    return current_app.extensions[EXTENSION]


def limit(  # noqa: ANN201 - a RouteLimit
    rate: str, key: Callable[[], str] | None = None, scope: str | None = None, message: str | None = None,
    shared: bool = False,
):
    """A limit to enter inside a view: ``with limit("10 per minute"):`` (429 when exceeded).

    ``key`` identifies who is counted (default: the client address); ``scope``
    separates counters of different limits at the same place; ``shared``: one
    counter for ``scope`` across every view entering it (else one per view);
    ``message`` is the Russian text of the 429 (default: too many attempts).
    """
    if shared:
        if not scope:
            raise ValueError("a shared limit needs a scope")
        return limiter().shared_limit(rate, scope, key_func=key or get_remote_address, error_message=message)
    return limiter().limit(rate, key_func=key or get_remote_address, scope=scope, error_message=message)


def client_address() -> str:
    return request.remote_addr or "unknown"
