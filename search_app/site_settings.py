"""Site-wide settings every host and worker must share, kept in the database.

The session signing key lives here when ``MUNNAV_SECRET_KEY`` is not set: it
is generated once by whichever process asks first (an insert that loses the
race reads the winner's value), never defaulted in code, never in a local file.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from sqlalchemy import Column, Connection, Engine, String, Table, Text, insert, select, update
from sqlalchemy.exc import IntegrityError

from ingest.clock import now_iso
from ingest.database import metadata

site_settings = Table(
    "site_settings",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", String(32), nullable=False),
)

SECRET_KEY = "secret_key"
CLIENT_SALT = "client_salt"


def get_setting(engine: Engine, key: str) -> str | None:
    with engine.connect() as conn:
        return conn.execute(select(site_settings.c.value).where(site_settings.c.key == key)).scalar()


def set_setting(conn: Connection, key: str, value: str) -> None:
    """Within the caller's transaction (so an audit record can go with it)."""
    done = conn.execute(
        update(site_settings).where(site_settings.c.key == key).values(value=value, updated_at=now_iso())
    )
    if not done.rowcount:
        conn.execute(insert(site_settings).values(key=key, value=value, updated_at=now_iso()))


def get_or_create(engine: Engine, key: str, make: Callable[[], str]) -> str:
    """The stored value, or ``make()`` stored now; concurrent callers all get one value."""
    value = get_setting(engine, key)
    if value is not None:
        return value
    try:
        with engine.begin() as conn:
            conn.execute(insert(site_settings).values(key=key, value=make(), updated_at=now_iso()))
    except IntegrityError:
        pass  # another process stored it first
    value = get_setting(engine, key)
    assert value is not None
    return value


def secret_key(engine: Engine) -> str:
    return get_or_create(engine, SECRET_KEY, lambda: secrets.token_urlsafe(48))


def client_salt(engine: Engine) -> bytes:
    """The salt of client hashes (``search_app.flood.client_key``), equal on every host."""
    return bytes.fromhex(get_or_create(engine, CLIENT_SALT, lambda: secrets.token_hex(32)))
