"""A real SMTP server on loopback (aiosmtpd) for the send tests, with faults on request.

``Relay.rules`` maps a recipient address to the answers it gets, one per try,
then "250": a reply line such as ``"451 4.3.0 try later"`` or ``"550 5.1.1 no
such user"`` at RCPT, ``"drop"`` (the connection is cut at RCPT, before the
message) or ``"drop-after-data"`` (the message is taken, then the connection
is cut before the reply: the relay has it, the sender cannot know).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Handler:
    rules: dict[str, list[str]] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    delay: float = 0.0  #: seconds before each message is taken (a slow relay)

    def _next(self, address: str) -> str:
        with self.lock:
            answers = self.rules.get(address.lower())
            return answers.pop(0) if answers else "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        answer = self._next(address)
        if answer == "drop":
            server.transport.abort()
            return "421 gone"
        if answer == "drop-after-data":
            envelope.drop_after_data = True
        elif not answer.startswith("250"):
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
            )
            number = len(self.received)
        if getattr(envelope, "drop_after_data", False):
            server.transport.abort()
        return f"250 2.0.0 Ok: queued as Q{number:05d}"


class Relay:
    """The running server: its port, what it received, and its rules."""

    def __init__(self, handler: Handler, controller: Controller, port: int) -> None:
        self.handler = handler
        self.controller = controller
        self.port = port

    @property
    def rules(self) -> dict[str, list[str]]:
        return self.handler.rules

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def recipients(self) -> list[str]:
        return [address for item in self.received for address in item.recipients]

    def settings(self, **extra: object) -> str:
        lines = ["smtp:", "  host: 127.0.0.1", f"  port: {self.port}", "  security: none"]
        lines += [f"  {key}: {value}" for key, value in extra.items()]
        return "\n".join(lines) + "\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_relay(*, password: str | None = None) -> Relay:
    handler = Handler()
    options: dict[str, Any] = {}
    if password is not None:

        def authenticate(
            server: Any, session: Any, envelope: Any, mechanism: str, data: Any
        ) -> AuthResult:
            ok = isinstance(data, LoginPassword) and data.password == password.encode()
            return AuthResult(success=ok, handled=False)

        options = {"authenticator": authenticate, "auth_require_tls": False}
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    return Relay(handler, controller, port)


@pytest.fixture
def relay() -> Iterator[Relay]:
    server = start_relay()
    try:
        yield server
    finally:
        server.controller.stop()
