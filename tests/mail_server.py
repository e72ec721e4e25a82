"""A real SMTP server for tests (aiosmtpd on a loopback port): it keeps every message it
accepts, parsed, and can be told to refuse (a 4xx or 5xx reply) or to do something the
moment a message arrives (kill the sender that is handing it over)."""

from __future__ import annotations

import email
import email.policy
import threading
import time
from collections.abc import Callable
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.servers import free_port


class Inbox:
    """aiosmtpd's handler: what arrived, and how to answer the next messages."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        # Replies for the next messages, in turn ("451 ..." or "550 ..."); then "250 OK".
        self.refusals: list[str] = []
        self.on_message: Callable[[EmailMessage], None] | None = None
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            if self.refusals:
                return self.refusals.pop(0)
            message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        if self.on_message is not None:
            self.on_message(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def wait_for(self, count: int, seconds: float = 10) -> list[EmailMessage]:
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


class MailServer:
    """The SMTP server, started and stopped as a context manager; `url` is for the setting."""

    def __init__(self):
        self.inbox = Inbox()
        self.port = free_port()
        # SMTPUTF8 on: an address like åsa@exempel.se is allowed and must arrive as typed.
        self.controller = Controller(
            self.inbox, hostname="127.0.0.1", port=self.port, enable_SMTPUTF8=True, data_size_limit=10_000_000
        )

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self) -> MailServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
