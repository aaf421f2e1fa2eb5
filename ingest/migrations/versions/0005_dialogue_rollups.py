"""Dialogue rollups read by region first; problems keep their period and counts per region.

The page of the problem field read a year of per-region rows and grouped
reports by problem at every view (seconds at a million searches and 100 000
reports). Now:
- ``search_daily`` and ``search_queries_monthly`` are keyed region first and
  hold an ``*`` row with the totals of every search; being derived from
  ``search_events``, they are rebuilt (the bookmark goes back to 0);
- ``dialogue_problems`` gains ``first_day``/``last_day`` of its published
  reports and ``dialogue_problem_regions`` its municipalities per region,
  both filled from the reports;
- reports keep the Monday of their day (``week``), and their index covers the
  page's aggregates (status, day, topic, region, week);
- on SQLite the rollups are stored in key order (``WITHOUT ROWID``).

Revision ID: 0005_dialogue_rollups
Revises: 0004_accounts
Create Date: 2026-12-06
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0005_dialogue_rollups"
down_revision = "0004_accounts"
branch_labels = None
depends_on = None


def _rollup_tables() -> None:
    op.create_table(
        "search_daily",
        sa.Column("region", sa.String(200), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("topic", sa.String(100), primary_key=True),
        sa.Column("searches", sa.Integer, nullable=False, server_default="0"),
        sa.Column("zero", sa.Integer, nullable=False, server_default="0"),
        sa.Column("clicks", sa.Integer, nullable=False, server_default="0"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "search_queries_monthly",
        sa.Column("region", sa.String(200), primary_key=True),
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("query", sa.String(120), primary_key=True),
        sa.Column("topic", sa.String(100), nullable=False, server_default=""),
        sa.Column("searches", sa.Integer, nullable=False, server_default="0"),
        sa.Column("zero", sa.Integer, nullable=False, server_default="0"),
        sa.Column("results", sa.Integer, nullable=False, server_default="0"),
        sa.Column("clicks", sa.Integer, nullable=False, server_default="0"),
        sqlite_with_rowid=False,
    )


def upgrade() -> None:
    op.drop_table("search_daily")
    op.drop_table("search_queries_monthly")
    _rollup_tables()
    op.execute("DELETE FROM dialogue_rollup_state")  # rebuilt from the events by the next refresh

    with op.batch_alter_table("dialogue_problems") as batch:
        batch.add_column(sa.Column("first_day", sa.String(10), nullable=False, server_default=""))
        batch.add_column(sa.Column("last_day", sa.String(10), nullable=False, server_default=""))
        batch.drop_index("ix_dialogue_problems_status_topic")
        batch.create_index("ix_dialogue_problems_status_municipalities", ["status", "municipalities"])
    op.create_table(
        "dialogue_problem_regions",
        sa.Column("problem_id", sa.Integer, sa.ForeignKey("dialogue_problems.id"), primary_key=True),
        sa.Column("region", sa.String(200), primary_key=True),
        sa.Column("municipalities", sa.Integer, nullable=False),
        sa.Column("reports", sa.Integer, nullable=False),
    )
    op.create_index("ix_dialogue_problem_regions_region_municipalities", "dialogue_problem_regions",
                    ["region", "municipalities"])
    op.add_column("dialogue_reports", sa.Column("week", sa.String(10), nullable=False, server_default=""))
    bind = op.get_bind()
    reports = sa.table("dialogue_reports", sa.column("id"), sa.column("day"), sa.column("week"))
    for report_id, day in bind.execute(sa.select(reports.c.id, reports.c.day)).all():
        monday = dt.date.fromisoformat(day) - dt.timedelta(days=dt.date.fromisoformat(day).weekday())
        bind.execute(sa.update(reports).where(reports.c.id == report_id).values(week=monday.isoformat()))
    op.drop_index("ix_dialogue_reports_day_topic_region", table_name="dialogue_reports")
    op.create_index("ix_dialogue_reports_status_day_topic_region_week", "dialogue_reports",
                    ["status", "day", "topic", "region", "week"])
    op.execute(
        "UPDATE dialogue_problems SET"
        " first_day = COALESCE((SELECT MIN(day) FROM dialogue_reports r"
        "  WHERE r.problem_id = dialogue_problems.id AND r.status = 'published'), ''),"
        " last_day = COALESCE((SELECT MAX(day) FROM dialogue_reports r"
        "  WHERE r.problem_id = dialogue_problems.id AND r.status = 'published'), '')"
    )
    op.execute(
        "INSERT INTO dialogue_problem_regions (problem_id, region, municipalities, reports)"
        " SELECT problem_id, region, COUNT(DISTINCT municipality), COUNT(*) FROM dialogue_reports"
        " WHERE status = 'published' AND problem_id IS NOT NULL GROUP BY problem_id, region"
    )


def downgrade() -> None:
    op.drop_index("ix_dialogue_reports_status_day_topic_region_week", table_name="dialogue_reports")
    op.create_index("ix_dialogue_reports_day_topic_region", "dialogue_reports", ["day", "topic", "region"])
    with op.batch_alter_table("dialogue_reports") as batch:
        batch.drop_column("week")
    op.drop_table("dialogue_problem_regions")
    with op.batch_alter_table("dialogue_problems") as batch:
        batch.drop_index("ix_dialogue_problems_status_municipalities")
        batch.create_index("ix_dialogue_problems_status_topic", ["status", "topic"])
        batch.drop_column("last_day")
        batch.drop_column("first_day")
    op.drop_table("search_daily")
    op.drop_table("search_queries_monthly")
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
    op.execute("DELETE FROM dialogue_rollup_state")
