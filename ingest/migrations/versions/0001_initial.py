"""The store as it was before Alembic, plus every document's version history.

Creates the tables on an empty database. A data dir written before migrations
existed (tables made by ``CREATE TABLE IF NOT EXISTS`` in the old code) is
upgraded in place: its tables are kept with their rows, ``crawl_errors`` gains
an ``id`` (its old rowid, so errors keep their order on every dialect) and the
new ``document_versions`` starts from each document's current content.

Revision ID: 0001
Revises:
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _documents() -> list[sa.SchemaItem]:
    return [
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("hash", sa.Text, nullable=False),
        sa.Column("first_seen", sa.Text, nullable=False),
        sa.Column("last_seen", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.Column("missing_runs", sa.Integer, nullable=False, server_default="0"),
        sa.Column("withdrawn_at", sa.Text),
    ]


def _document_versions() -> list[sa.SchemaItem]:
    return [
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("hash", sa.Text, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("stored_at", sa.Text, nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),
    ]


def _index_pending() -> list[sa.SchemaItem]:
    return [sa.Column("id", sa.Text, primary_key=True)]


def _crawl_runs() -> list[sa.SchemaItem]:
    return [
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("started", sa.Text, nullable=False),
        sa.Column("finished", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("counts", sa.Text, nullable=False),
        sa.Column("counters", sa.Text, nullable=False),
    ]


def _crawl_errors(name: str = "crawl_errors") -> list[sa.SchemaItem]:
    return [
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("stage", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_crawl_errors"),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"], name="fk_crawl_errors_run_id_crawl_runs"),
    ]


def _http_cache() -> list[sa.SchemaItem]:
    return [
        sa.Column("url", sa.Text, primary_key=True),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("content_type", sa.Text, nullable=False, server_default=""),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("stored_at", sa.Text, nullable=False),
    ]


def _query_log() -> list[sa.SchemaItem]:
    return [
        sa.Column("text", sa.Text, primary_key=True),
        sa.Column("count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("hits", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_seen", sa.Text, nullable=False),
    ]


TABLES = {  # in creation order (crawl_errors refers to crawl_runs)
    "documents": (_documents, {}),
    "document_versions": (_document_versions, {"sqlite_autoincrement": True}),
    "index_pending": (_index_pending, {}),
    "crawl_runs": (_crawl_runs, {"sqlite_autoincrement": True}),
    "crawl_errors": (_crawl_errors, {}),
    "http_cache": (_http_cache, {}),
    "query_log": (_query_log, {}),
}
INDEXES = {
    "documents_source": ("documents", ["source"]),
    "document_versions_id": ("document_versions", ["id", "version"]),
    "crawl_runs_source": ("crawl_runs", ["source", "id"]),
    "crawl_errors_run": ("crawl_errors", ["run_id"]),
}


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    existing = set(inspector.get_table_names())
    for name, (columns, options) in TABLES.items():
        if name not in existing:
            op.create_table(name, *columns(), **options)
    if "crawl_errors" in existing and "id" not in {c["name"] for c in inspector.get_columns("crawl_errors")}:
        _number_crawl_errors()
    if "document_versions" not in existing:
        op.execute(
            "INSERT INTO document_versions (id, hash, data, stored_at, outcome)"
            " SELECT id, hash, data, updated_at,"
            " CASE WHEN updated_at = first_seen THEN 'new' ELSE 'updated' END"
            " FROM documents ORDER BY id"
        )
    inspector = sa.inspect(op.get_bind())
    for index, (table, columns) in INDEXES.items():
        if index not in {i["name"] for i in inspector.get_indexes(table)}:
            op.create_index(index, table, columns)


def _number_crawl_errors() -> None:
    """The pre-Alembic table had no key (SQLite only): its rowid becomes ``id``."""
    op.create_table("crawl_errors_numbered", *_crawl_errors())
    op.execute(
        "INSERT INTO crawl_errors_numbered (id, run_id, stage, url, message)"
        " SELECT rowid, run_id, stage, url, message FROM crawl_errors ORDER BY rowid"
    )
    op.drop_table("crawl_errors")
    op.rename_table("crawl_errors_numbered", "crawl_errors")


def downgrade() -> None:
    for name in reversed(TABLES):
        op.drop_table(name)
