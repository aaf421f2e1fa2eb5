"""Tokens the alerts hand out: one-click unsubscribe links and feed capabilities.

An unsubscribe link is signed (itsdangerous) with the site's secret key: it
names the user and needs no lookup, and a forged or altered one is refused.
It never expires, since a letter may be read months later (RFC 8058 asks
that the link keep working). A saved search's feed token is random, stored
with the search and replaced or removed to revoke the feed.
"""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, URLSafeSerializer

UNSUBSCRIBE_SALT = "munnav.alerts.unsubscribe"
FEED_TOKEN_BYTES = 32  # 256 random bits: not guessable


class TokenError(ValueError):
    """A token that was not issued by this site (or was altered)."""


def unsubscribe_token(secret_key: str, user_id: int) -> str:
    return URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT).dumps({"u": user_id})


def unsubscribe_user(secret_key: str, token: str) -> int:
    """The user an unsubscribe token was issued for; ``TokenError`` otherwise."""
    try:
        data = URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT).loads(token)
    except BadSignature:
        raise TokenError("Ссылка для отписки повреждена или выдана не этим сайтом.") from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise TokenError("Ссылка для отписки повреждена или выдана не этим сайтом.")
    return data["u"]


def new_feed_token() -> str:
    return secrets.token_urlsafe(FEED_TOKEN_BYTES)
