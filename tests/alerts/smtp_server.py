"""A real SMTP server on loopback (aiosmtpd) that keeps what it accepted.

``hold`` makes the server sit on the n-th message's DATA without answering
(the test kills the sender meanwhile); a held message is then refused, as a
server does when the client is gone before the final reply.
"""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self) -> None:
        self.accepted: list[EmailMessage] = []
        self.arrived = 0
        self.hold: int | None = None
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802 - aiosmtpd hook
        self.arrived += 1
        if self.arrived == self.hold:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
            return "451 4.3.0 connection lost before the final reply"
        self.accepted.append(email.message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[attr-defined]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.accepted if m["To"] == address]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(recorder: Recorder) -> Controller:
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller
