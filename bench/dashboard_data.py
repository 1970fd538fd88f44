"""A big shop for the dashboard benchmark, generated inside PostgreSQL (INSERT … SELECT over
generate_series: no rows travel through Python): members, Setia coupons, orders with and without
codes, guest orders, and ledger entries of every kind, spread over two years.

Amounts are plausible, not a consistent ledger (members' balance columns stay 0): the benchmark
measures reading the analytics, and checks the dashboard's numbers against the same numbers computed
straight from these tables."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

CHUNK = 1_000_000  # rows per INSERT statement: progress, and bounded transactions


@dataclass(frozen=True)
class Scale:
    members: int = 1_000_000
    orders: int = 3_000_000
    entries: int = 10_000_000
    coupons: int = 50_000  # of each kind (reward, unboxing)
    days: int = 730

    def scaled(self, factor: float) -> Scale:
        return Scale(
            max(100, int(self.members * factor)),
            max(300, int(self.orders * factor)),
            max(1000, int(self.entries * factor)),
            max(10, int(self.coupons * factor)),
            self.days,
        )


MEMBERS = """
INSERT INTO members (shop_id, platform_customer_id, email, email_key, first_name, last_name, points_available,
  points_pending, points_debt, lifetime_points, cashback_available, cashback_pending, cashback_debt, created_at)
SELECT %(shop)s, g::text, 'member' || g || '@example.com', 'member' || g || '@example.com', 'Member', g::text,
  0, 0, 0, 0, 0, 0, 0, %(now)s - random() * %(days)s::int * interval '1 day'
FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS g
"""

COUPONS = """
INSERT INTO coupons (shop_id, member_id, kind, source_id, code, status, platform, value_type, value, starts_at,
  idempotency_key, attempts, created_at, updated_at)
SELECT %(shop)s, %(m0)s + (g * 7919) %% %(members)s, kind, NULL, 'SETIA-' || upper(left(kind, 1)) || '-' || g,
  'active', 'shopify', 'fixed_amount', '5', %(now)s, 'bench:' || kind || ':' || g, 1, %(now)s, %(now)s
FROM generate_series(1, %(coupons)s::int) AS g, (VALUES ('reward'), ('unboxing')) AS kinds(kind)
"""

# Every 10th order a guest's; every 50th void (refunded); of every 40, one used a reward code, one an
# unboxing code (lowercased, as WooCommerce writes them) and one a code that is not Setia's.
ORDERS = """
INSERT INTO orders (shop_id, platform_order_id, member_id, name, currency, snapshot_at, basis_minor,
  refunded_in_snapshot, status, paid_at, points_pending, points_held, cashback_pending, cashback_held, revision,
  discount_codes, created_at, updated_at)
SELECT %(shop)s, g::text, CASE WHEN g %% 10 = 0 THEN NULL ELSE %(m0)s + floor(random() * %(members)s::int)::bigint END,
  '#' || g, 'USD', t, 1000 + floor(random() * 49000)::bigint, '[]'::json,
  CASE WHEN g %% 50 = 7 THEN 'void' ELSE 'paid' END, t, 0, 0, 0, 0, 1,
  CASE g %% 40
    WHEN 1 THEN json_build_array('SETIA-R-' || (1 + g %% %(coupons)s))
    WHEN 2 THEN json_build_array('setia-u-' || (1 + g %% %(coupons)s))
    WHEN 3 THEN json_build_array('WELCOME10')
  END,
  t, t
FROM (SELECT g, %(now)s - random() * %(days)s::int * interval '1 day' AS t
      FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS g) AS s
"""

# Of every 20 entries: 12 points earned, 3 cashback earned, 1 points redeemed, 1 cashback moved to
# store credit, 1 points expired, 1 positive and 1 negative adjustment.
ENTRIES = """
INSERT INTO ledger_entries (shop_id, member_id, account, state, amount, kind, source, source_id, reason,
  idempotency_key, available_at, created_at)
SELECT %(shop)s, %(m0)s + floor(random() * %(members)s::int)::bigint,
  CASE WHEN r IN (12, 13, 14, 16) THEN 'cashback' ELSE 'points' END,
  'available',
  CASE WHEN r < 12 THEN 10 + floor(random() * 490)::bigint
       WHEN r < 15 THEN 20 + floor(random() * 980)::bigint
       WHEN r = 15 THEN -100
       WHEN r = 16 THEN -(100 + floor(random() * 900)::bigint)
       WHEN r = 17 THEN -(10 + floor(random() * 90)::bigint)
       WHEN r = 18 THEN 50
       ELSE -25 END,
  CASE WHEN r < 15 THEN 'earn' WHEN r = 15 THEN 'redeem' WHEN r = 16 THEN 'transfer'
       WHEN r = 17 THEN 'expire' ELSE 'adjust' END,
  'bench', g::text, NULL, 'bench:' || g, NULL, t
FROM (SELECT g, g %% 20 AS r, %(now)s - random() * %(days)s::int * interval '1 day' AS t
      FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS g) AS s
"""


def _chunks(total: int) -> list[tuple[int, int]]:
    return [(first, min(first + CHUNK - 1, total)) for first in range(1, total + 1, CHUNK)]


def generate(pg_url: str, shop_id: int, scale: Scale, now: datetime, log: Any) -> dict[str, Any]:
    """Fill the (empty) tables for `shop_id`; returns seconds per table and row counts."""
    timings: dict[str, Any] = {}
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("SET synchronous_commit = off")
        params: dict[str, Any] = {"shop": shop_id, "now": now, "days": scale.days, "members": scale.members}
        for name, sql, total in (("members", MEMBERS, scale.members), ("orders", ORDERS, scale.orders)):
            started = time.monotonic()
            if name == "orders":
                params["m0"] = conn.execute("SELECT min(id) FROM members").fetchone()[0]  # type: ignore[index]
                conn.execute(COUPONS, {**params, "coupons": scale.coupons})
            for first, last in _chunks(total):
                conn.execute(sql, {**params, "coupons": scale.coupons, "first": first, "last": last})
            timings[name] = round(time.monotonic() - started, 1)
            log(f"dashboard: {total:,} {name} in {timings[name]} s")
        started = time.monotonic()
        for first, last in _chunks(scale.entries):
            conn.execute(ENTRIES, {**params, "first": first, "last": last})
            log(f"dashboard: ledger entries {last:,} / {scale.entries:,} ({time.monotonic() - started:.0f} s)")
        timings["ledger_entries"] = round(time.monotonic() - started, 1)
        started = time.monotonic()
        conn.execute("VACUUM ANALYZE")
        timings["vacuum_analyze"] = round(time.monotonic() - started, 1)
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]  # noqa: S608
            for table in ("members", "orders", "coupons", "ledger_entries")
        }
        size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]  # type: ignore[index]
    return {"seconds": timings, "rows": counts, "database_size": size}
