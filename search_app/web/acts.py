"""References to legal acts inside plain text → links to the act (pure).

Recognises «ст. 14 Федерального закона от 06.10.2003 № 131-ФЗ», «44-ФЗ»,
«постановление № 1710», «приказ Минфина России от 06.12.2010 № 162н». The
caller supplies ``resolve``, which says where a reference leads (or ``None``
when the act is not in the base, and the text stays plain).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

_ARTICLE = r"(?:(?P<article>(?:[Сс]т\.|[Сс]тать[яиеюё]й?)\s*\d+(?:\.\d+)*(?:\s+и\s+\d+(?:\.\d+)*)?)\s+)?"
_TYPE = (
    r"(?P<type>(?:[Фф]едеральн\w+\s+(?:[Кк]онституционн\w+\s+)?закон\w*"
    r"|[Пп]остановлени\w+|[Пп]риказ\w*|[Уу]каз\w*|[Рр]аспоряжени\w+|[Зз]акон\w*)"
    r"(?:\s+(?:Правительства|Президента|Мин[а-яё]+|Министерства|администрации)"
    r"(?:\s+(?:РФ|России|Российской\s+Федерации))?)?)"
)
_DATE = r"(?:\s+от\s+(?P<date>\d{1,2}\.\d{1,2}\.\d{4})(?:\s*г\.)?)?"
_TYPED = rf"\b{_ARTICLE}{_TYPE}{_DATE}\s*№\s*(?P<number>\d[\w/]*(?:-[\w]+)?)"
_BARE = r"(?:№\s*)?\b(?P<fz>\d{1,4}-ФК?З)\b"
REFERENCE_RE = re.compile(rf"{_TYPED}|{_BARE}")


@dataclass(frozen=True)
class ActRef:
    """What the text says about the act."""

    number: str
    date: dt.date | None = None
    type_hint: str = ""
    article: str = ""


@dataclass(frozen=True)
class ActLink:
    """Where a reference leads."""

    url: str
    title: str


Resolver = Callable[[ActRef], ActLink | None]


def find_references(text: str) -> list[tuple[int, int, ActRef]]:
    """Spans of act references in ``text`` with what they name."""
    out: list[tuple[int, int, ActRef]] = []
    for m in REFERENCE_RE.finditer(text):
        if m.group("fz"):
            out.append((m.start(), m.end(), ActRef(number=m.group("fz"))))
            continue
        out.append((
            m.start(),
            m.end(),
            ActRef(
                number=m.group("number"),
                date=_date(m.group("date")),
                type_hint=m.group("type") or "",
                article=m.group("article") or "",
            ),
        ))
    return out


def link_acts(text: str, resolve: Resolver) -> Markup:
    """``text`` escaped, with every resolvable act reference turned into a link."""
    out: list[str] = []
    pos = 0
    for start, end, ref in find_references(text):
        link = resolve(ref)
        if link is None:
            continue
        out.append(str(escape(text[pos:start])))
        title = f"{ref.article} — {link.title}" if ref.article else link.title
        out.append(
            f'<a class="act-link" href="{escape(link.url)}" title="{escape(title)}">{escape(text[start:end])}</a>'
        )
        pos = end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def render_text(text: str, resolve: Resolver) -> Markup:
    """Plain text → paragraphs (blank lines) with line breaks, acts linked."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    html = []
    for para in paragraphs:
        lines = [str(link_acts(line.strip(), resolve)) for line in para.split("\n") if line.strip()]
        html.append("<p>" + "<br>".join(lines) + "</p>")
    return Markup("\n".join(html))


def normalize_number(number: str) -> str:
    """«131-фз», «131 - ФЗ», «№131‑ФЗ» → «131-ФЗ»."""
    cleaned = re.sub(r"\s+", "", number).replace("‑", "-").replace("–", "-").lstrip("№")
    return cleaned.upper()


def type_matches(type_hint: str, doc_type: str) -> bool:
    """«постановлением» names a «Постановление Правительства РФ», «закона» a «Федеральный закон»."""
    if not type_hint:
        return True
    stem = type_hint.lower().split()[0][:5]
    return any(word.startswith(stem) for word in doc_type.lower().split())


def _date(raw: str | None) -> dt.date | None:
    if not raw:
        return None
    day, month, year = (int(x) for x in raw.split("."))
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
