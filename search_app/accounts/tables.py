"""The accounts' tables, registered on the project's one ``MetaData``.

Timestamps are ISO 8601 UTC strings, as in the document store. A deleted
account keeps its row (contributions and the audit log point at it) with
every personal field emptied.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from ingest.database import metadata

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), unique=True),  # NULL once the account is deleted
    Column("password_hash", Text),  # NULL: no password sign-in (deleted, or external sign-in only)
    Column("name", String(200), nullable=False, server_default=""),
    Column("municipality", String(300), nullable=False, server_default=""),
    Column("region", String(200), nullable=False, server_default=""),
    Column("created_at", String(32), nullable=False),
    Column("confirmed_at", String(32)),  # e-mail confirmed
    Column("approved_at", String(32)),  # trusted: may report and ask
    Column("disabled_at", String(32)),
    Column("deleted_at", String(32)),
    Column("last_signin_at", String(32)),
    # Part of the session identifier: bumped on password change, disable and role
    # change, so every session signed before becomes invalid.
    Column("session_version", Integer, nullable=False, server_default="1"),
)

user_roles = Table(
    "user_roles",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(20), primary_key=True),
)

# Identities at external sign-in providers (OpenID Connect): provider + subject → user.
user_identities = Table(
    "user_identities",
    metadata,
    Column("provider", String(50), primary_key=True),
    Column("subject", String(255), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256 hex of the secret
    Column("prefix", String(12), nullable=False),  # shown to the owner to tell tokens apart
    Column("created_at", String(32), nullable=False),
    Column("last_used_at", String(32)),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", String(32), nullable=False),
    Column("actor_id", Integer, ForeignKey("users.id")),  # NULL: anonymous or the command line
    Column("action", String(50), nullable=False),
    Column("target", String(300), nullable=False, server_default=""),
    Column("before", Text),  # JSON
    Column("after", Text),  # JSON
    Column("via", String(20), nullable=False, server_default="web"),  # web | cli | api
    Index("ix_audit_log_at", "at"),
    Index("ix_audit_log_action_at", "action", "at"),
)

TABLES = (users, user_roles, user_identities, api_tokens, audit_log)
