"""The alerts' pages that need no account: private feeds and one-click unsubscribe."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from flask import Flask
from flask.testing import FlaskClient

from search_app.alerts.service import AlertService
from search_app.alerts.tokens import unsubscribe_token
from search_app.engine import SearchEngine
from search_app.web import create_app
from tests.alerts.test_service import TOS

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def app(engine: SearchEngine, data_dir: Path) -> Iterator[Flask]:
    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True, "ELASTICSEARCH_URL": "", "SECRET_KEY": "web-secret"})
    yield app
    app.extensions["munnav"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def test_saved_search_feed_by_token_then_revoked(client: FlaskClient, alerts: AlertService) -> None:
    search = alerts.save_search(1, TOS, "Гранты ТОС")
    response = client.get(f"/feeds/searches/{search.feed_token}.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.findtext(f"{ATOM}title") == "Муниципальный навигатор: Гранты ТОС"
    assert [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")] == ["Конкурс проектов ТОС 2027"]
    alerts.revoke_feed(1, search.id)
    assert client.get(f"/feeds/searches/{search.feed_token}.atom").status_code == 404


def test_feed_tokens_cannot_be_guessed(client: FlaskClient, alerts: AlertService) -> None:
    search = alerts.save_search(1, TOS)
    token = search.feed_token or ""
    for guess in ("1", str(search.id), token[:-1], token[:-1] + ("A" if token[-1] != "A" else "B"), "null"):
        assert client.get(f"/feeds/searches/{guess}.atom").status_code == 404
    renewed = alerts.renew_feed_token(1, search.id)
    assert client.get(f"/feeds/searches/{token}.atom").status_code == 404  # the old address is dead
    assert client.get(f"/feeds/searches/{renewed}.atom").status_code == 200


def test_unsubscribe_get_asks_and_one_click_post_unsubscribes(client: FlaskClient, alerts: AlertService) -> None:
    token = unsubscribe_token("web-secret", 3)
    page = client.get(f"/alerts/unsubscribe/{token}")
    assert page.status_code == 200 and "Отписаться от писем?" in page.text
    assert alerts.email_enabled(3)  # GET changes nothing (link scanners follow links)
    # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the header's URL.
    done = client.post(f"/alerts/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "Вы отписались" in done.text
    assert not alerts.email_enabled(3) and alerts.email_enabled(1)


@pytest.mark.parametrize("token", ["garbage", unsubscribe_token("another-site", 3)])
def test_forged_unsubscribe_tokens_are_refused(client: FlaskClient, alerts: AlertService, token: str) -> None:
    response = client.post(f"/alerts/unsubscribe/{token}")
    assert response.status_code == 400 and "Ссылка не действует" in response.text
    assert alerts.email_enabled(3)
