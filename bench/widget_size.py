"""The storefront widget's weight and speed: `python -m bench.widget_size [--json]` (and `make bench`).

1. Bytes: the loader (/widgets/loyalty.js) and the versioned bundle it loads, raw and gzip (level 9, as
   the server sends them), against the 10 KB budget and against the previous widget (one file,
   widgets/loyalty.js at PREVIOUS, read with `git show`), in the same run.
2. Time, in Debian's Chromium: a storefront page on another origin (cold cache, then warm) with the
   contract's script tag, served by the app on a temporary SQLite database: the first frame with the
   launcher and the first with the signed shopper's balance, against the same page without the widget
   (its first contentful paint and load event: the baseline, in the same run); which widget API calls
   started before the load event; the bytes the browser received for the widget.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PREVIOUS = "c38b1ad"  # the last commit with the first widget (one script, CSS inside)
BUDGET = 10 * 1024
RUNS = 5
CUSTOMER = "4242"
# Measured in the page: the first animation frame in which the launcher exists, then the one in which
# it shows the balance (rAF callbacks run just before the frame is painted).
PROBE = """
window.__setia = {};
(function poll() {
  const host = document.querySelector('#setia-loyalty');
  const launcher = host && host.shadowRoot && host.shadowRoot.querySelector('.launcher');
  if (launcher && !__setia.launcher) __setia.launcher = performance.now();
  if (launcher && launcher.querySelector('.count').textContent && !__setia.balance) __setia.balance = performance.now();
  if (!__setia.balance && performance.now() < 10000) requestAnimationFrame(poll);
})();
"""
READ = """() => {
  window.__setia = window.__setia || {};
  const nav = performance.getEntriesByType('navigation')[0];
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const widget = performance.getEntriesByType('resource').filter((r) => r.name.includes('/widgets/'));
  const api = performance.getEntriesByType('resource').filter((r) => r.name.includes('/widget/v1/'));
  const route = (r) => new URL(r.name).pathname.split('/').pop();
  return {fcp: paint ? paint.startTime : null, load: nav.loadEventStart, launcher: __setia.launcher,
          balance: __setia.balance, widget_bytes: widget.reduce((n, r) => n + r.transferSize, 0),
          widget_body_bytes: widget.reduce((n, r) => n + r.encodedBodySize, 0),
          api_before_load: api.filter((r) => r.startTime < nav.loadEventStart).map(route),
          api_after_load: api.filter((r) => r.startTime >= nav.loadEventStart).map(route),
          asset_requests: widget.filter((r) => r.transferSize > 0).length};
}"""


def sizes() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from integrator.widget_assets import build_widget

    widget = build_widget()
    # The lazy modules (`account` and the rest): loaded when the panel needs them, not on the first load
    # (each its own budget: 4 KB).
    parts = {"loader": widget.loader.body, "bundle": widget.bundle.body}
    parts.update({name.removesuffix(".js"): asset.body for name, asset in widget.lazy.items()})
    result: dict[str, Any] = {
        name: {"raw": len(body), "gzip": len(gzip.compress(body, compresslevel=9))} for name, body in parts.items()
    }
    result["total_gzip"] = result["loader"]["gzip"] + result["bundle"]["gzip"]
    result["budget_gzip"] = BUDGET
    result["within_budget"] = result["total_gzip"] <= BUDGET
    old = subprocess.run(
        ["git", "show", f"{PREVIOUS}:widgets/loyalty.js"], cwd=ROOT, capture_output=True, check=False
    ).stdout
    result["previous"] = {"commit": PREVIOUS, "raw": len(old), "gzip": len(gzip.compress(old, compresslevel=9))}
    return result


@contextmanager
def _servers() -> Iterator[tuple[str, str, dict[str, str]]]:
    """The app on a fresh SQLite database with one shop, and a storefront on another port."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from integrator.app import create_app
    from integrator.config import load_config
    from integrator.loyalty.models import Shop
    from integrator.loyalty.shops import connect_shop

    folder = Path(tempfile.mkdtemp(prefix="setia-widget-bench-"))
    env = {"DATABASE_URL": f"sqlite:///{folder / 'bench.db'}", "SECRET_KEY": "bench", "ALLOW_PRIVATE_STORE_URLS": "1"}
    app = create_app(load_config(env))
    with app.app_context():
        upgrade()
    db, box = app.extensions["setia_db"], app.extensions["setia_box"]
    with db.session() as session:
        shop, _ = connect_shop(session, box, "shopify", "setia-bench.myshopify.com", None, "s", "custom_app")
        public_id, secret = shop.public_id, box.decrypt(session.get(Shop, shop.id).widget_secret_enc)
    pages: dict[str, str] = {}

    class Storefront(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = make_server("127.0.0.1", 0, app, threaded=True)
    store = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Storefront)
    for target in (server.serve_forever, store.serve_forever):
        threading.Thread(target=target, daemon=True).start()
    app_url, store_url = f"http://127.0.0.1:{server.server_port}", f"http://127.0.0.1:{store.server_port}"
    ts = str(int(time.time()))
    sig = hmac.new(secret.encode(), f"{CUSTOMER}:{ts}".encode(), hashlib.sha256).hexdigest()
    tag = (
        f'<script src="{app_url}/widgets/loyalty.js" data-shop="{public_id}" data-customer="{CUSTOMER}"'
        f' data-ts="{ts}" data-sig="{sig}" defer></script>'
    )
    content = f"<h1>A shop</h1><p>{'Products. ' * 200}</p>"
    pages["/"] = f"<html lang='en'><body>{content}{tag}</body></html>"
    pages["/plain"] = f"<html lang='en'><body>{content}</body></html>"  # the baseline: no widget
    try:
        yield app_url, store_url, pages
    finally:
        server.shutdown()
        store.shutdown()
        shutil.rmtree(folder, ignore_errors=True)


