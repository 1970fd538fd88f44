"""The analytics dashboard on a big shop (part of `make bench`; alone: `python -m bench --dashboard-only`).

1. A PostgreSQL database of its own (`bench_dashboard`, BENCH_DASHBOARD_DB) with one shop: 1,000,000
   members, 3,000,000 orders, 10,000,000 ledger entries over two years (bench/dashboard_data.py).
2. The aggregation job as the schedule runs it: the first run backfills the history, then the
   five-minute run (last 2 days) and the hourly run (last 35 days and the snapshot), timed.
3. The page: GET /admin/analytics through `gunicorn -w 1 wsgi:app` with a login-link session, the
   default range (last 30 days) and a year; the first request of a fresh worker (cold) and the next
   ones (warm): median and p95; each load also fetches the page's three chart images (pygal SVG at
   their signed URLs, without the cookie) one after the other, and the target counts them.
4. The baseline, in the same run: the same numbers computed straight from members, orders, coupons
   and ledger_entries without the daily aggregates (what the page would cost without them); its
   numbers must equal the dashboard's.
"""

from __future__ import annotations

import html
import os
import re
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import requests

from bench.dashboard_data import Scale, generate
from bench.procs import Processes, free_port, wait_http

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DASHBOARD_DB", "bench_dashboard")
TARGET_SECONDS = 1.0
WARM_LOADS = 15
BASELINE_RUNS = 3


def _env(database_url: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SHOPIFY_", "DATABASE_", "REDIS_"))}
    return {
        **keep,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-secret-key-not-for-production",
        "SHOPIFY_API_KEY": "bench-app-key",
        "SHOPIFY_API_SECRET": "bench-app-secret",
        "APP_URL": "http://127.0.0.1",
        "PYTHONPATH": str(ROOT),
    }


def _setup(pg_url: str, env: dict[str, str]) -> None:
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )


def _app(env: dict[str, str]) -> Any:
    from integrator.app import create_app
    from integrator.config import load_config

    return create_app(load_config(env))


def _shop(app: Any) -> int:
    """The bench shop through the domain code: USD, and a fixed-amount reward that values a point."""
    from integrator.loyalty.models import Reward
    from integrator.loyalty.shops import connect_shop

    with app.extensions["setia_db"].session() as session:
        shop, _ = connect_shop(
            session, app.extensions["setia_box"], "shopify", "setia-dashboard.myshopify.com", "x", None, "custom_app"
        )
        shop.currency, shop.name = "USD", "Dashboard bench"
        session.add(Reward(shop_id=shop.id, name="5.00 off", points_cost=500, kind="fixed_amount", value="5.00"))
        session.flush()
        return int(shop.id)


def _aggregate(app: Any, shop_id: int) -> dict[str, float]:
    from integrator.loyalty import analytics, analytics_snapshot

    db, timings = app.extensions["setia_db"], {}
    for name, work in (
        ("backfill_s", lambda s: analytics.refresh_shop(s, shop_id, 2)),
        ("every_5_min_s", lambda s: analytics.refresh_shop(s, shop_id, 2)),
        ("hourly_days_s", lambda s: analytics.refresh_shop(s, shop_id, analytics.RECENT_DAYS)),
        ("hourly_snapshot_s", lambda s: analytics_snapshot.refresh_snapshot(s, shop_id)),
    ):
        started = time.monotonic()
        with db.session() as session:
            work(session)
        timings[name] = round(time.monotonic() - started, 2)
    return timings


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _loads(port: int, cookie: dict[str, str], query: dict[str, str], count: int) -> list[tuple[float, float]]:
    """Each load: (the page alone, the page and then its three chart images one after the other; a
    browser fetches the images in parallel, so this is an upper bound)."""
    seconds = []
    with requests.Session() as http:
        http.cookies.update(cookie)
        for _ in range(count):
            started = time.perf_counter()
            response = http.get(f"http://127.0.0.1:{port}/admin/analytics", params=query, timeout=120)
            page = time.perf_counter() - started
            charts = [
                html.unescape(src) for src in re.findall(r'<img src="(/admin/analytics/charts/[^"]+)"', response.text)
            ]
            if response.status_code != 200 or len(charts) != 3:
                raise RuntimeError(f"/admin/analytics answered {response.status_code}: {response.text[:300]}")
            for src in charts:
                image = requests.get(f"http://127.0.0.1:{port}{src}", timeout=120)  # no cookie, as in the admin
                if image.status_code != 200 or image.headers["Content-Type"] != "image/svg+xml; charset=utf-8":
                    raise RuntimeError(f"{src} answered {image.status_code}: {image.text[:300]}")
            seconds.append((page, time.perf_counter() - started))
    return seconds


