"""Alerts: saved searches, followed documents, letters (sent-records) and notifications.

Revision ID: 0002_alerts
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_alerts"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_searches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("frequency", sa.String(10), nullable=False, server_default="daily"),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("seen_version", sa.Integer, nullable=False, server_default="0"),
        sa.Column("sent_version", sa.Integer, nullable=False, server_default="0"),
        sa.Column("sent_period", sa.String(10)),
        sa.Column("feed_token", sa.String(64)),
        sa.UniqueConstraint("feed_token", name="uq_saved_searches_feed_token"),
    )
    op.create_index("ix_saved_searches_user_id", "saved_searches", ["user_id"])
    op.create_table(
        "follows",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("doc_id", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("seen_version", sa.Integer, nullable=False, server_default="0"),
        sa.UniqueConstraint("user_id", "doc_id", name="uq_follows_user_id_doc_id"),
    )
    op.create_table(
        "alert_letters",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("items", sa.Integer, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("message", sa.LargeBinary),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.String(32)),
        sa.Column("last_error", sa.Text),
        sa.Column("sent_at", sa.String(32)),
        sa.UniqueConstraint("user_id", "period", name="uq_alert_letters_user_id_period"),
    )
    op.create_index("ix_alert_letters_status_next_attempt_at", "alert_letters", ["status", "next_attempt_at"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("letter_id", sa.Integer, nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("section", sa.String(10), nullable=False),
        sa.Column("search_id", sa.Integer),
        sa.Column("doc_id", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("doc_kind", sa.String(20), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("deadline", sa.String(10)),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(["letter_id"], ["alert_letters.id"], ondelete="CASCADE",
                                name="fk_notifications_letter_id_alert_letters"),
        sa.ForeignKeyConstraint(["search_id"], ["saved_searches.id"], ondelete="SET NULL",
                                name="fk_notifications_search_id_saved_searches"),
        sa.UniqueConstraint("user_id", "key", name="uq_notifications_user_id_key"),
    )
    op.create_index("ix_notifications_user_id_id", "notifications", ["user_id", "id"])
    op.create_table(
        "alert_preferences",
        sa.Column("user_id", sa.Integer, primary_key=True),
        sa.Column("email_off_at", sa.String(32)),
    )


def downgrade() -> None:
    for table in ("alert_preferences", "notifications", "alert_letters", "follows", "saved_searches"):
        op.drop_table(table)
