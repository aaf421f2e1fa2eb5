"""Bring the project database to the schema this code expects."""

from __future__ import annotations

from sqlalchemy import Engine

from ingest.database import metadata
from search_app.accounts.tables import TABLES as ACCOUNT_TABLES
from search_app.rate_limit_storage import rate_limit_counters
from search_app.site_settings import site_settings


def ensure_schema(engine: Engine) -> None:
    # Until the first migration lands, the service tables are created directly.
    metadata.create_all(engine, tables=[*ACCOUNT_TABLES, site_settings, rate_limit_counters])
