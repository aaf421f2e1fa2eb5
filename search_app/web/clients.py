"""Who is asking, as the logs may know it: a salted hash of the client's address, never the address."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, request

from search_app.flood import client_key, load_salt

SALT = "munnav.client_salt"


def current_client() -> str:
    """The salted hash of the request's address (the deployment's salt lives in the data directory)."""
    salt = current_app.extensions.get(SALT)
    if salt is None:
        salt = current_app.extensions[SALT] = load_salt(Path(current_app.config["DATA_DIR"]))
    return client_key(salt, request.remote_addr or "")
