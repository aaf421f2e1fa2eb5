"""The web app: server-rendered Russian pages and the JSON API over one engine."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from search_app.settings import SETTINGS, data_dir
from search_app.web.login import COOKIE_DEFAULTS

PACKAGE_DIR = Path(__file__).resolve().parents[1]

DEFAULTS: dict[str, Any] = {
    "DATA_DIR": None,  # None → MUNNAV_DATA_DIR / instance/
    "ELASTICSEARCH_URL": None,  # None → ELASTICSEARCH_URL from the environment
    "DATABASE_URL": None,  # None → MUNNAV_DATABASE_URL, else SQLite in DATA_DIR
    "PER_PAGE": 10,
    "FEED_SIZE": 50,
    "EXPORT_LIMIT": 50_000,  # rows of one CSV export for a signed-in user
    "EXPORT_LIMIT_ANONYMOUS": 5_000,  # rows for everyone else
    "EXPORT_RATE_LIMIT": "10 per minute",  # CSV exports per client address (web/limits.py)
    # csv/json downloads of /dialogue's tables per client address: the page links 14 (every table
    # and the whole field, in two formats); walking the filters' combinations takes thousands.
    "DIALOGUE_DOWNLOAD_RATE_LIMIT": "30 per minute",
    "PUBLIC_URL": SETTINGS["public_url"].default,  # see web/public.py
    "PROXY_FIX": int(SETTINGS["proxy_fix"].default),
    "HSTS_MAX_AGE": int(SETTINGS["hsts_max_age"].default),
    "JSON_AS_ASCII": False,
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "SECRET_KEY": None,  # None → MUNNAV_SECRET_KEY / generated once and kept in the database
    "SMTP_URL": None,  # None → MUNNAV_SMTP_URL / messages go to the log
    "RATELIMIT_STORAGE_URI": None,  # None → the database; or memcached://…, redis://…
    # The shipped dictionaries (None → synonyms/, or MUNNAV_SYNONYMS_DIR); edits in the console are
    # kept in the database and override them on every process, which checks for edits this often:
    "SYNONYMS_DIR": None,
    "SYNONYMS_CHECK_SECONDS": float(SETTINGS["synonyms_check_seconds"].default),
    "SYNONYMS_CLOCK": None,  # None → time.monotonic (tests pass their own)
    "SOURCES_FILE": None,  # None → ingest/sources.toml (the registry the console shows)
}


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Defaults, then ``MUNNAV_*`` environment variables, then ``config``."""
    app = Flask(
        __name__,
        template_folder=str(PACKAGE_DIR / "templates"),
        static_folder=str(PACKAGE_DIR / "static"),
        static_url_path="/static",
    )
    app.config.from_mapping(DEFAULTS)
    app.config.from_mapping(COOKIE_DEFAULTS)
    app.config.from_prefixed_env("MUNNAV")
    if config:
        app.config.from_mapping(config)
    if not app.config["DATA_DIR"]:
        app.config["DATA_DIR"] = str(data_dir())
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]

    from search_app.consultations import views as legal_views
    from search_app.web import (
        account_views,
        admin_views,
        alerts_views,
        api,
        auth_views,
        console_documents,
        console_index,
        console_runs,
        console_synonyms,
        dialogue_editor_views,
        dialogue_report_views,
        dialogue_views,
        editor_views,
        engine_ext,
        errors,
        limits,
        login,
        pages,
        public,
        security,
        services,
        signin_methods,
        templating,
    )

    public.init_app(app)
    engine_ext.init_app(app)
    services.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    login.init_app(app)
    limits.init_app(app)
    signin_methods.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(dialogue_views.bp)
    app.register_blueprint(dialogue_report_views.bp)
    app.register_blueprint(dialogue_editor_views.bp)
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    app.register_blueprint(alerts_views.bp)
    for area in (auth_views, account_views, editor_views, console_runs, console_index, console_documents,
                 console_synonyms, admin_views, legal_views):
        app.register_blueprint(area.bp)
    return app
