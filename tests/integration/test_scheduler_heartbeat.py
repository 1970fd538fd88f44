"""The scheduler of the periodic jobs survives Redis outages, and GET /healthz reports how long ago
the periodic jobs last ran (from the database, so also while Redis is down), still answering 200."""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from rq import Queue

from integrator import demo, periodic, periodic_marks, scheduler
from integrator import queue as setia_queue
from integrator.loyalty.models import utcnow
from tests.conftest import REDIS_URL, drain, env_for, requires_redis

ROOT = Path(__file__).resolve().parents[2]


def scheduler_of(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/healthz")
    assert response.status_code == 200  # a stale scheduler never takes the web server out
    assert response.json["status"] == "ok"
    return response.json["scheduler"]


def set_heartbeat(app: Flask, ago: timedelta) -> None:
    with app.extensions["setia_db"].session() as session:
        periodic_marks.write(session, periodic_marks.HEARTBEAT, utcnow() - ago)


def test_healthz_reports_the_age_of_the_last_periodic_run(app: Flask, client: FlaskClient) -> None:
    assert scheduler_of(client) == {"status": "stale", "age_s": None}  # never ran
    set_heartbeat(app, timedelta(minutes=10))
    stale = scheduler_of(client)
    assert stale["status"] == "stale" and 600 <= stale["age_s"] <= 610
    set_heartbeat(app, timedelta(minutes=2))
    assert scheduler_of(client)["status"] == "ok"  # within three beats
    periodic.beat()  # what the scheduler enqueues every minute
    fresh = scheduler_of(client)
    assert fresh["status"] == "ok" and fresh["age_s"] <= 5


def test_make_runs_timer_gives_the_heartbeat_at_once(app: Flask, client: FlaskClient, monkeypatch: Any) -> None:
    monkeypatch.setattr(demo, "TICK", 30)  # the first round must not wait for the first tick
    stop = threading.Event()
    timer = threading.Thread(target=demo._periodic, args=(app, stop), daemon=True)
    timer.start()
    try:
        deadline = time.monotonic() + 20
        while scheduler_of(client)["status"] != "ok" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert scheduler_of(client)["status"] == "ok"
    finally:
        stop.set()
        timer.join(timeout=30)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def procfile_scheduler_command() -> str:
    """The scheduler half of the Procfile's `worker:` line (`sh -c 'SCHEDULER & exec WORKER'`)."""
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("worker:"))
    words = shlex.split(line.removeprefix("worker:"))
    assert words[:2] == ["sh", "-c"], line
    return words[2].split(" & ")[0]


def test_the_procfile_scheduler_outlives_a_redis_outage(database_url: str) -> None:
    env = {
        **os.environ,
        **env_for(database_url, REDIS_URL=f"redis://127.0.0.1:{_closed_port()}/0"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",  # this venv's tools
    }
    process = subprocess.Popen(  # noqa: S603 (the repository's own Procfile)
        ["sh", "-c", procfile_scheduler_command()],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)  # type: ignore[arg-type]
    reader.start()
    try:
        # Up to 60 s for the app to import on a busy machine; then it must still be running, saying why.
        deadline = time.monotonic() + 60
        while not any("Redis unreachable" in line for line in lines) and time.monotonic() < deadline:
            assert process.poll() is None, "the scheduler exited:\n" + "".join(lines)[-3000:]
            time.sleep(0.2)
        time.sleep(2)  # past the first retry (1 s): it keeps trying instead of exiting
        assert process.poll() is None, "the scheduler exited:\n" + "".join(lines)[-3000:]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
        reader.join(timeout=5)
    output = "".join(lines)
    assert "Redis unreachable" in output  # it says why nothing is scheduled, and keeps trying


def test_the_scheduler_needs_redis(database_url: str) -> None:
    env = {k: v for k, v in {**os.environ, **env_for(database_url)}.items() if k != "REDIS_URL"}
    done = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "scheduler"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "error: REDIS_URL is not set" in done.stderr


class FlakyRedis:
    """A TCP relay to the test Redis that can be taken down (connections cut, new ones refused) and
    brought back on the same port: a Redis outage as the scheduler sees it."""

    def __init__(self, target: str) -> None:
        parts = urlsplit(target)
        self.target = (parts.hostname or "127.0.0.1", parts.port or 6379)
        self.port = _closed_port()
        self.url = f"redis://127.0.0.1:{self.port}{parts.path}"
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None

    def up(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen()
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def down(self) -> None:
        assert self.listener is not None
        self.listener.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass


def _wait_for_queued(queue: Queue, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if queue.count:
            return True
        time.sleep(0.1)
    return False


@requires_redis
def test_after_a_redis_outage_the_scheduler_goes_on_and_so_does_the_heartbeat(app: Flask, client: FlaskClient) -> None:
    assert REDIS_URL
    queue = Queue(setia_queue.QUEUE, connection=Redis.from_url(REDIS_URL))
    flaky = FlakyRedis(REDIS_URL)
    flaky.up()
    stop = threading.Event()
    cron = scheduler.build(scheduler.connect(flaky.url), [(periodic.beat, 1)], stop)
    running = threading.Thread(target=cron.run, daemon=True)
    running.start()
    try:
        assert _wait_for_queued(queue, 10)
        drain()  # a worker runs the beat
        assert scheduler_of(client)["status"] == "ok"
        set_heartbeat(app, timedelta(minutes=10))  # as if the outage had lasted ten minutes
        flaky.down()
        time.sleep(3)
        queue.empty()
        assert running.is_alive()  # `rq cron` would have exited here, for good
        assert scheduler_of(client)["status"] == "stale"  # /healthz still answers, from the database
        flaky.up()
        assert _wait_for_queued(queue, 15), "nothing scheduled after Redis came back"
        drain()
        assert scheduler_of(client)["status"] == "ok"
    finally:
        stop.set()
        running.join(timeout=15)
        flaky.down()
    assert not running.is_alive()
