"""Which stored URLs may become links: absolute http(s) addresses only (pure)."""

from __future__ import annotations

from urllib.parse import urlsplit

WEB_SCHEMES = frozenset({"http", "https"})


def is_web_url(value: str) -> bool:
    """True for ``http://host…`` or ``https://host…`` without spaces or control characters.

    Everything else (``javascript:``, ``data:``, ``//host``, relative paths) is refused, so a
    stored address can never run script when it is rendered as a link.
    """
    if not value or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def web_url_or_empty(value: str) -> str:
    """``value`` when it may be a link, else ``""`` (for templates and feeds)."""
    return value if is_web_url(value) else ""