def _ms(loads: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(loads) * 1000, 1),
        "p95_ms": round(_percentile(loads, 0.95) * 1000, 1),
    }


def _page(app: Any, env: dict[str, str], shop_id: int, ranges: dict[str, dict[str, str]]) -> dict[str, Any]:
    """Each range: a fresh `gunicorn -w 1` (cold: its first request), then WARM_LOADS warm loads."""
    from integrator.admin import login_links

    out: dict[str, Any] = {}
    with Processes() as procs:
        for name, query in ranges.items():
            port = free_port(18011)
            server = procs.start(
                [sys.executable, "-m", "gunicorn", "-w", "1", "--log-level", "warning", "-b", f"127.0.0.1:{port}"]
                + ["--no-control-socket", "wsgi:app"],
                env,
                ROOT,
            )
            wait_http(port, "/healthz", time.monotonic() + 60, server)
            token = login_links.issue(app.extensions["setia_config"].secret_key, shop_id)
            login = requests.get(f"http://127.0.0.1:{port}/admin/login/{token}", allow_redirects=False, timeout=30)
            cookie = {"setia_admin": login.cookies["setia_admin"]}
            cold = _loads(port, cookie, query, 1)[0]
            warm = _loads(port, cookie, query, WARM_LOADS)
            page, charts = _ms([load[0] for load in warm]), _ms([load[1] for load in warm])
            out[name] = {
                "query": query,
                "cold_ms": round(cold[0] * 1000, 1),
                "warm_median_ms": page["median_ms"],
                "warm_p95_ms": page["p95_ms"],
                "with_charts_cold_ms": round(cold[1] * 1000, 1),
                "with_charts_warm_median_ms": charts["median_ms"],
                "with_charts_warm_p95_ms": charts["p95_ms"],
                "warm_loads": len(warm),
            }
            procs.stop(server)
    return out


BASELINE = {
    "members_total": "SELECT count(*) FROM members WHERE shop_id = %(shop)s AND created_at < %(end)s",
    "members_enrolled": "SELECT count(*) FROM members WHERE shop_id = %(shop)s AND created_at >= %(start)s "
    "AND created_at < %(end)s",
    "orders": "SELECT count(*) FILTER (WHERE member_id IS NOT NULL), coalesce(sum(basis_minor) FILTER (WHERE "
    "member_id IS NOT NULL), 0), count(*) FILTER (WHERE member_id IS NULL), coalesce(sum(basis_minor) FILTER "
    "(WHERE member_id IS NULL), 0) FROM orders WHERE shop_id = %(shop)s AND status = 'paid' "
    "AND paid_at >= %(start)s AND paid_at < %(end)s",
    "coupon_orders": "SELECT kind, count(*), coalesce(sum(basis_minor), 0) FROM (SELECT DISTINCT o.id, c.kind, "
    "o.basis_minor FROM orders o CROSS JOIN LATERAL json_array_elements_text(o.discount_codes) AS used(code) "
    "JOIN coupons c ON c.shop_id = o.shop_id AND upper(c.code) = upper(used.code) WHERE o.shop_id = %(shop)s "
    "AND o.status = 'paid' AND o.paid_at >= %(start)s AND o.paid_at < %(end)s) AS coupon_orders GROUP BY kind",
    "ledger": "SELECT "
    "coalesce(sum(amount) FILTER (WHERE account = 'points' "
    "AND (kind = 'earn' OR (kind = 'adjust' AND amount > 0))), 0),"
    "-coalesce(sum(amount) FILTER (WHERE account = 'points' AND kind IN ('redeem', 'refund')), 0),"
    "-coalesce(sum(amount) FILTER (WHERE account = 'points' AND kind = 'expire'), 0),"
    "coalesce(sum(amount) FILTER (WHERE account = 'cashback' "
    "AND (kind = 'earn' OR (kind = 'adjust' AND amount > 0))), 0),"
    "-coalesce(sum(amount) FILTER (WHERE account = 'cashback' AND kind IN ('redeem', 'refund', 'transfer')), 0),"
    "count(*) FILTER (WHERE kind = 'redeem') - count(*) FILTER (WHERE kind = 'refund') "
    "FROM ledger_entries WHERE shop_id = %(shop)s AND created_at >= %(start)s AND created_at < %(end)s",
    "outstanding": "SELECT coalesce(sum(amount) FILTER (WHERE account = 'points'), 0), coalesce(sum(amount) "
    "FILTER (WHERE account = 'cashback'), 0) FROM ledger_entries WHERE shop_id = %(shop)s "
    "AND state IN ('pending', 'available') AND created_at < %(end)s",
}


