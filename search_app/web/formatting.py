"""Russian formatting for templates: plurals, countdowns, dates, money (pure)."""

from __future__ import annotations

import datetime as dt
import math

MONTHS_GENITIVE: tuple[str, ...] = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)
DAY_FORMS: tuple[str, str, str] = ("день", "дня", "дней")
NBSP = "\u00a0"
NNBSP = "\u202f"


def plural(n: int, forms: tuple[str, str, str]) -> str:
    """The form of a noun for ``n``: 1 день, 2 дня, 5 дней, 21 день, 111 дней."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


def countdown(days_left: int | None) -> str:
    """«осталось 12 дней», «остался 1 день», «последний день»; empty when unknown."""
    if days_left is None or days_left < 0:
        return ""
    if days_left == 0:
        return "последний день"
    verb = "остался" if plural(days_left, ("1", "2", "5")) == "1" else "осталось"
    return f"{verb} {days_left}{NBSP}{plural(days_left, DAY_FORMS)}"


def count_label(n: int, forms: tuple[str, str, str]) -> str:
    """«12 документов» with a thin-spaced number."""
    return f"{group_digits(n)}{NBSP}{plural(n, forms)}"


def russian_date(value: dt.date | None) -> str:
    """«6 октября 2003 г.»"""
    if value is None:
        return ""
    return f"{value.day}{NBSP}{MONTHS_GENITIVE[value.month - 1]} {value.year}{NBSP}г."


def short_date(value: dt.date | None) -> str:
    """«06.10.2003»"""
    return value.strftime("%d.%m.%Y") if value else ""


def group_digits(value: float) -> str:
    """«50 000 000» with narrow no-break spaces; kopecks only when present; "" for NaN/∞."""
    if not math.isfinite(value):
        return ""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", NNBSP)
    whole, frac = f"{value:,.2f}".split(".")
    return whole.replace(",", NNBSP) + "," + frac


def money(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return ""
    return f"{group_digits(value)}{NBSP}₽"


def amount_range(amount_min: float | None, amount_max: float | None) -> str:
    """«от 100 000 до 500 000 ₽», «до 50 000 000 ₽», «100 000 ₽»; NaN/∞ count as unknown."""
    amount_min, amount_max = _finite(amount_min), _finite(amount_max)
    if amount_min is None and amount_max is None:
        return ""
    if amount_min is not None and amount_max is not None:
        if amount_min == amount_max:
            return money(amount_min)
        return f"от {group_digits(amount_min)} до {money(amount_max)}"
    if amount_max is not None:
        return f"до {money(amount_max)}"
    return f"от {money(amount_min)}"


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def capfirst(text: str) -> str:
    """Upper-case the first letter only: «ТОС» stays «ТОС» (unlike ``capitalize``)."""
    return text[:1].upper() + text[1:]


FILTERS = {
    "capfirst": capfirst,
    "plural": plural,
    "countdown": countdown,
    "russian_date": russian_date,
    "short_date": short_date,
    "money": money,
    "digits": group_digits,
}
