"""The load generator: one process, a few threads, each a closed loop of one request at a time on a
fresh TCP connection (as docs/performance.md's numbers were taken: gunicorn's sync workers, used
then, closed the connection after every response). Requests are built and signed on the fly; the parent runs several of
these processes and merges what they print.

    python -m bench.load '{"port": 18001, "threads": 4, ...}'   → one JSON object on stdout
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from bench.payloads import Deliveries


@dataclass
class Plan:
    port: int
    path: str = "/webhooks/shopify"
    host: str = "127.0.0.1"
    threads: int = 4
    # delivery numbers: first + slot + k × stride (slot = this process's threads' global index)
    first: int = 0
    slot: int = 0
    stride: int = 1
    count: int | None = None  # count mode: stop after delivery number first + count - 1
    # duration mode (wall-clock epochs, shared by every load process of a run)
    start_at: float = 0.0
    measure_from: float = 0.0
    measure_until: float = 0.0
    customers: int = 1000
    tag: str = "b"
    timeout: float = 10.0


@dataclass
class Tally:
    ok: int = 0
    status: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)  # seconds, requests completed in the window
    sent: int = 0


def _one(address: tuple[str, int], data: bytes, timeout: float) -> int:
    """Send one request on a new connection, read to the server's close; the status code."""
    with socket.create_connection(address, timeout=timeout) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(data)
        response = sock.recv(65536)
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            response += chunk
    if not response.startswith(b"HTTP/1."):
        raise ConnectionError("not an HTTP response")
    return int(response[9:12])


def _loop(plan: Plan, index: int, tally: Tally, lock: threading.Lock) -> None:
    deliveries = Deliveries(f"{plan.host}:{plan.port}", plan.path, plan.customers, plan.tag)
    address = (plan.host, plan.port)
    timed = plan.count is None
    k = 0
    local = Tally()
    if timed:
        time.sleep(max(0.0, plan.start_at - time.time()))
    while True:
        n = plan.slot + index + k * plan.stride
        k += 1
        if plan.count is not None and n >= plan.count:
            break
        data = deliveries.request(plan.first + n)
        started_wall = time.time()
        if timed and started_wall >= plan.measure_until:
            break
        started = time.perf_counter()
        try:
            code = _one(address, data, plan.timeout)
        except OSError as exc:
            local.errors[type(exc).__name__] = local.errors.get(type(exc).__name__, 0) + 1
            time.sleep(0.01)
            continue
        elapsed = time.perf_counter() - started
        local.sent += 1
        in_window = not timed or plan.measure_from <= started_wall and started_wall + elapsed <= plan.measure_until
        if not in_window:
            continue
        local.status[str(code)] = local.status.get(str(code), 0) + 1
        if code == 200:
            local.ok += 1
            local.latencies.append(elapsed)
    with lock:
        tally.ok += local.ok
        tally.sent += local.sent
        tally.latencies.extend(local.latencies)
        for source, target in ((local.status, tally.status), (local.errors, tally.errors)):
            for key, value in source.items():
                target[key] = target.get(key, 0) + value


def run(plan: Plan) -> dict[str, Any]:
    sys.setswitchinterval(0.0005)  # threads waiting for the GIL must not inflate latencies
    tally, lock = Tally(), threading.Lock()
    threads = [threading.Thread(target=_loop, args=(plan, i, tally, lock)) for i in range(plan.threads)]
    for thread in threads:
        thread.start()
    cpu = None
    if plan.count is None:  # this process's own CPU over the measured window
        time.sleep(max(0.0, plan.measure_from - time.time()))
        cpu_from = time.process_time()
        time.sleep(max(0.0, plan.measure_until - time.time()))
        cpu = time.process_time() - cpu_from
    for thread in threads:
        thread.join()
    return {
        "ok": tally.ok,
        "sent": tally.sent,
        "status": tally.status,
        "errors": tally.errors,
        "cpu_s": cpu,
        "latencies": [round(value, 7) for value in tally.latencies],
    }


if __name__ == "__main__":
    print(json.dumps(run(Plan(**json.loads(sys.argv[1])))))
