"""What the store's version history says happened after a cursor (reads only).

Every NEW or UPDATED content of a document is a row of ``document_versions``
with a growing ``version``; a cursor is such a number. Documents stored but
not yet committed to the index (``index_pending``) cannot be found by a
search yet, so a pass only looks up to the *horizon*: the last version before
the first one still pending. What lies beyond is taken by the next pass.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, func, select

from ingest.document import Document
from ingest.tables import document_versions, index_pending
from search_app.alerts.changes import Arrival, arrival

CHUNK = 500
_v = document_versions.c


@dataclass(frozen=True)
class Arrived:
    """A document new to whoever last looked at ``after``: why, and its content now."""

    why: Arrival
    version: int  # its newest version up to the horizon
    document: Document


def latest_version(conn: Connection) -> int:
    return conn.scalar(select(func.max(_v.version))) or 0


def horizon(conn: Connection) -> int:
    """The newest version up to which every document is searchable."""
    newest_pending = (
        select(func.max(_v.version).label("version"))
        .where(_v.id.in_(select(index_pending.c.id)))
        .group_by(_v.id)
        .subquery()
    )
    first_pending = conn.scalar(select(func.min(newest_pending.c.version)))
    return latest_version(conn) if first_pending is None else first_pending - 1


def changed_ids(conn: Connection, after: int, upto: int, ids: Iterable[str] | None = None) -> list[str]:
    """Documents with a version in ``(after, upto]`` (optionally only among ``ids``)."""
    stmt = select(_v.id).where(_v.version > after, _v.version <= upto).group_by(_v.id).order_by(func.min(_v.version))
    if ids is None:
        return list(conn.scalars(stmt))
    wanted = list(dict.fromkeys(ids))
    found: list[str] = []
    for start in range(0, len(wanted), CHUNK):
        found += conn.scalars(stmt.where(_v.id.in_(wanted[start : start + CHUNK])))
    return found


_AT = (
    select(_v.id, _v.version, _v.data)
    .where(
        _v.version.in_(
            select(func.max(_v.version))
            .where(_v.id.in_(bindparam("ids", expanding=True)), _v.version <= bindparam("at"))
            .group_by(_v.id)
            .scalar_subquery()
        )
    )
)


def contents_at(conn: Connection, ids: Iterable[str], at: int) -> dict[str, tuple[int, Document]]:
    """Each document's last version up to ``at`` (absent: it did not exist yet)."""
    wanted = list(dict.fromkeys(ids))
    out: dict[str, tuple[int, Document]] = {}
    for start in range(0, len(wanted), CHUNK):
        for row in conn.execute(_AT, {"ids": wanted[start : start + CHUNK], "at": at}):
            out[row.id] = (row.version, Document.from_stored(json.loads(row.data)))
    return out


def arrivals(conn: Connection, after: int, upto: int, today: dt.date) -> dict[str, Arrived]:
    """Documents that first appeared, or reopened, in ``(after, upto]``, in the order they came."""
    ids = changed_ids(conn, after, upto)
    before = contents_at(conn, ids, after)
    now = contents_at(conn, ids, upto)
    out: dict[str, Arrived] = {}
    for doc_id in ids:
        version, doc = now[doc_id]
        why = arrival(before[doc_id][1] if doc_id in before else None, doc, today)
        if why is not None:
            out[doc_id] = Arrived(why, version, doc)
    return out
