"""The worker's cost per order with tiers and campaigns on against off (issue 17: the goal is at most
20 % more). The same end-to-end run twice, one worker each, on the same deliveries' shape: first with
no tier and no campaign, then with three tiers and a running 2× campaign for every order, through the
domain code. The tiers' thresholds are out of reach (1,000,000,000.00), so that each order still earns
a known amount (floor(subtotal × 2)) whatever order the deliveries come in, and the ledger check stays
exact; every order still pays for what tiers and campaigns cost: fixing its multiplier (the member's
tier, the running campaigns), its qualifying spend, and the check whether its member moves up.
Entering a tier costs a member two more rows (its change and the event) once, which this leaves out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGN_MULTIPLIER = 2
SCRIPT = """
from integrator.app import create_app
from integrator.loyalty.campaigns import create_campaign
from integrator.loyalty.models import Shop
from integrator.loyalty.tiers import create_tier
app = create_app()
with app.extensions['setia_db'].session() as session:
    shop = session.get(Shop, {shop_id})
    for name, multiplier in (('Silver', '1.25'), ('Gold', '1.5'), ('Platinum', '2')):
        threshold = str(10**9 + len(name))
        create_tier(session, shop, {{'name': name, 'threshold': threshold, 'multiplier': multiplier}})
    # Around every bench order's paid time (the fixture's processed_at, 2025).
    create_campaign(session, shop, {{'name': 'Bench double', 'multiplier': '{multiplier}',
        'starts_at': '2000-01-01T00:00:00+00:00', 'ends_at': '2100-01-01T00:00:00+00:00'}})
"""


def enable(bench: Any) -> None:
    script = SCRIPT.format(shop_id=bench.shop_id, multiplier=CAMPAIGN_MULTIPLIER)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=bench.env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"could not set up tiers and a campaign:\n{done.stderr[-3000:]}")


def disable(bench: Any) -> None:
    with psycopg.connect(bench.pg_url, autocommit=True) as conn:
        conn.execute("DELETE FROM campaigns")
        conn.execute("DELETE FROM tiers")


def cost(run: dict[str, Any]) -> float:
    """CPU per order: the worker's and PostgreSQL's (the most noise-proof comparison)."""
    return float(run["worker_cpu_us_per_order"]) + float(run.get("postgres_cpu_us_per_order", 0.0))


def compare(bench: Any, app_port: int, orders: int) -> dict[str, Any]:
    off = bench.end_to_end(app_port, 1, orders)
    enable(bench)
    bench.points_multiplier = CAMPAIGN_MULTIPLIER
    try:
        on = bench.end_to_end(app_port, 1, orders)
    finally:
        bench.points_multiplier = 1
        disable(bench)
    ratio = cost(on) / max(cost(off), 1e-9)
    worker_ratio = float(on["worker_cpu_us_per_order"]) / max(float(off["worker_cpu_us_per_order"]), 1e-9)
    return {
        "off": off,
        "on": on,
        "cpu_ratio_on_off": round(ratio, 3),
        "worker_cpu_ratio_on_off": round(worker_ratio, 3),
        "target_ratio": 1.2,
        "met": ratio <= 1.2,
    }


def table(result: dict[str, Any]) -> str:
    off, on = result["off"], result["on"]
    lines = [
        "",
        "tiers and campaigns: 1 worker, the same orders with three tiers and a running 2× campaign (on) or none (off)",
        f"{'':6} {'orders/s':>9} {'worker µs/order':>16} {'pg µs/order':>12} {'others cores':>12} {'ledger':>7}",
    ]
    for label, r in (("off", off), ("on", on)):
        lines.append(
            f"{label:6} {r.get('orders_per_s', float('nan')):9.1f} {r['worker_cpu_us_per_order']:16.0f} "
            f"{r.get('postgres_cpu_us_per_order', float('nan')):12.0f} {r.get('other_cpu_cores', float('nan')):12.2f} "
            f"{'ok' if r['ledger_ok'] else 'WRONG':>7}"
        )
    lines.append(
        f"CPU per order (worker + PostgreSQL), on / off: {result['cpu_ratio_on_off'] * 100:.0f} % "
        f"(worker alone {result['worker_cpu_ratio_on_off'] * 100:.0f} %; goal ≤ 120 %: "
        f"{'met' if result['met'] else 'MISSED'})"
    )
    return "\n".join(lines)
