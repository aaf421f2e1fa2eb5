"""Editors' corrections of documents from sources, kept over re-crawls (``document_overrides``).

Revision ID: 0011_document_overrides
Revises: 0010_report_rollups
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_document_overrides"
down_revision = "0010_report_rollups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_overrides",
        sa.Column("document_id", sa.Text, primary_key=True),
        sa.Column("field", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("source_value", sa.Text, nullable=False),
        sa.Column("source_new", sa.Text),
        sa.Column("changed_at", sa.Text),
        sa.Column("editor_id", sa.Integer),
        sa.Column("at", sa.Text, nullable=False),
    )
    op.create_index("document_overrides_changed", "document_overrides", ["changed_at"])


def downgrade() -> None:
    op.drop_table("document_overrides")
