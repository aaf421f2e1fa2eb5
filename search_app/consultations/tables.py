"""The legal-advice service's table, on the project's one ``MetaData``.

Timestamps are ISO 8601 UTC strings, as in the store and the accounts.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from ingest.database import metadata

legal_questions = Table(
    "legal_questions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("asker_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("disclose_municipality", Boolean, nullable=False, server_default="0"),
    Column("municipality", String(300), nullable=False, server_default=""),
    Column("region", String(200), nullable=False, server_default=""),
    Column("topics", Text, nullable=False, server_default="[]"),  # JSON list
    Column("status", String(20), nullable=False, server_default="new"),
    Column("created_at", String(32), nullable=False),
    Column("lawyer_id", Integer, ForeignKey("users.id")),
    Column("assigned_at", String(32)),
    Column("public_text", Text, nullable=False, server_default=""),
    Column("answer", Text, nullable=False, server_default=""),
    Column("cites", Text, nullable=False, server_default="[]"),  # JSON list of {"doc_number", "article"}
    Column("answered_at", String(32)),
    Column("document_id", String(200)),  # the published consultation in the store
    Column("seen_at", String(32)),  # the asker last read the answer
    Index("ix_legal_questions_status_created_at", "status", "created_at"),
    Index("ix_legal_questions_asker_id", "asker_id"),
)

TABLES = (legal_questions,)
