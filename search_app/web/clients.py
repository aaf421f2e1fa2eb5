"""Who is asking, as the logs may know it: a salted hash of the client's address, never the address."""

from __future__ import annotations

from flask import current_app, request

from search_app import site_settings
from search_app.flood import client_key
from search_app.web.services import EXTENSION as SERVICES

SALT = "munnav.client_salt"


def current_client() -> str:
    """The salted hash of the request's address (the salt is kept in the database: every host hashes alike)."""
    salt = current_app.extensions.get(SALT)
    if salt is None:
        engine = current_app.extensions[SERVICES].engine
        salt = current_app.extensions[SALT] = site_settings.client_salt(engine)
    return client_key(salt, request.remote_addr or "")
