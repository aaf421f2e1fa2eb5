"""The mail module against a real SMTP server on loopback (aiosmtpd), and its log fallback."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import Message as EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from search_app.mail import MailConfigError, Mailer, MailError, Message, parse_smtp_url


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # noqa: N802
        if address.startswith("bounce@"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"robot", b"p@ss:word")
    return AuthResult(success=ok)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticator,
                            auth_require_tls=False)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def test_sends_multipart_mail_with_login(smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    mailer = Mailer(f"smtp://robot:p%40ss%3Aword@127.0.0.1:{port}", sender="Навигатор <noreply@munnav.test>")
    mailer.send(Message(to="anna@mo.example.ru", subject="Подтвердите адрес", text="Ссылка: http://x/confirm/1",
                        html="<p>Ссылка</p>", headers={"List-Unsubscribe": "<http://x/u>"}))
    [(sender, rcpts, msg)] = inbox.messages
    assert sender == "noreply@munnav.test" and rcpts == ["anna@mo.example.ru"]
    assert msg["Subject"] == "Подтвердите адрес"
    assert msg["List-Unsubscribe"] == "<http://x/u>"
    parts = {p.get_content_type(): p.get_content().strip() for p in msg.walk() if not p.is_multipart()}
    assert parts == {"text/plain": "Ссылка: http://x/confirm/1", "text/html": "<p>Ссылка</p>"}


def test_refused_recipient_and_dead_server_raise_mail_error(smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    with pytest.raises(MailError, match="no such mailbox"):
        Mailer(f"smtp://robot:p%40ss%3Aword@127.0.0.1:{port}").send(Message("bounce@b.ru", "s", "t"))
    assert inbox.messages == []
    with pytest.raises(MailError):
        Mailer(f"smtp://127.0.0.1:{free_port()}").send(Message("a@b.ru", "s", "t"))


def test_without_smtp_the_body_goes_to_the_log_without_the_address(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="munnav.mail")
    mailer = Mailer("")
    assert not mailer.configured
    mailer.send(Message("anna@mo.example.ru", "Тема", "Ссылка: http://localhost/confirm/abc"))
    assert "http://localhost/confirm/abc" in caplog.text and "anna@mo.example.ru" not in caplog.text


def test_smtp_urls() -> None:
    s = parse_smtp_url("smtps://user%40mo:p%2Fw@mail.mo.ru")
    assert (s.host, s.port, s.tls, s.user, s.password) == ("mail.mo.ru", 465, True, "user@mo", "p/w")
    assert parse_smtp_url("smtp://localhost:2525").port == 2525
    assert "p/w" not in repr(s)
    with pytest.raises(MailConfigError):
        parse_smtp_url("http://mail.ru")
