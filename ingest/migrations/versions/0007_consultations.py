"""Questions to lawyers: the queue of the legal-advice service (issue 21).

Revision ID: 0007_consultations
Revises: 0006_jobs
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_consultations"
down_revision = "0006_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "legal_questions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("asker_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("disclose_municipality", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("municipality", sa.String(300), nullable=False, server_default=""),
        sa.Column("region", sa.String(200), nullable=False, server_default=""),
        sa.Column("topics", sa.Text, nullable=False, server_default="[]"),
        sa.Column("status", sa.String(20), nullable=False, server_default="new"),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("lawyer_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("assigned_at", sa.String(32)),
        sa.Column("public_text", sa.Text, nullable=False, server_default=""),
        sa.Column("answer", sa.Text, nullable=False, server_default=""),
        sa.Column("cites", sa.Text, nullable=False, server_default="[]"),
        sa.Column("answered_at", sa.String(32)),
        sa.Column("document_id", sa.String(200)),
        sa.Column("seen_at", sa.String(32)),
    )
    op.create_index("ix_legal_questions_status_created_at", "legal_questions", ["status", "created_at"])
    op.create_index("ix_legal_questions_asker_id", "legal_questions", ["asker_id"])


def downgrade() -> None:
    op.drop_index("ix_legal_questions_asker_id", table_name="legal_questions")
    op.drop_index("ix_legal_questions_status_created_at", table_name="legal_questions")
    op.drop_table("legal_questions")
