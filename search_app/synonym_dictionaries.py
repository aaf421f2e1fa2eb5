"""The synonym dictionaries edited in the console, kept in the store for every host.

The files of ``synonyms/`` are the shipped defaults; a dictionary applied in
the console is stored here and overrides its file on every process that
analyzes (web workers, the scheduler's reindex, the command line). Every apply
and every reset appends a row to ``synonym_dictionary_versions``: its id is the
store's synonyms version (processes compare it, cheaply, with the one they
built their dictionary from) and its text the history an editor reads or rolls
back to. A reset stores no text: the dictionary is the shipped file again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    ForeignKey,
    Index,
    Integer,
    Row,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from ingest.clock import now_iso
from ingest.database import metadata
from search_app.accounts.tables import users

# The edited dictionaries in service: name → text (the file of that name is not used).
synonym_dictionaries = Table(
    "synonym_dictionaries",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("text", Text, nullable=False),
    Column("version", Integer, nullable=False),  # the ``synonym_dictionary_versions`` row of this text
    Column("updated_at", String(32), nullable=False),
    Column("updated_by", Integer, ForeignKey("users.id")),  # NULL: the command line, or an erased account
)

# Every apply and reset, oldest first; ``text`` NULL: reset to the shipped file.
synonym_dictionary_versions = Table(
    "synonym_dictionary_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("text", Text),
    Column("at", String(32), nullable=False),
    Column("by", Integer, ForeignKey("users.id")),
    Index("ix_synonym_dictionary_versions_name_id", "name", "id"),
    sqlite_autoincrement=True,  # ids never reused: a version seen once is never seen again
)

HISTORY_LIMIT = 50
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DictionaryVersion:
    """One apply (``text``) or reset (``text`` None) of a dictionary, and who did it."""

    id: int
    name: str
    text: str | None
    at: str
    by: str  # the account's name or address; "" for the command line


def version(conn: Connection) -> int:
    """The store's synonyms version: moves on every apply and reset (0: never edited)."""
    return int(conn.execute(select(func.max(synonym_dictionary_versions.c.id))).scalar() or 0)


def overrides(conn: Connection) -> dict[str, str]:
    """The edited dictionaries in service: name → text."""
    rows = conn.execute(select(synonym_dictionaries.c.name, synonym_dictionaries.c.text))
    return {name: text for name, text in rows}


def apply(conn: Connection, name: str, text: str, user_id: int | None) -> int:
    """Put ``text`` in service as dictionary ``name`` (in the caller's transaction); the new version."""
    at = now_iso()
    new = _append(conn, name, text, at, user_id)
    values = {"text": text, "version": new, "updated_at": at, "updated_by": user_id}
    done = conn.execute(update(synonym_dictionaries).where(synonym_dictionaries.c.name == name).values(values))
    if not done.rowcount:
        conn.execute(insert(synonym_dictionaries).values(name=name, **values))
    return new


def reset(conn: Connection, name: str, user_id: int | None) -> int | None:
    """Back to the shipped file: the edit leaves service (kept in the history); None if there was none."""
    done = conn.execute(delete(synonym_dictionaries).where(synonym_dictionaries.c.name == name))
    if not done.rowcount:
        return None
    return _append(conn, name, None, now_iso(), user_id)


def history(conn: Connection, name: str, limit: int = HISTORY_LIMIT) -> list[DictionaryVersion]:
    """The dictionary's applies and resets, newest first."""
    t = synonym_dictionary_versions
    rows = conn.execute(_VERSIONS.where(t.c.name == name).order_by(t.c.id.desc()).limit(limit))
    return [_version(row) for row in rows]


def get_version(conn: Connection, version_id: int) -> DictionaryVersion | None:
    row = conn.execute(_VERSIONS.where(synonym_dictionary_versions.c.id == version_id)).first()
    return _version(row) if row else None


def previous_text(conn: Connection, version: DictionaryVersion) -> str | None:
    """The text in service before ``version`` (None: the shipped file)."""
    t = synonym_dictionary_versions
    query = select(t.c.text).where(t.c.name == version.name, t.c.id < version.id).order_by(t.c.id.desc()).limit(1)
    return conn.execute(query).scalar()


_VERSIONS = select(
    synonym_dictionary_versions, func.coalesce(func.nullif(users.c.name, ""), users.c.email, "").label("by_name")
).outerjoin(users, users.c.id == synonym_dictionary_versions.c.by)


def _version(row: Row[Any]) -> DictionaryVersion:
    return DictionaryVersion(row.id, row.name, row.text, row.at, row.by_name)


def _append(conn: Connection, name: str, text: str | None, at: str, user_id: int | None) -> int:
    result = conn.execute(insert(synonym_dictionary_versions).values(name=name, text=text, at=at, by=user_id))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


class StoreDictionaries:
    """What an analyzer follows: the store's synonyms version and edited dictionaries."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def version(self) -> int | None:
        """The store's synonyms version; None when the store does not answer (searches go
        on with the dictionary in service, the next check asks again)."""
        try:
            with self.engine.connect() as conn:
                return version(conn)
        except SQLAlchemyError as exc:
            log.warning("synonym dictionaries: the store's version could not be read (%s)", type(exc).__name__)
            return None

    def state(self) -> tuple[int, Mapping[str, str]]:
        """The version, then the edited dictionaries (an edit between the two reads
        leaves the version behind: the next check reads them again)."""
        with self.engine.connect() as conn:
            return version(conn), overrides(conn)
