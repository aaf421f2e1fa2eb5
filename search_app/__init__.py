"""Municipal Navigator: search engine layer and web app."""

from __future__ import annotations

from typing import Any


def create_app(config: dict[str, Any] | None = None):  # noqa: ANN201 - Flask imported lazily
    """Flask app factory (see ``search_app.web``)."""
    from search_app.web import create_app as _create_app

    return _create_app(config)
