"""Flood caps shared by every process and host: ``flood_counts``.

The caps on what one client may count in the search log and autocomplete
were kept in each process's memory, so N gunicorn workers or hosts let a
flooder count N times the cap. The counters now live in the store: one row
per window, client (the salted hash of its address, never the address) and
counter (a query's digest, the client's total, its queries new to the log);
rows of windows that are over are deleted.

Revision ID: 0012_flood_counts
Revises: 0011_document_overrides
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_flood_counts"
down_revision = "0011_document_overrides"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "flood_counts",
        sa.Column("period", sa.Integer, primary_key=True),
        sa.Column("client", sa.String(64), primary_key=True),
        sa.Column("counter", sa.String(32), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("flood_counts")
