"""The dialogue's tables, registered on the project's one ``MetaData`` (migration 0003_dialogue).

Timestamps are ISO 8601 UTC strings, as everywhere in the store; ``day`` and
``minute`` columns repeat the part of a timestamp the aggregates group by, so
the group needs no date function that differs between SQLite and PostgreSQL.
No table holds a user's IP address; search events hold no user at all.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from ingest.database import metadata

# A problem: reports of several municipalities about the same thing.
problems = Table(
    "dialogue_problems",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(300), nullable=False),
    Column("topic", String(100), nullable=False),
    # new (not reviewed yet) | published | rejected | merged (into ``merged_into``)
    Column("status", String(20), nullable=False, server_default="new"),
    Column("reason", Text, nullable=False, server_default=""),  # why rejected
    Column("merged_into", Integer, ForeignKey("dialogue_problems.id")),
    Column("answer", String(300), nullable=False, server_default=""),  # the document that answers it
    Column("signature", Text, nullable=False, server_default=""),  # clustering terms, "|"-separated
    # Denormalised counts of its reports, kept by the service on every change.
    Column("reports", Integer, nullable=False, server_default="0"),
    Column("municipalities", Integer, nullable=False, server_default="0"),
    Column("regions", Integer, nullable=False, server_default="0"),
    Column("first_day", String(10), nullable=False, server_default=""),  # of its published reports
    Column("last_day", String(10), nullable=False, server_default=""),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Index("ix_dialogue_problems_status_municipalities", "status", "municipalities"),
)

# A problem's published reports per region (denormalised like the counts on ``problems``).
problem_regions = Table(
    "dialogue_problem_regions",
    metadata,
    Column("problem_id", Integer, ForeignKey("dialogue_problems.id"), primary_key=True),
    Column("region", String(200), primary_key=True),
    Column("municipalities", Integer, nullable=False),
    Column("reports", Integer, nullable=False),
    Index("ix_dialogue_problem_regions_region_municipalities", "region", "municipalities"),
)

reports = Table(
    "dialogue_reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("problem_id", Integer, ForeignKey("dialogue_problems.id")),  # NULL: closed as deflected
    Column("reporter_id", Integer),  # the account (users.id); never shown to the public
    Column("municipality", String(300), nullable=False),
    Column("region", String(200), nullable=False),
    Column("topic", String(100), nullable=False),
    Column("text", Text, nullable=False, server_default=""),  # empty for «у нас тоже»
    Column("terms", Text, nullable=False, server_default=""),  # clustering terms, "|"-separated
    # pending (waits for an editor) | published | rejected | deflected (solved by a page found while typing)
    Column("status", String(20), nullable=False, server_default="pending"),
    Column("reason", Text, nullable=False, server_default=""),
    Column("deflected_by", String(300), nullable=False, server_default=""),
    Column("created_at", String(32), nullable=False),
    Column("day", String(10), nullable=False),
    Column("week", String(10), nullable=False, server_default=""),  # the Monday of ``day``
    # Covers the aggregates of the public page: published reports of a period by topic, region, week.
    Index("ix_dialogue_reports_status_day_topic_region_week", "status", "day", "topic", "region", "week"),
    Index("ix_dialogue_reports_problem_id", "problem_id"),
    Index("ix_dialogue_reports_reporter_id", "reporter_id"),
)

# The search log as a time series: one row per minute bucket of identical searches of one process.
search_events = Table(
    "search_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("minute", String(16), nullable=False),  # YYYY-MM-DDTHH:MM (UTC)
    Column("query", String(120), nullable=False),  # normalised text
    Column("corrected", String(120), nullable=False, server_default=""),  # the spelling the search ran
    Column("facets", String(500), nullable=False, server_default=""),  # chosen filters, URL-encoded
    Column("region", String(200), nullable=False, server_default=""),  # the region filter, when one
    Column("topic", String(100), nullable=False, server_default=""),  # the query's topic
    Column("searches", Integer, nullable=False, server_default="0"),
    Column("results", Integer, nullable=False, server_default="0"),
    Column("clicked", String(300), nullable=False, server_default=""),  # a result opened (click rows)
    Column("clicks", Integer, nullable=False, server_default="0"),
    Index("ix_search_events_minute", "minute"),
    sqlite_autoincrement=True,
)

# Daily rollups of ``search_events`` (the /dialogue page reads these, not the events).
# ``region`` is the region filter of the searches, or ``ALL_REGIONS`` for the totals of every search.
ALL_REGIONS = "*"
DISTRICT_MARK = "~"  # rows of a federal district in the report counts; no region's name begins so
search_daily = Table(
    "search_daily",
    metadata,
    Column("region", String(200), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("topic", String(100), primary_key=True),
    Column("searches", Integer, nullable=False, server_default="0"),
    Column("zero", Integer, nullable=False, server_default="0"),  # searches that found nothing
    Column("clicks", Integer, nullable=False, server_default="0"),
    sqlite_with_rowid=False,  # rows stored in key order: a region's period is one sequential read
)

search_queries_monthly = Table(
    "search_queries_monthly",
    metadata,
    Column("region", String(200), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("query", String(120), primary_key=True),
    Column("topic", String(100), nullable=False, server_default=""),
    Column("searches", Integer, nullable=False, server_default="0"),
    Column("zero", Integer, nullable=False, server_default="0"),
    Column("results", Integer, nullable=False, server_default="0"),  # the largest count seen
    Column("clicks", Integer, nullable=False, server_default="0"),
    # PostgreSQL keeps rows in a heap: the gaps of a period are read from this index alone.
    Index("ix_search_queries_monthly_region_month", "region", "month",
          postgresql_include=["query", "topic", "searches", "zero", "results", "clicks"]),
    sqlite_with_rowid=False,
)

# Published reports counted per day, week (Monday) and month (``grain`` d/w/m; ``period``: the span's first
# day), per region, per federal district (``DISTRICT_MARK`` + its name) and under ``ALL_REGIONS``: kept by ``report_rollups`` in every transaction that changes
# which reports are published, so a page reads a year of reports from a few thousand rows.
report_counts = Table(
    "dialogue_report_counts",
    metadata,
    # Every read names its areas (a region, the districts, or all): rows of one area's spans lie together.
    Column("region", String(200), primary_key=True),
    Column("grain", String(1), primary_key=True),
    Column("period", String(10), primary_key=True),
    Column("topic", String(100), primary_key=True),
    Column("reports", Integer, nullable=False, server_default="0"),
    sqlite_with_rowid=False,
)

# How far the rollups have read ``search_events``, and when.
rollup_state = Table(
    "dialogue_rollup_state",
    metadata,
    Column("name", String(50), primary_key=True),
    Column("last_event", Integer, nullable=False, server_default="0"),
    Column("refreshed_at", String(32), nullable=False),
)

TABLES = (problems, problem_regions, reports, search_events, search_daily, search_queries_monthly, report_counts,
          rollup_state)
