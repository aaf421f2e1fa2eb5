"""Outgoing e-mail for every service (confirmations, resets, digests).

``MUNNAV_SMTP_URL``: ``smtp://host:port`` (STARTTLS when the server offers
it), ``smtps://user:password@host:465`` (TLS from the start); user and
password are URL-quoted. Unset: nothing is sent, the message (recipient
count, subject and body — the body carries the links a developer needs)
goes to the server log, so ``make run`` works with zero services.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

SMTP_URL_ENV = "MUNNAV_SMTP_URL"
FROM_ENV = "MUNNAV_MAIL_FROM"
DEFAULT_FROM = "Муниципальный навигатор <noreply@localhost>"
TIMEOUT = 20

log = logging.getLogger("munnav.mail")


class MailError(RuntimeError):
    """The SMTP server refused the message or could not be reached."""


class MailConfigError(ValueError):
    """``MUNNAV_SMTP_URL`` is not an smtp:// or smtps:// URL."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    tls: bool  # implicit TLS (smtps)
    user: str = ""
    password: str = field(default="", repr=False)


def parse_smtp_url(url: str) -> SmtpSettings:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise MailConfigError(f"{SMTP_URL_ENV}: ожидается smtp://хост:порт или smtps://пользователь:пароль@хост:465")
    tls = parts.scheme == "smtps"
    return SmtpSettings(
        host=parts.hostname, port=parts.port or (465 if tls else 25), tls=tls,
        user=unquote(parts.username or ""), password=unquote(parts.password or ""),
    )


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def build(self, sender: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = sender
        msg["To"] = self.to
        msg["Subject"] = self.subject
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">") or "localhost")
        for name, value in self.headers.items():
            msg[name] = value
        msg.set_content(self.text)
        if self.html is not None:
            msg.add_alternative(self.html, subtype="html")
        return msg


class Mailer:
    """Sends through SMTP when configured, else writes the message to the log."""

    def __init__(self, smtp_url: str | None = None, sender: str | None = None) -> None:
        url = os.environ.get(SMTP_URL_ENV, "") if smtp_url is None else smtp_url
        self.settings = parse_smtp_url(url) if url.strip() else None
        self.sender = sender or os.environ.get(FROM_ENV, "") or DEFAULT_FROM

    @property
    def configured(self) -> bool:
        return self.settings is not None

    def send(self, message: Message) -> None:
        self.deliver(message.build(self.sender))

    def deliver(self, msg: EmailMessage) -> None:
        """Send a composed message (or log it when SMTP is not configured); ``MailError`` if refused."""
        if self.settings is None:
            # No recipient address in the log (personal data); the body is what a developer needs.
            body = msg.get_body(("plain",))
            log.warning("SMTP не настроен (%s); письмо не отправлено.\nТема: %s\n\n%s",
                        SMTP_URL_ENV, msg["Subject"], body.get_content() if body is not None else "")
            return
        try:
            with self._connect(self.settings) as smtp:
                smtp.send_message(msg)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"письмо не отправлено: {exc}") from exc

    @staticmethod
    def _connect(s: SmtpSettings) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if s.tls:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=TIMEOUT)
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
        if s.user:
            smtp.login(s.user, s.password)
        return smtp
