"""Alerts rows belong to accounts: user_id refers to users.id (ON DELETE CASCADE).

The alerts' tables came before the accounts' in the migration chain, so their
``user_id`` had no foreign key yet. Rows of users that do not exist (none can
have been written through the site) are dropped first, so the constraint holds.

Revision ID: 0008_alerts_users
Revises: 0007_consultations
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0008_alerts_users"
down_revision = "0007_consultations"
branch_labels = None
depends_on = None

TABLES = ("saved_searches", "follows", "alert_letters", "notifications", "alert_preferences")


def upgrade() -> None:
    for table in TABLES:
        op.execute(f"DELETE FROM {table} WHERE user_id NOT IN (SELECT id FROM users)")
        with op.batch_alter_table(table) as batch:
            batch.create_foreign_key(f"fk_{table}_user_id_users", "users", ["user_id"], ["id"], ondelete="CASCADE")


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"fk_{table}_user_id_users", type_="foreignkey")
