"""The store's tables (SQLAlchemy Core), registered in the one ``metadata``.

Migration 0001 creates exactly these; a test compares the migrated schema with
this module, so a change here needs a migration beside it. Timestamps are ISO
8601 text (UTC), as the store has always written them.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, LargeBinary, String, Table, Text

from ingest.database import metadata

documents = Table(
    "documents",
    metadata,
    Column("id", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("source", Text, nullable=False, server_default=""),
    Column("data", Text, nullable=False),  # the document as JSON, keys sorted
    Column("hash", Text, nullable=False),  # sha256 of ``data``
    Column("first_seen", Text, nullable=False),
    Column("last_seen", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    Column("missing_runs", Integer, nullable=False, server_default="0"),
    Column("withdrawn_at", Text),
    Index("documents_source", "source"),
)

# Every content a document has had, oldest first: a row per NEW or UPDATED upsert.
document_versions = Table(
    "document_versions",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=True),
    Column("id", Text, nullable=False),
    Column("hash", Text, nullable=False),
    Column("data", Text, nullable=False),
    Column("stored_at", Text, nullable=False),
    Column("outcome", Text, nullable=False),  # Outcome.NEW / Outcome.UPDATED value
    Index("document_versions_id", "id", "version"),
    sqlite_autoincrement=True,
)

# Editors' corrections of documents that come from a source (a crawl, a file import):
# one row per corrected field. What the index and pages show (``documents.data``) is
# the source's record with these values on top; ``changed_at`` is set while the
# source has changed the field since (a conflict for an editor to resolve).
document_overrides = Table(
    "document_overrides",
    metadata,
    Column("document_id", Text, primary_key=True),
    Column("field", Text, primary_key=True),
    Column("value", Text, nullable=False),  # JSON: the editor's value (null: the field removed)
    Column("source_value", Text, nullable=False),  # JSON: the source's value the correction stands for
    Column("source_new", Text),  # JSON: the source's value now, while it conflicts
    Column("changed_at", Text),  # when the source changed the field under the correction
    Column("editor_id", Integer),  # the account that corrected it (the store does not depend on accounts)
    Column("at", Text, nullable=False),
    Index("document_overrides_changed", "changed_at"),
)

# New and changed documents not yet committed to the index: written in the same
# transaction as the document, removed once the index has committed it, so an
# import cut short is finished by the next one (it would see them unchanged).
index_pending = Table(
    "index_pending",
    metadata,
    Column("id", Text, primary_key=True),
)

crawl_runs = Table(
    "crawl_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),
    Column("started", Text, nullable=False),
    Column("finished", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("counts", Text, nullable=False),  # JSON
    Column("counters", Text, nullable=False),  # JSON
    Index("crawl_runs_source", "source", "id"),
    sqlite_autoincrement=True,
)

crawl_errors = Table(
    "crawl_errors",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # keeps the order errors came in
    Column("run_id", Integer, ForeignKey("crawl_runs.id"), nullable=False),
    Column("stage", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("message", Text, nullable=False),
    Index("crawl_errors_run", "run_id"),
)

# Conditional GET: the validators of a response and the (zlib-compressed) body they validate.
http_cache = Table(
    "http_cache",
    metadata,
    Column("url", Text, primary_key=True),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("content_type", Text, nullable=False, server_default=""),
    Column("body", LargeBinary, nullable=False),
    Column("stored_at", Text, nullable=False),
)

# What officials search for: counts of normalised queries, for autocomplete.
query_log = Table(
    "query_log",
    metadata,
    Column("text", Text, primary_key=True),
    Column("count", Integer, nullable=False, server_default="0"),
    Column("hits", Integer, nullable=False, server_default="0"),
    Column("last_seen", Text, nullable=False),
    Column("clients", Integer, nullable=False, server_default="0"),  # distinct clients, counted up to a few
)

# Salted hashes of the clients that typed a query, kept only until it has enough of them (migration 0003).
query_log_clients = Table(
    "query_log_clients",
    metadata,
    Column("text", Text, primary_key=True),
    Column("client", String(64), primary_key=True),
)

# Flood caps shared by every process and host (``search_app.flood_counts``, migration 0012): how much
# one client counted in a window. ``client`` is the salted hash of its address (never the address);
# ``counter`` a digest of one query, or the client's total, or its queries new to the log.
# Rows of windows that are over are deleted.
flood_counts = Table(
    "flood_counts",
    metadata,
    Column("period", Integer, primary_key=True),  # the window's number: UNIX time // window length
    Column("client", String(64), primary_key=True),
    Column("counter", String(32), primary_key=True),
    Column("count", Integer, nullable=False),
    sqlite_with_rowid=False,
)
