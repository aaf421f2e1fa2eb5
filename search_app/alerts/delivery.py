"""Sending composed letters: claim, send, record; failures retried with backoff.

A letter is committed (with the cursors it moves) before it is sent, so a run
that dies never loses one. Sending claims the letter for ``LEASE`` (its
``next_attempt_at`` moves forward in the same statement that checks it is
still due), so two runs never send the same letter at once, and a letter
whose sender died is sent again once the lease is over. SMTP leaves one
window no protocol closes (RFC 1047): a sender dying after the server took
the message but before the "sent" mark; the copy sent then carries the same
``Message-ID``.
"""

from __future__ import annotations

import datetime as dt
import email
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

from sqlalchemy import Engine, select, update

from search_app.alerts.tables import alert_letters

LEASE = dt.timedelta(minutes=15)
RETRY_BASE = dt.timedelta(minutes=5)
RETRY_CAP = dt.timedelta(hours=6)
MAX_ATTEMPTS = 8  # about 11 hours of retries, then the letter is reported as failed
ERROR_LENGTH = 500

PENDING = "pending"
SENT = "sent"
FAILED = "failed"
OFF = "off"  # the user takes no e-mail: the letter is on the notifications page only

Send = Callable[[EmailMessage], None]
_l = alert_letters.c


class DeliveryError(RuntimeError):
    """The SMTP server could not be reached or refused the message (retried later)."""


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed try: 5, 10, 20 … minutes, at most 6 hours."""
    return min(RETRY_BASE * 2 ** max(0, attempts - 1), RETRY_CAP)


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.errors += other.errors


def deliver(db: Engine, send: Send, now: dt.datetime, only: int | None = None) -> DeliveryReport:
    """Send every pending letter that is due (or just ``only``); never raises for SMTP errors."""
    report = DeliveryReport()
    due = select(_l.id, _l.attempts).where(
        _l.status == PENDING, (_l.next_attempt_at.is_(None)) | (_l.next_attempt_at <= stamp(now))
    ).order_by(_l.id)
    if only is not None:
        due = due.where(_l.id == only)
    with db.connect() as conn:
        rows = conn.execute(due).all()
    for row in rows:
        message = _claim(db, row.id, row.attempts, now)
        if message is None:
            continue  # another run took it
        attempts = row.attempts + 1
        try:
            send(message)
        except DeliveryError as exc:
            error = str(exc)[:ERROR_LENGTH]
            report.errors.append(f"письмо {row.id}, попытка {attempts}: {error}")
            if attempts >= MAX_ATTEMPTS:
                _finish(db, row.id, status=FAILED, last_error=error)
                report.failed += 1
            else:
                _finish(db, row.id, next_attempt_at=stamp(now + retry_delay(attempts)), last_error=error)
                report.retrying += 1
        else:
            _finish(db, row.id, status=SENT, sent_at=stamp(now), message=None, last_error=None)
            report.sent += 1
    return report


def _claim(db: Engine, letter_id: int, attempts: int, now: dt.datetime) -> EmailMessage | None:
    with db.begin() as conn:
        claimed = conn.execute(
            update(alert_letters)
            .where(_l.id == letter_id, _l.status == PENDING, _l.attempts == attempts)
            .values(attempts=attempts + 1, next_attempt_at=stamp(now + LEASE))
        ).rowcount
        if claimed != 1:
            return None
        raw = conn.scalar(select(_l.message).where(_l.id == letter_id))
    return email.message_from_bytes(raw, policy=policy.SMTP)  # type: ignore[return-value]


def _finish(db: Engine, letter_id: int, **values: object) -> None:
    with db.begin() as conn:
        conn.execute(update(alert_letters).where(_l.id == letter_id).values(**values))
