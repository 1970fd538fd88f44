"""Processes the bench starts (each in its own process group, stopped by that id, always), free
ports, and CPU time read from /proc (Linux; None elsewhere)."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def free_port(preferred: int) -> int:
    """`preferred` when nothing listens there, otherwise any free port."""
    for port in (preferred, 0):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise RuntimeError("no free port")


class Processes:
    """Every process started through `start` is stopped on `stop_all` (SIGTERM to its process
    group, SIGKILL after a grace period), which __exit__ calls whatever happened."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, args: Sequence[str], env: dict[str, str], cwd: Path, **kwargs: object) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(list(args), env=env, cwd=cwd, start_new_session=True, **kwargs)  # type: ignore[call-overload]
        self.started.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(grace)
        # the group may outlive its leader (gunicorn workers): make sure it is gone
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(5)

    def stop_all(self) -> None:
        for proc in reversed(self.started):
            self.stop(proc)
        self.started.clear()

    def __enter__(self) -> Processes:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_all()


def wait_http(port: int, path: str, deadline: float, proc: subprocess.Popen[bytes] | None = None) -> None:
    """Until GET path answers 200 (or the server died, or the deadline passed)."""
    last: object = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
            last = status
        except OSError as exc:
            last = exc
        time.sleep(0.1)
    raise RuntimeError(f"server on port {port} not ready: {last}")


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def cpu_seconds(pids: Sequence[int]) -> float | None:
    """User + system CPU of these processes so far."""
    total = 0
    try:
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None
    return total / CLOCK_TICKS


def _process_cpu(stat: str) -> float:
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class CpuWatch:
    """CPU used by the processes whose command line starts with `prefix` and contains `needle`
    (a PostgreSQL backend shows its database: "postgres: 15/main: postgres bench 127.0.0.1(4242)
    idle"), counting those that exit while watched at their last reading (/proc is polled twice a
    second). Only our own database's backends: other users of the same server are not ours.
    Read-only."""

    def __init__(self, prefix: str, needle: str, interval: float = 0.5) -> None:
        self.prefix = prefix.encode()
        self.needle = needle.encode()
        self.interval = interval
        self.last: dict[int, float] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.available = Path("/proc").is_dir()
        self.thread = threading.Thread(target=self._run, daemon=True)
        if self.available:
            self.scan()
            self.thread.start()

    def scan(self) -> None:
        seen = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes()
                if not cmdline.startswith(self.prefix) or self.needle not in cmdline:
                    continue
                seen[int(entry.name)] = _process_cpu((entry / "stat").read_text())
            except OSError:
                continue
        with self.lock:
            self.last.update(seen)

    def _run(self) -> None:
        while not self.stopping.wait(self.interval):
            self.scan()

    def total(self) -> float | None:
        """CPU seconds used so far by every matching process seen (compare two readings)."""
        if not self.available:
            return None
        self.scan()
        with self.lock:
            return sum(self.last.values())

    def stop(self) -> None:
        self.stopping.set()


def redis_cpu() -> float | None:
    """CPU of the Redis server (shared with whoever else uses it). Read-only, from /proc."""
    total = 0.0
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if stat.split("(", 1)[1].startswith("redis-server"):
            total += _process_cpu(stat)
    return total


def machine_cpu() -> tuple[float, float] | None:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    total = sum(values[:8])
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS


def background_busy(seconds: float = 2.0) -> float | None:
    """How busy the machine is before the bench starts anything (other users skew every number)."""
    before = machine_cpu()
    time.sleep(seconds)
    after = machine_cpu()
    if before is None or after is None or after[1] == before[1]:
        return None
    return round(100 * (after[0] - before[0]) / (after[1] - before[1]), 1)
