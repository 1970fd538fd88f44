"""Open-loop load on the widget API: GET requests sent on a fixed schedule (`rate` per second), each
request's latency counted from the moment it was due, not from when a free thread sent it (so a slow
server cannot hide its queueing: no coordinated omission). Every request comes from a different
shopper behind a trusted proxy (`X-Forwarded-For`, the app run with TRUSTED_PROXY_COUNT=1), signed as
the storefront signs it, so the rate limits are on and counted, as on a busy storefront, without one
address exhausting its allowance.

    python -m bench.widget_load '{"port": 18001, "public_id": "...", "secret": "...", ...}'
      → one JSON object on stdout
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from bench.load import _one as _send  # one request on a new connection, read to the server's close
from integrator.widget_api.identity import sign_shopper


@dataclass
class Plan:
    port: int
    public_id: str
    secret: str
    route: str = "me"  # "me" or "program"
    rate: float = 200.0  # requests per second, this process
    start_at: float = 0.0  # wall-clock epoch of the first request
    duration: float = 8.0
    warmup: float = 2.0  # requests due before start_at + warmup are sent but not counted
    shoppers: int = 2000
    first_shopper: int = 0
    threads: int = 24
    host: str = "127.0.0.1"
    timeout: float = 5.0


@dataclass
class Tally:
    status: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    late_starts: int = 0  # requests a thread picked up over 5 ms after they were due


def request_bytes(plan: Plan, n: int, now: int) -> bytes:
    shopper = plan.first_shopper + n % plan.shoppers
    customer = f"bench-{shopper}"
    if plan.route == "me":
        ts = str(now)
        query = f"?customer={customer}&ts={ts}&sig={sign_shopper(plan.secret, customer, ts)}"
    else:
        query = ""
    forwarded = f"10.{(shopper >> 16) & 255}.{(shopper >> 8) & 255}.{shopper & 255}"
    return (
        f"GET /widget/v1/{plan.public_id}/{plan.route}{query} HTTP/1.1\r\n"
        f"Host: {plan.host}:{plan.port}\r\nX-Forwarded-For: {forwarded}\r\n"
        "Accept: application/json\r\nConnection: close\r\n\r\n"
    ).encode()


def run(plan: Plan) -> dict[str, Any]:
    sys.setswitchinterval(0.0005)
    total = int((plan.warmup + plan.duration) * plan.rate)
    counted_from = int(plan.warmup * plan.rate)
    next_index = [0]
    lock = threading.Lock()
    tally = Tally()
    address = (plan.host, plan.port)

    def loop() -> None:
        local = Tally()
        while True:
            with lock:
                n = next_index[0]
                next_index[0] += 1
            if n >= total:
                break
            due = plan.start_at + n / plan.rate
            wait = due - time.time()
            if wait > 0:
                time.sleep(wait)
            elif wait < -0.005:
                local.late_starts += 1
            data = request_bytes(plan, n, int(due))
            try:
                code = _send(address, data, plan.timeout)
            except OSError as exc:
                local.errors[type(exc).__name__] = local.errors.get(type(exc).__name__, 0) + 1
                continue
            if n < counted_from:
                continue
            local.status[str(code)] = local.status.get(str(code), 0) + 1
            if code == 200:
                local.latencies.append(time.time() - due)
        with lock:
            tally.latencies.extend(local.latencies)
            tally.late_starts += local.late_starts
            for source, target in ((local.status, tally.status), (local.errors, tally.errors)):
                for key, value in source.items():
                    target[key] = target.get(key, 0) + value

    threads = [threading.Thread(target=loop) for _ in range(plan.threads)]
    for thread in threads:
        thread.start()
    cpu_from = time.process_time()
    for thread in threads:
        thread.join()
    return {
        "route": plan.route,
        "rate": plan.rate,
        "due": total - counted_from,
        "status": tally.status,
        "errors": tally.errors,
        "late_starts": tally.late_starts,
        "cpu_s": round(time.process_time() - cpu_from, 3),
        "latencies": [round(value, 7) for value in tally.latencies],
    }


if __name__ == "__main__":
    print(json.dumps(run(Plan(**json.loads(sys.argv[1])))))
