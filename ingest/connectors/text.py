"""Pure text helpers shared by connectors: whitespace, Russian dates, amounts, act numbers."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re

_SPACES = re.compile(r"\s+")
_TAGS = re.compile(r"<[^>]+>")
_BR = re.compile(r"<br\s*/?>", re.I)
MONTHS: dict[str, int] = {
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6,
    "июля": 7, "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
}
_DATE_NUMERIC = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})")
_DATE_WORDS = re.compile(r"\b(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(\d{4})", re.I)
_AMOUNT = re.compile(r"\d[\d\s\u00a0\u202f]*(?:[.,]\d+)?")
_MULTIPLIERS = (("млрд", 1e9), ("млн", 1e6), ("тыс", 1e3))
ACT_HEADER = re.compile(
    r"^(?P<type>.+?)\s+от\s+(?P<date>\d{1,2}\.\d{1,2}\.\d{4})\s*(?:г\.)?\s*"
    r"(?:№|N)\s*(?P<number>[^\s\"«]+)\s*(?P<name>.*)$",
    re.S,
)


def clean(text: str | None) -> str:
    """Unescape entities, turn <br> into spaces, drop tags, collapse whitespace."""
    if not text:
        return ""
    text = _BR.sub(" ", text)
    text = _TAGS.sub("", text)
    return _SPACES.sub(" ", html.unescape(text)).strip()


def parse_date(text: str | None) -> dt.date | None:
    """First date in ``text``: ISO, dd.mm.yyyy or «15 марта 2025 года»; None if none valid."""
    if not text:
        return None
    for pattern, order in ((_DATE_ISO, "ymd"), (_DATE_NUMERIC, "dmy"), (_DATE_WORDS, "dMy")):
        match = pattern.search(text)
        if not match:
            continue
        a, b, c = match.groups()
        try:
            if order == "ymd":
                return dt.date(int(a), int(b), int(c))
            if order == "dmy":
                return dt.date(int(c), int(b), int(a))
            return dt.date(int(c), MONTHS[b.lower()], int(a))
        except ValueError:
            continue
    return None


def parse_amount(text: str | None) -> float | None:
    """Rubles from «2 345 678,50 ₽», «1,5 млн руб.»; None if no number."""
    if not text:
        return None
    match = _AMOUNT.search(text)
    if not match:
        return None
    raw = re.sub(r"[\s\u00a0\u202f]", "", match.group(0)).replace(",", ".")
    try:
        value = float(raw)
    except ValueError:
        return None
    tail = text[match.end() : match.end() + 8].lower()
    for word, factor in _MULTIPLIERS:
        if tail.strip().startswith(word):
            return value * factor
    return value


def strip_label(text: str) -> str:
    """«Направление: Культура» → «Культура» (only a short leading label is removed)."""
    head, sep, rest = text.partition(":")
    return rest.strip() if sep and len(head) <= 40 and rest.strip() else text


def short_hash(value: str, length: int = 16) -> str:
    return hashlib.sha1(value.encode("utf-8")).hexdigest()[:length]


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"
