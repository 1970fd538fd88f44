"""The Procfile's `web:` command (gunicorn with gunicorn.conf.py) keeps answering webhooks while
slow clients hold connections open: ten clients sending their requests a byte at a time do not hold
up a real delivery, which is acknowledged in under a second (Shopify gives up after 5 s)."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from integrator.loyalty.models import WebhookEvent
from tests.conftest import env_for
from tests.deliveries import SHOP_DOMAIN, fake30, sign

ROOT = Path(__file__).resolve().parents[2]
SLOW_CLIENTS = 10
SHOPIFY_GIVES_UP = 5.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def procfile_web_command() -> str:
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    return line.removeprefix("web:").strip()


def _get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.fixture()
def web_server(database_url: str) -> Iterator[int]:
    """The Procfile's web command on a free port, against the test database; its port."""
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("WEB_CONCURRENCY", "REDIS_URL")},
        **env_for(database_url),
        "PORT": str(port),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",  # this venv's tools
    }
    server = subprocess.Popen(  # noqa: S603 (the repository's own Procfile)
        ["sh", "-c", procfile_web_command()],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read().decode()[-3000:]  # type: ignore[union-attr]
            try:
                if _get(port, "/healthz") == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the web server did not answer /healthz within 60 s"
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


class SlowClients:
    """Connections that send a webhook request one byte every half second, and never finish."""

    def __init__(self, port: int, count: int) -> None:
        self.request = b"POST /webhooks/shopify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        self.sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
        self.stop = threading.Event()
        self.sent = 0
        self.thread = threading.Thread(target=self._drip, daemon=True)
        self.thread.start()

    def _drip(self) -> None:
        while not self.stop.is_set() and self.sent < len(self.request):
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.sendall(self.request[self.sent : self.sent + 1])
            self.sent += 1
            self.stop.wait(0.5)

    def all_still_open(self) -> bool:
        """No slow client was answered or dropped: the server is still waiting for their requests."""
        for sock in self.sockets:
            sock.setblocking(False)
            try:
                if sock.recv(1, socket.MSG_PEEK) is not None:
                    return False  # data (an answer) or b"" (closed)
            except BlockingIOError:
                pass
            finally:
                sock.setblocking(True)
        return True

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        for sock in self.sockets:
            sock.close()


def post_webhook(port: int, body: bytes, webhook_id: str) -> tuple[int, Any, float]:
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "orders/paid",
        "X-Shopify-Shop-Domain": SHOP_DOMAIN,
        "X-Shopify-Webhook-Id": webhook_id,
        "X-Shopify-Hmac-Sha256": sign(body),
    }
    began = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=SHOPIFY_GIVES_UP)
    try:
        connection.request("POST", "/webhooks/shopify", body=body, headers=headers)
        response = connection.getresponse()
        answer = json.loads(response.read())
    except TimeoutError:
        pytest.fail(f"no answer within {SHOPIFY_GIVES_UP} s: Shopify would have given up on the delivery")
    finally:
        connection.close()
    return response.status, answer, time.monotonic() - began


def test_slow_clients_do_not_hold_up_a_webhook(app: Flask, shop: dict[str, Any], web_server: int) -> None:
    body = json.dumps(fake30()).encode()
    assert post_webhook(web_server, body, "warm-up")[0] == 200  # every worker has its app loaded
    slow = SlowClients(web_server, SLOW_CLIENTS)
    try:
        time.sleep(2)  # every slow client has begun its request
        status, answer, seconds = post_webhook(web_server, body, "while-slow-clients-drip")
        assert slow.sent >= 3 and slow.all_still_open()
    finally:
        slow.close()
    assert (status, answer) == (200, {"ok": True, "duplicate": False})
    assert seconds < 1.0, f"the webhook took {seconds:.1f} s with {SLOW_CLIENTS} slow clients"
    with app.extensions["setia_db"].session() as session:
        stored = session.execute(select(WebhookEvent.delivery_id)).scalars().all()
    assert "while-slow-clients-drip" in stored  # stored before it was acknowledged