def _baseline_numbers(conn: psycopg.Connection[Any], params: dict[str, Any]) -> dict[str, int]:
    row = {name: conn.execute(sql, params).fetchall() for name, sql in BASELINE.items()}
    coupons = {kind: (count, revenue) for kind, count, revenue in row["coupon_orders"]}
    (members_total,), (enrolled,) = row["members_total"][0], row["members_enrolled"][0]
    member_orders, member_revenue, guest_orders, guest_revenue = row["orders"][0]
    issued, redeemed, expired, cb_issued, cb_spent, redemptions = row["ledger"][0]
    points, cashback = row["outstanding"][0]
    numbers = {
        "members_total": members_total,
        "members_enrolled": enrolled,
        "member_orders": member_orders,
        "member_revenue": member_revenue,
        "guest_orders": guest_orders,
        "guest_revenue": guest_revenue,
        "reward_orders": coupons.get("reward", (0, 0))[0],
        "reward_revenue": coupons.get("reward", (0, 0))[1],
        "unboxing_orders": coupons.get("unboxing", (0, 0))[0],
        "unboxing_revenue": coupons.get("unboxing", (0, 0))[1],
        "points_issued": issued,
        "points_redeemed": redeemed,
        "points_expired": expired,
        "cashback_issued": cb_issued,
        "cashback_spent": cb_spent,
        "redemptions": redemptions,
        "points_outstanding": points,
        "cashback_outstanding": cashback,
    }
    return {key: int(value) for key, value in numbers.items()}


def _dashboard_numbers(app: Any, shop_id: int, first: date, last: date) -> dict[str, int]:
    from integrator.loyalty.analytics_report import build_report
    from integrator.loyalty.models import Shop

    with app.extensions["setia_db"].session() as session:
        report = build_report(session, session.get(Shop, shop_id), first, last)
    numbers = {key: report.totals[key] for key in _BASELINE_KEYS if key in report.totals}
    numbers.update(
        members_total=report.members_total,
        points_outstanding=report.points_outstanding,
        cashback_outstanding=report.cashback_outstanding,
    )
    return numbers


_BASELINE_KEYS = [
    "members_enrolled",
    "member_orders",
    "member_revenue",
    "guest_orders",
    "guest_revenue",
    "reward_orders",
    "reward_revenue",
    "unboxing_orders",
    "unboxing_revenue",
    "points_issued",
    "points_redeemed",
    "points_expired",
    "cashback_issued",
    "cashback_spent",
    "redemptions",
]


def _baseline(app: Any, pg_url: str, shop_id: int, first: date, last: date) -> dict[str, Any]:
    """The raw numbers (BASELINE_RUNS times, plus the snapshot's queries: RFM and top customers)."""
    from integrator.loyalty.analytics import day_start
    from integrator.loyalty.analytics_snapshot import compute_snapshot

    params = {"shop": shop_id, "start": day_start(first), "end": day_start(last + timedelta(days=1))}
    raw, snapshot, numbers = [], [], {}
    with psycopg.connect(pg_url) as conn:
        for _ in range(BASELINE_RUNS):
            started = time.perf_counter()
            numbers = _baseline_numbers(conn, params)
            middle = time.perf_counter()
            with app.extensions["setia_db"].session() as session:
                compute_snapshot(session, shop_id)
            raw.append(middle - started)
            snapshot.append(time.perf_counter() - middle)
    dashboard = _dashboard_numbers(app, shop_id, first, last)
    differences = {k: (numbers[k], dashboard.get(k)) for k in numbers if numbers[k] != dashboard.get(k)}
    totals = [a + b for a, b in zip(raw, snapshot, strict=True)]
    return {
        "median_ms": round(statistics.median(totals) * 1000, 1),
        "runs_ms": [round(s * 1000, 1) for s in totals],
        "period_numbers_median_ms": round(statistics.median(raw) * 1000, 1),
        "snapshot_median_ms": round(statistics.median(snapshot) * 1000, 1),
        "numbers": numbers,
        "numbers_match": not differences,
        "differences": differences,
    }


