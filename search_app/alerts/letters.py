"""A user's notification letter: its content and the e-mail built from it (pure).

One letter per user per day holds every saved search's new matches, the
deadline reminders and the act change notices due. The same content is the
text part, the HTML part and the user's notifications page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ingest.document import KIND_LABELS
from search_app.web import formatting

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "alerts"
SITE_NAME = "Муниципальный навигатор"
ONE_CLICK = "List-Unsubscribe=One-Click"  # RFC 8058


@dataclass(frozen=True)
class LetterItem:
    """One line of a letter: a document and why it is there."""

    doc_id: str
    title: str
    kind: str
    note: str  # «новый», «осталось 3 дня», «статус: Действует → Утратил силу»
    deadline: dt.date | None = None


@dataclass(frozen=True)
class SearchSection:
    search_id: int
    name: str
    search_path: str  # /search?…
    items: tuple[LetterItem, ...]


@dataclass(frozen=True)
class Letter:
    user_id: int
    day: dt.date
    searches: tuple[SearchSection, ...] = ()
    reminders: tuple[LetterItem, ...] = ()
    changes: tuple[LetterItem, ...] = ()

    @property
    def empty(self) -> bool:
        return not (any(s.items for s in self.searches) or self.reminders or self.changes)

    @property
    def count(self) -> int:
        return sum(len(s.items) for s in self.searches) + len(self.reminders) + len(self.changes)


@dataclass(frozen=True)
class Envelope:
    """Who the letter goes to and the absolute links it carries."""

    to: str
    sender: str
    base_url: str  # http://host:port, no trailing slash
    unsubscribe_url: str
    message_id: str  # stable per letter: a resent letter is recognisably the same


def document_path(doc_id: str) -> str:
    return "/documents/" + quote(doc_id, safe="")


def subject(letter: Letter) -> str:
    return f"{SITE_NAME}: новое на {formatting.russian_date(letter.day)} ({letter.count})"


def compose(letter: Letter, envelope: Envelope) -> EmailMessage:
    """A multipart/alternative message: plain text and HTML with the same content."""
    context = {"letter": letter, "base": envelope.base_url.rstrip("/"), "unsubscribe_url": envelope.unsubscribe_url,
               "document_path": document_path, "SITE_NAME": SITE_NAME, "KIND_LABELS": KIND_LABELS}
    msg = EmailMessage()
    msg["From"] = envelope.sender
    msg["To"] = envelope.to
    msg["Subject"] = subject(letter)
    msg["Date"] = format_datetime(dt.datetime.combine(letter.day, dt.time(), dt.UTC))
    msg["Message-ID"] = envelope.message_id
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to it
    msg["List-Unsubscribe"] = f"<{envelope.unsubscribe_url}>"
    msg["List-Unsubscribe-Post"] = ONE_CLICK
    msg.set_content(_env().get_template("letter.txt").render(context))
    msg.add_alternative(_env().get_template("letter.html").render(context), subtype="html")
    return msg


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(formatting.FILTERS)
    return env
