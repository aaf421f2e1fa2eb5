"""What deleting an account does to the other services' rows that point at it.

Personal rows (saved searches, follows, letters — they hold the address —,
notifications, preferences) are deleted; public contributions (problem
reports) stay, with the link to their author removed. Runs inside the
account deletion's transaction.
"""

from __future__ import annotations

from sqlalchemy import Column, Connection, Table, delete, update

from search_app.alerts import tables as alerts
from search_app.dialogue import tables as dialogue

PERSONAL: tuple[tuple[Table, str], ...] = (
    (alerts.saved_searches, "user_id"),
    (alerts.follows, "user_id"),
    (alerts.alert_letters, "user_id"),
    (alerts.notifications, "user_id"),
    (alerts.alert_preferences, "user_id"),
)
CONTRIBUTIONS: tuple[tuple[Table, str], ...] = (
    (dialogue.reports, "reporter_id"),
)


def erase(conn: Connection, user_id: int) -> None:
    for table, column in PERSONAL:
        conn.execute(delete(table).where(_col(table, column) == user_id))
    for table, column in CONTRIBUTIONS:
        conn.execute(update(table).where(_col(table, column) == user_id).values({column: None}))


def _col(table: Table, name: str) -> Column:
    return table.c[name]