def run(quick: bool, log: Any) -> dict[str, Any]:
    scale = Scale().scaled(0.01) if quick else Scale()
    pg_url = f"{PG_SERVER}/{DB_NAME}"
    env = _env("postgresql+psycopg://" + pg_url.split("://", 1)[1])
    started, load_at_start = time.monotonic(), os.getloadavg()
    log(f"dashboard: database {DB_NAME}, {scale.members:,} members, {scale.entries:,} ledger entries")
    _setup(pg_url, env)
    app = _app(env)
    shop_id = _shop(app)
    now = datetime.now(UTC)
    data = generate(pg_url, shop_id, scale, now, log)
    log("dashboard: aggregating")
    aggregation = _aggregate(app, shop_id)
    today = now.date()
    ranges = {
        "last_30_days": {},
        "last_365_days": {"from": (today - timedelta(days=364)).isoformat(), "to": today.isoformat()},
    }
    log("dashboard: loading the page")
    page = _page(app, env, shop_id, ranges)
    log("dashboard: baseline from the raw tables")
    baseline = {
        "last_30_days": _baseline(app, pg_url, shop_id, today - timedelta(days=29), today),
        "last_365_days": _baseline(app, pg_url, shop_id, today - timedelta(days=364), today),
    }
    worst = max(max(r["with_charts_cold_ms"], r["with_charts_warm_p95_ms"]) for r in page.values())
    return {
        "started_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "load_average": {"start": load_at_start, "end": os.getloadavg()},
        "database": f"{PG_SERVER}/{DB_NAME}",
        "scale": scale.__dict__,
        "data": data,
        "aggregation_s": aggregation,
        "page": page,
        "baseline": baseline,
        "target_ms": TARGET_SECONDS * 1000,
        "target_met": worst < TARGET_SECONDS * 1000,
        "numbers_match": all(b["numbers_match"] for b in baseline.values()),
        "seconds": round(time.monotonic() - started, 1),
    }


def table(result: dict[str, Any]) -> str:
    lines = [
        "",
        f"Dashboard on {result['scale']['members']:,} members, {result['data']['rows']['orders']:,} orders, "
        f"{result['data']['rows']['ledger_entries']:,} ledger entries ({result['data']['database_size']})",
        "| GET /admin/analytics | cold ms | warm median ms | warm p95 ms | with its 3 charts: cold, median, p95 ms "
        "| baseline ms (period + snapshot) | numbers |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, page in result["page"].items():
        base = result["baseline"][name]
        lines.append(
            f"| {name.replace('_', ' ')} | {page['cold_ms']} | {page['warm_median_ms']} | {page['warm_p95_ms']} | "
            f"{page['with_charts_cold_ms']}, {page['with_charts_warm_median_ms']}, {page['with_charts_warm_p95_ms']} | "
            f"{base['median_ms']} ({base['period_numbers_median_ms']} + {base['snapshot_median_ms']}) | "
            f"{'equal' if base['numbers_match'] else 'DIFFERENT'} |"
        )
    agg = result["aggregation_s"]
    lines.append(
        f"aggregation: backfill {agg['backfill_s']} s, 5-minute run {agg['every_5_min_s']} s, hourly "
        f"{agg['hourly_days_s']} s + snapshot {agg['hourly_snapshot_s']} s; target < {result['target_ms']:.0f} ms: "
        f"{'met' if result['target_met'] else 'MISSED'}"
    )
    return "\n".join(lines)
