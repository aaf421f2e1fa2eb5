"""Links sent by e-mail use MUNNAV_PUBLIC_URL, never the Host header (issue 16, item 8):
a forged Host on a reset request must not put the reset token on another site."""

from __future__ import annotations

import logging
import re

import pytest
from flask.testing import FlaskClient

from tests.accounts.conftest import CSRF_RE, ROLE_EMAILS

EVIL = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
URL_RE = re.compile(r"https?://[^\s«»\"']+")


def forged_csrf_token(client: FlaskClient, path: str) -> str:
    """The attacker's own form token, fetched under the forged Host (its cookie goes with it)."""
    found = CSRF_RE.search(client.get(path, headers=EVIL).get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def mailed_urls(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [u for r in caplog.records if r.name == "munnav.mail" for u in URL_RE.findall(r.getMessage())]


def test_reset_and_signup_links_ignore_a_forged_host(
    client: FlaskClient, caplog: pytest.LogCaptureFixture, people: dict[str, int],
) -> None:
    caplog.set_level(logging.WARNING, logger="munnav.mail")
    client.application.config["PUBLIC_URL"] = "https://navigator.example.ru"
    token = forged_csrf_token(client, "/reset")
    assert client.post("/reset", data={"email": ROLE_EMAILS["lawyer"], "csrf_token": token},
                       headers=EVIL).status_code == 200
    assert client.post("/signup", headers=EVIL, data={
        "email": "new@mo.example.ru", "password": "correct horse battery", "password_again": "correct horse battery",
        "name": "Анна Иванова", "municipality": "городской округ Череповец", "region": "Вологодская область",
        "consent": "y", "csrf_token": forged_csrf_token(client, "/signup"),
    }).status_code == 200
    urls = mailed_urls(caplog)
    assert len(urls) >= 2
    assert all(u.startswith("https://navigator.example.ru/") for u in urls), urls
