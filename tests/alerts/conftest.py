"""An alerts service over the shared test corpus, with a fake mailbox at the IO edge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from ingest.document import Document
from search_app.accounts.service import AccountService
from search_app.alerts.delivery import DeliveryError
from search_app.alerts.service import AlertService, Mailing
from search_app.engine import SearchEngine
from tests.accounts.conftest import (  # noqa: F401 - the accounts' fixtures, for the pages of signed-in users
    PASSWORD,
    app,
    app_data_dir,
    cheap_hashes,
    client,
    index_dir,
    people,
    web_service,
)

ADDRESSES = {1: "one@example.org", 2: "two@example.org", 3: "three@example.org"}
NOW = dt.datetime(2026, 11, 27, 6, 0, tzinfo=dt.UTC)


class Mailbox:
    """Collects what would be sent; ``fail`` makes the next sends raise."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []
        self.fail = 0

    def __call__(self, msg: EmailMessage) -> None:
        if self.fail:
            self.fail -= 1
            raise DeliveryError("451 4.3.0 try again later")
        self.sent.append(msg)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.sent if m["To"] == address]


@pytest.fixture
def alerts(engine: SearchEngine) -> AlertService:
    """The service, with accounts 1–3 (their addresses in ``ADDRESSES``) and 4 (none: cannot receive)."""
    accounts = AccountService(engine.store.engine)
    for n in range(1, 5):
        assert accounts.create(None, f"user{n}@example.org", PASSWORD, ["official"]).id == n
    return AlertService(engine.store.engine, engine)


@pytest.fixture
def mailbox() -> Mailbox:
    return Mailbox()


@pytest.fixture
def mailing(mailbox: Mailbox) -> Mailing:
    return Mailing(
        address_of=ADDRESSES.get, send=mailbox, sender="Навигатор <noreply@munnav.example>",
        base_url="https://munnav.example", secret_key="test-secret",
    )


def add(engine: SearchEngine, **fields: object) -> Document:
    doc = Document.from_dict({"kind": "competition", **fields})
    engine.import_documents([doc])
    return doc


@pytest.fixture
def adder(engine: SearchEngine) -> Iterator[object]:
    yield lambda **fields: add(engine, **fields)
