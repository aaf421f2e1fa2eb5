"""Municipal Dialogue: problems, reports, the search log as a time series and its daily rollups.

Also the query log's count of distinct clients (autocomplete offers a query
only when several clients typed it) and the salted client hashes it counts.
Queries logged before have no client counted: they keep their counts and are
offered again once enough clients type them (issue 16.6: the old log could
hold planted queries).

Revision ID: 0003_dialogue
Revises: 0002_alerts
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_dialogue"
down_revision = "0002_alerts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dialogue_problems",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("topic", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, server_default="new"),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("merged_into", sa.Integer, sa.ForeignKey("dialogue_problems.id")),
        sa.Column("answer", sa.String(300), nullable=False, server_default=""),
        sa.Column("signature", sa.Text, nullable=False, server_default=""),
        sa.Column("reports", sa.Integer, nullable=False, server_default="0"),
        sa.Column("municipalities", sa.Integer, nullable=False, server_default="0"),
        sa.Column("regions", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_dialogue_problems_status_topic", "dialogue_problems", ["status", "topic"])
    op.create_table(
        "dialogue_reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("problem_id", sa.Integer, sa.ForeignKey("dialogue_problems.id")),
        sa.Column("reporter_id", sa.Integer),
        sa.Column("municipality", sa.String(300), nullable=False),
        sa.Column("region", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(100), nullable=False),
        sa.Column("text", sa.Text, nullable=False, server_default=""),
        sa.Column("terms", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.String(20), nullable=False, server_default="pending"),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("deflected_by", sa.String(300), nullable=False, server_default=""),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
    )
    op.create_index("ix_dialogue_reports_day_topic_region", "dialogue_reports", ["day", "topic", "region"])
    op.create_index("ix_dialogue_reports_problem_id", "dialogue_reports", ["problem_id"])
    op.create_index("ix_dialogue_reports_reporter_id", "dialogue_reports", ["reporter_id"])
    op.create_table(
        "search_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("minute", sa.String(16), nullable=False),
        sa.Column("query", sa.String(120), nullable=False),
        sa.Column("corrected", sa.String(120), nullable=False, server_default=""),
        sa.Column("facets", sa.String(500), nullable=False, server_default=""),
        sa.Column("region", sa.String(200), nullable=False, server_default=""),
        sa.Column("topic", sa.String(100), nullable=False, server_default=""),
        sa.Column("searches", sa.Integer, nullable=False, server_default="0"),
        sa.Column("results", sa.Integer, nullable=False, server_default="0"),
        sa.Column("clicked", sa.String(300), nullable=False, server_default=""),
        sa.Column("clicks", sa.Integer, nullable=False, server_default="0"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_search_events_minute", "search_events", ["minute"])
    op.create_table(
        "search_daily",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("topic", sa.String(100), primary_key=True),
        sa.Column("region", sa.String(200), primary_key=True),
        sa.Column("searches", sa.Integer, nullable=False, server_default="0"),
        sa.Column("zero", sa.Integer, nullable=False, server_default="0"),
        sa.Column("clicks", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "search_queries_monthly",
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("query", sa.String(120), primary_key=True),
        sa.Column("region", sa.String(200), primary_key=True),
        sa.Column("topic", sa.String(100), nullable=False, server_default=""),
        sa.Column("searches", sa.Integer, nullable=False, server_default="0"),
        sa.Column("zero", sa.Integer, nullable=False, server_default="0"),
        sa.Column("results", sa.Integer, nullable=False, server_default="0"),
        sa.Column("clicks", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_search_queries_monthly_month_topic", "search_queries_monthly", ["month", "topic"])
    op.create_table(
        "dialogue_rollup_state",
        sa.Column("name", sa.String(50), primary_key=True),
        sa.Column("last_event", sa.Integer, nullable=False, server_default="0"),
        sa.Column("refreshed_at", sa.String(32), nullable=False),
    )


    op.add_column("query_log", sa.Column("clients", sa.Integer, nullable=False, server_default="0"))
    op.create_table(
        "query_log_clients",
        sa.Column("text", sa.Text, primary_key=True),
        sa.Column("client", sa.String(64), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("query_log_clients")
    with op.batch_alter_table("query_log") as batch:
        batch.drop_column("clients")
    for table in ("dialogue_rollup_state", "search_queries_monthly", "search_daily", "search_events",
                  "dialogue_reports", "dialogue_problems"):
        op.drop_table(table)
