"""Accounts: users and their roles, external identities, API tokens, the audit log,
site-wide settings (the session key, the allowlist) and the rate-limit counters.

Revision ID: 0004_accounts
Revises: 0003_dialogue
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_accounts"
down_revision = "0003_dialogue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(254), unique=True),
        sa.Column("password_hash", sa.Text),
        sa.Column("name", sa.String(200), nullable=False, server_default=""),
        sa.Column("municipality", sa.String(300), nullable=False, server_default=""),
        sa.Column("region", sa.String(200), nullable=False, server_default=""),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("confirmed_at", sa.String(32)),
        sa.Column("approved_at", sa.String(32)),
        sa.Column("disabled_at", sa.String(32)),
        sa.Column("deleted_at", sa.String(32)),
        sa.Column("last_signin_at", sa.String(32)),
        sa.Column("session_version", sa.Integer, nullable=False, server_default="1"),
    )
    op.create_table(
        "user_roles",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("role", sa.String(20), primary_key=True),
    )
    op.create_table(
        "user_identities",
        sa.Column("provider", sa.String(50), primary_key=True),
        sa.Column("subject", sa.String(255), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(12), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("last_used_at", sa.String(32)),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("target", sa.String(300), nullable=False, server_default=""),
        sa.Column("before", sa.Text),
        sa.Column("after", sa.Text),
        sa.Column("via", sa.String(20), nullable=False, server_default="web"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_action_at", "audit_log", ["action", "at"])
    op.create_table(
        "site_settings",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "rate_limit_counters",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    for table in ("rate_limit_counters", "site_settings", "audit_log", "api_tokens", "user_identities",
                  "user_roles", "users"):
        op.drop_table(table)
