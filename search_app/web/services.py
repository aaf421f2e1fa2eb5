"""The services a request may use, found through the app, never built in views.

They share the store's database engine (``Store.engine``, opened on first
use); the services are cheap objects over it. ``accounts()``, ``mailer()``,
``db()`` are what views call.
"""

from __future__ import annotations

import threading

from flask import Flask, current_app
from sqlalchemy import Engine

from ingest.job_handlers import registry_reader
from search_app.accounts.links import LinkSigner
from search_app.accounts.service import AccountService
from search_app.console import ConsoleService
from search_app.mail import Mailer
from search_app.web.engine_ext import EXTENSION as ENGINE_EXTENSION

EXTENSION = "munnav.services"


class Services:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self._mailer: Mailer | None = None
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        return self.app.extensions[ENGINE_EXTENSION].store.engine

    @property
    def mailer(self) -> Mailer:
        with self._lock:
            if self._mailer is None:
                self._mailer = Mailer(self.app.config.get("SMTP_URL"))
            return self._mailer

    def accounts(self) -> AccountService:
        return AccountService(self.engine, LinkSigner(str(self.app.secret_key)))

    def console(self) -> ConsoleService:
        return ConsoleService(self.engine, registry_reader(self.app.config.get("SOURCES_FILE")))


def init_app(app: Flask) -> Services:
    services = Services(app)
    app.extensions[EXTENSION] = services
    return services


def services() -> Services:
    return current_app.extensions[EXTENSION]


def db() -> Engine:
    return services().engine


def accounts() -> AccountService:
    return services().accounts()


def console() -> ConsoleService:
    return services().console()


def mailer() -> Mailer:
    return services().mailer
