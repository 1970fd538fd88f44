"""Real local servers the notification tests talk to: an SMTP server (aiosmtpd) and an HTTP server
that records webhook deliveries, both on 127.0.0.1 at a free port."""

from __future__ import annotations

import email
import email.policy
import http.server
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from flask import Flask


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """What the SMTP server received: each message parsed, with its envelope recipients."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)  # type: ignore[arg-type]
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted"

    def wait_for(self, count: int, seconds: float = 5.0) -> list[EmailMessage]:
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def use_config(app: Flask, monkeypatch: Any, **changes: Any) -> None:
    """The app's config with some values changed, for this test only."""
    monkeypatch.setitem(app.extensions, "setia_config", replace(app.extensions["setia_config"], **changes))


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class HookServer:
    """A receiver of webhooks: each request recorded; `answers` says what to do with the next ones
    (an int status, or "slow" to answer only after `slow_seconds`)."""

    port: int
    received: list[Received] = field(default_factory=list)
    answers: list[int | str] = field(default_factory=list)
    slow_seconds: float = 2.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/setia"


@contextmanager
def hook_server() -> Iterator[HookServer]:
    state = HookServer(free_port())

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            state.received.append(Received({k.lower(): v for k, v in self.headers.items()}, body))
            answer = state.answers.pop(0) if state.answers else 200
            if answer == "slow":
                time.sleep(state.slow_seconds)
                answer = 200
            self.send_response(int(answer))
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", state.port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


Waiter = Callable[[int], list[EmailMessage]]
