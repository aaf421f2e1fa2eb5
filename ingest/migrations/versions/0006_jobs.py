"""The jobs queue: "run now" crawls, reindex and rollback queued by the console.

Revision ID: 0006_jobs
Revises: 0005_dialogue_rollups
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_jobs"
down_revision = "0005_dialogue_rollups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("args", sa.Text, nullable=False, server_default="{}"),
        sa.Column("state", sa.String(10), nullable=False, server_default="queued"),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.Integer),
        sa.Column("started_at", sa.String(32)),
        sa.Column("finished_at", sa.String(32)),
        sa.Column("worker", sa.String(200)),
        sa.Column("lease_until", sa.Float),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("progress", sa.Text),
        sa.Column("result", sa.Text),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_jobs_state_id", "jobs", ["state", "id"])


def downgrade() -> None:
    op.drop_table("jobs")
