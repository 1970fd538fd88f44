"""Another web process for the login-link tests: builds its own app on the test database (without
Redis unless the env names it), optionally sets the admin cookie, sends the GET requests it reads as
JSON on stdin and prints [status, body] per request as JSON. A second app cannot live in the test
process itself (create_app sets up module-level blueprints).

    python -m tests.admin_process < {"env": {...}, "cookie": "..." | null, "paths": ["/admin/..."]}
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    order = json.load(sys.stdin)
    from integrator.admin.access import COOKIE
    from integrator.app import create_app
    from integrator.config import load_config

    client = create_app(load_config(order["env"])).test_client()
    if order.get("cookie"):
        client.set_cookie(COOKIE, order["cookie"], path="/admin")
    results = []
    for path in order["paths"]:
        response = client.get(path)
        results.append([response.status_code, response.get_data(as_text=True)])
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
