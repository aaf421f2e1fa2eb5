"""The alerts' tables, registered on the project's one ``MetaData``.

Cursors are version numbers of the store's ``document_versions`` (a growing
sequence): "new since the cursor" is "stored in a version after it". The
sent-record of a letter (``alert_letters``, one per user and day) is written
in the same transaction as the cursors it moves; it also holds the composed
e-mail until the SMTP server has taken it (an outbox).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from ingest.database import metadata

saved_searches = Table(
    "saved_searches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("query", Text, nullable=False),  # canonical query string of the search page
    Column("frequency", String(10), nullable=False, server_default="daily"),
    Column("created_at", String(32), nullable=False),
    Column("seen_version", Integer, nullable=False, server_default="0"),  # the user last looked here
    Column("sent_version", Integer, nullable=False, server_default="0"),  # the last letter covered up to here
    Column("sent_period", String(10)),  # the period of the last letter it was due in
    Column("feed_token", String(64), unique=True),  # NULL: no private feed (revoked)
    Index("ix_saved_searches_user_id", "user_id"),
)

follows = Table(
    "follows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("doc_id", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("seen_version", Integer, nullable=False, server_default="0"),  # act changes told up to here
    UniqueConstraint("user_id", "doc_id"),
)

alert_letters = Table(
    "alert_letters",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("period", String(10), nullable=False),  # the day of the letter
    Column("created_at", String(32), nullable=False),
    Column("items", Integer, nullable=False),
    # pending → sent | failed; "off": the user takes no e-mail (notifications page only)
    Column("status", String(10), nullable=False),
    Column("message", LargeBinary),  # the composed e-mail (RFC 5322 bytes) until sent
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", String(32)),
    Column("last_error", Text),
    Column("sent_at", String(32)),
    UniqueConstraint("user_id", "period"),
    Index("ix_alert_letters_status_next_attempt_at", "status", "next_attempt_at"),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("letter_id", Integer, ForeignKey("alert_letters.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(300), nullable=False),  # what makes it unique for the user (never told twice)
    Column("section", String(10), nullable=False),  # search | reminder | change
    Column("search_id", Integer, ForeignKey("saved_searches.id", ondelete="SET NULL")),
    Column("doc_id", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("doc_kind", String(20), nullable=False),
    Column("note", Text, nullable=False),
    Column("deadline", String(10)),
    Column("created_at", String(32), nullable=False),
    UniqueConstraint("user_id", "key"),
    Index("ix_notifications_user_id_id", "user_id", "id"),
)

# Users who asked for no more e-mail (one-click unsubscribe or the account page).
alert_preferences = Table(
    "alert_preferences",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("email_off_at", String(32)),
)

TABLES = (saved_searches, follows, alert_letters, notifications, alert_preferences)