def _median(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [run[key] for run in runs if run.get(key) is not None]
    return round(statistics.median(values), 1) if values else None


def timings() -> dict[str, Any]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return {"skipped": "Chromium is not installed"}
    from playwright.sync_api import sync_playwright

    runs: dict[str, list[dict[str, Any]]] = {"cold": [], "warm": [], "without widget": []}
    with _servers() as (_, url, _pages), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for run in range(RUNS + 1):  # the first round warms Chromium up and is not counted
            measured: dict[str, list[dict[str, Any]]] = {kind: [] for kind in runs}
            plain = browser.new_context()  # each page on an empty cache, in a context of its own
            page = plain.new_page()
            page.goto(url + "/plain", wait_until="load")
            measured["without widget"].append(page.evaluate(READ))
            plain.close()
            context = browser.new_context()
            page = context.new_page()
            page.add_init_script(PROBE)
            for kind in ("cold", "warm"):
                page.goto(url + "/")
                page.wait_for_function("window.__setia && window.__setia.balance", timeout=10_000)
                measured[kind].append(page.evaluate(READ))
            context.close()
            for kind in runs if run else ():
                runs[kind] += measured[kind]
        browser.close()
    return {
        kind: {
            "runs": len(items),
            "host_fcp_ms": _median(items, "fcp"),
            "load_event_ms": _median(items, "load"),
            "launcher_ms": _median(items, "launcher"),
            "balance_ms": _median(items, "balance"),
            "widget_bytes_received": items[-1]["widget_bytes"],
            "widget_body_bytes": items[-1]["widget_body_bytes"],
            "asset_requests": items[-1]["asset_requests"],
            "api_before_load": items[-1]["api_before_load"],
            "api_after_load": items[-1]["api_after_load"],
        }
        for kind, items in runs.items()
    }


def measure_here() -> dict[str, Any]:
    return {"sizes": sizes(), "chromium": timings()}


def measure() -> dict[str, Any]:
    """In a process of its own: it builds an app (create_app), which `make bench` has done already."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "SHOPIFY_"))}
    done = subprocess.run(
        [sys.executable, "-m", "bench.widget_size", "--json"],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.widget_size exited with {done.returncode}:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout))


def table(result: dict[str, Any]) -> str:
    s = result["sizes"]
    lines = [
        "storefront widget (gzip level 9; budget 10 KB = 10,240 bytes for everything a storefront downloads)",
        f"  {'':38} {'raw B':>8} {'gzip B':>8}",
        f"  {'loader /widgets/loyalty.js':38} {s['loader']['raw']:8,} {s['loader']['gzip']:8,}",
        f"  {'bundle /widgets/v/<hash>/widget.js':38} {s['bundle']['raw']:8,} {s['bundle']['gzip']:8,}",
        f"  {'total':38} {s['loader']['raw'] + s['bundle']['raw']:8,} {s['total_gzip']:8,}"
        f"  {'within' if s['within_budget'] else 'OVER'} budget ({100 * s['total_gzip'] / BUDGET:.0f} %)",
        f"  {'when the panel opens: account.js':38} {s['account']['raw']:8,} {s['account']['gzip']:8,}",
        f"  {'previous widget (' + s['previous']['commit'] + ', one file)':38} {s['previous']['raw']:8,} "
        f"{s['previous']['gzip']:8,}",
    ]
    chromium = result["chromium"]
    if "skipped" in chromium:
        return "\n".join([*lines, f"  Chromium timings skipped: {chromium['skipped']}"])
    lines.append(
        f"  Chromium, medians of {chromium['cold']['runs']}: {'':6} {'host FCP':>9} {'launcher':>9} {'balance':>9} "
        f"{'load':>7} {'bytes in':>9} {'fetched':>8}  API calls before load / after"
    )
    for kind in ("without widget", "cold", "warm"):
        r = chromium[kind]
        label = kind if kind == "without widget" else f"{kind} cache"
        fcp, load = _ms(r["host_fcp_ms"]), _ms(r["load_event_ms"])
        lines.append(
            f"  {label:34} {fcp:>7} ms {_ms(r['launcher_ms']):>6} ms {_ms(r['balance_ms']):>6} ms "
            f"{load:>5} ms {r['widget_bytes_received']:9,} {r['asset_requests']:8}  "
            f"{','.join(r['api_before_load']) or '-'} / {','.join(r['api_after_load']) or '-'}"
        )
    return "\n".join(lines)


def _ms(value: object) -> str:
    """A timing for the table; '-' where Chromium reported none (no paint entry in that run)."""
    return "-" if value is None else str(value)


if __name__ == "__main__":
    measured = measure_here()
    print(json.dumps(measured) if "--json" in sys.argv[1:] else table(measured))
