"""Another web process for the rate-limit tests: builds its own app (its own Limiter and memory)
on the test database and sends the requests it reads as JSON on stdin through its test client;
prints [status, seconds, body] per request as JSON. One app per process: create_app sets up
module-level blueprints, so a second app cannot live in the test process itself.

    python -m tests.widget_process < {"env": {...}, "config": {...}, "requests": [[method, path, query, body]]}

A request may carry a fifth item, its headers; "environ_base" sets the WSGI environ of every request
(REMOTE_ADDR: the address the connection comes from).
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any


def main() -> None:
    order = json.load(sys.stdin)
    from integrator.app import create_app
    from integrator.config import load_config
    from integrator.widget_api.limits import Limit

    config: dict[str, Any] = dict(order.get("config", {}))
    if "limits" in config:
        client, shopper, window = config.pop("limits")
        config["WIDGET_RATE_LIMITS"] = {
            "client": Limit("client", client, window),
            "shopper": Limit("shopper", shopper, window),
        }
    app = create_app(load_config(order["env"]), overrides=config)
    client = app.test_client()
    results = []
    environ_base = order.get("environ_base") or {}
    for method, path, query, body, *headers in order["requests"]:
        began = time.monotonic()
        response = client.open(
            path,
            method=method,
            query_string=query,
            json=body,
            headers=headers[0] if headers else None,
            environ_base=environ_base,
        )
        results.append([response.status_code, time.monotonic() - began, response.get_json(silent=True)])
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
