"""Every service's tables, so that the one ``MetaData`` knows them all.

Migrations create them (``ingest/migrations/versions``); importing this module
registers the table definitions the migration test compares with.
"""

from __future__ import annotations

from ingest import jobs  # noqa: F401
from search_app import rate_limit_storage, site_settings, synonym_dictionaries  # noqa: F401
from search_app.accounts import tables as account_tables  # noqa: F401
from search_app.alerts import tables as alert_tables  # noqa: F401
from search_app.consultations import tables as consultation_tables  # noqa: F401
from search_app.dialogue import tables as dialogue_tables  # noqa: F401
