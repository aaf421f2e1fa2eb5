"""Synonym dictionaries edited in the console, kept in the database for every host.

``synonym_dictionaries``: the edited texts in service (each overrides the
shipped ``synonyms/<name>`` file); ``synonym_dictionary_versions``: every
apply and reset, whose largest id is the synonyms version every process checks.

Revision ID: 0013_synonym_dictionaries
Revises: 0012_flood_counts
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_synonym_dictionaries"
down_revision = "0012_flood_counts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "synonym_dictionaries",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.Column("updated_by", sa.Integer, sa.ForeignKey("users.id")),
    )
    op.create_table(
        "synonym_dictionary_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("text", sa.Text),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("by", sa.Integer, sa.ForeignKey("users.id")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_synonym_dictionary_versions_name_id", "synonym_dictionary_versions", ["name", "id"])


def downgrade() -> None:
    op.drop_index("ix_synonym_dictionary_versions_name_id", table_name="synonym_dictionary_versions")
    op.drop_table("synonym_dictionary_versions")
    op.drop_table("synonym_dictionaries")
