"""The analytics dashboard fed by real webhook deliveries: orders of a member (one with an unboxing
coupon, one with a reward coupon), a guest order and a refunded order, a redemption through the
widget API; then the scheduled aggregation jobs run, and the page and its CSV show the numbers a
merchant would work out by hand from those orders."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from integrator import analytics_jobs, periodic
from integrator.admin import login_links
from integrator.loyalty.models import AnalyticsDay, Coupon
from tests.conftest import drain
from tests.deliveries import fake30, fixture, money_set, with_changes
from tests.integration.test_rewards_and_redemptions import CREATED, VOUCHER, redeem, signed

pytestmark = pytest.mark.usefixtures("ledger_checked")

UNBOXING = {"enabled": True, "discount_percent": "10", "expires_days": 30}


@dataclass(frozen=True)
class Days:
    """The dataset's days: two days ago, yesterday and today (UTC), read when the test starts, so that
    a frozen clock (`on_several_dates`) moves them too."""

    day1: date
    day2: date
    today: date

    @property
    def range(self) -> dict[str, str]:
        return {"from": self.day1.isoformat(), "to": self.today.isoformat()}


@pytest.fixture()
def days() -> Days:
    today = datetime.now(UTC).date()
    return Days(today - timedelta(days=2), today - timedelta(days=1), today)


def at(day: Any, hour: int) -> str:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC).isoformat()


def sign_in(app: Any, client: Any, shop_id: int) -> None:
    token = login_links.issue(app.extensions["setia_config"].secret_key, shop_id)
    assert client.get(f"/admin/login/{token}").status_code == 303


def text_of(html: str, attribute: str) -> str:
    """The visible text of the element carrying `attribute` (e.g. data-kpi="members"), whitespace folded."""
    match = re.search(rf"<(\w+)[^>]*{re.escape(attribute)}[^>]*>(.*?)</\1>", html, re.S)
    assert match, f"no element with {attribute}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(2)).split())


@pytest.fixture()
def program(app, client, shops, deliver, shopify, days):
    """USD shop, 1 point per 1.00, 2 % cashback, unboxing coupons; the deliveries described above."""
    shop = shops.make(settings={"points_per_unit": "1", "cashback_percent": "2", "unboxing": UNBOXING})
    shopify.answer("SetiaDiscountCreate", CREATED, always=True)
    first = with_changes(fake30(), processed_at=at(days.day1, 10), updated_at=at(days.day1, 10))
    deliver("orders/paid", first)  # Jane: 181.09, 181 points, 3.62 cashback
    guest = with_changes(fixture("orders_paid__paid_guest_no_customer"), processed_at=at(days.day1, 11))
    deliver("orders/paid", guest)  # a guest: 199.00, earns nothing
    deliver("orders/paid", fixture("orders_paid__refunded_discount_TENOFF"))  # refunded: a member, no sale
    unboxing_code = coupon_code(app, "unboxing", "1073459981")
    second = with_changes(
        fake30(),
        id=1073460001,
        name="#1002",
        current_subtotal_price_set=money_set("50.00"),
        discount_codes=[{"code": unboxing_code, "amount": "5.00", "type": "percentage"}],
        processed_at=at(days.day2, 9),
        updated_at=at(days.day2, 9),
    )
    deliver("orders/paid", second)  # 50.00 with the unboxing code: 50 points, 1.00 cashback
    api_headers = {"Authorization": f"Bearer {shop['api_key']}"}
    reward_id = client.post("/api/v1/rewards", headers=api_headers, json=VOUCHER).json["id"]
    assert redeem(client, app, shop, reward_id).status_code == 201  # 100 points for 5.00 off
    drain()
    reward_code = coupon_code(app, "reward", None)
    third = with_changes(
        fake30(),
        id=1073460002,
        name="#1003",
        current_subtotal_price_set=money_set("20.00"),
        discount_codes=[{"code": reward_code.lower(), "amount": "5.00", "type": "fixed_amount"}],
        processed_at=at(days.day2, 15),
        updated_at=at(days.day2, 15),
    )
    deliver("orders/paid", third)  # 20.00 with the reward code (lowercased): 20 points, 0.40 cashback
    assert periodic.SCHEDULE.count((analytics_jobs.refresh_recent, 300)) == 1
    analytics_jobs.refresh_recent()  # the scheduled jobs, as rq cron runs them
    analytics_jobs.refresh_snapshots()
    drain()
    sign_in(app, client, shop["id"])
    return shop


def coupon_code(app: Any, kind: str, order_id: str | None) -> str:
    from sqlalchemy import select

    with app.extensions["setia_db"].session() as session:
        query = select(Coupon.code).where(Coupon.kind == kind)
        if order_id:
            query = query.where(Coupon.source_id == order_id)
        return session.execute(query.order_by(Coupon.id)).scalars().first()


def test_the_dashboard_shows_the_programs_numbers(client, program, days):
    response = client.get("/admin/analytics", query_string=days.range)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert text_of(html, 'data-kpi="members"') == "Members 2 +2 in this period"
    assert text_of(html, 'data-kpi="enrollment-rate"').startswith("Enrollment rate 75.0 %")  # 3 of 4 paid orders
    assert text_of(html, 'data-kpi="active-members"').startswith("Active members 1")
    assert text_of(html, 'data-kpi="redemption-rate"').startswith("Redemption rate 39.8 %")  # 100 of 251
    assert (
        text_of(html, 'data-kpi="program-revenue"') == "Revenue from Setia coupons $70.00 15.6 % of revenue"
    )  # 70.00 of 450.09
    assert text_of(html, 'data-row="points-issued"') == "Points issued 251"
    assert text_of(html, 'data-row="points-redeemed"') == "Points redeemed 100"
    assert text_of(html, 'data-row="redemptions"') == "Rewards redeemed 1"
    assert text_of(html, 'data-row="cashback-issued"') == "Cashback issued $5.02"  # 3.62 + 1.00 + 0.40
    assert text_of(html, 'data-row="points-outstanding"') == "Points 151"
    assert text_of(html, 'data-row="points-value"') == "Value of these points $7.55"  # 151 × 5.00 / 100
    assert text_of(html, 'data-row="cashback-outstanding"') == "Cashback $5.02"
    assert text_of(html, 'data-row="orders"') == "Paid orders 3 1"
    assert text_of(html, 'data-row="revenue"') == "Revenue $251.09 $199.00"
    assert text_of(html, 'data-row="aov"') == "Average order value $83.70 $199.00"
    assert text_of(html, 'data-row="repeat-rate"') == "Repeat-purchase rate 100.0 % —"
    assert text_of(html, 'data-row="reward-orders"') == "With a reward coupon 1 $20.00"
    assert text_of(html, 'data-row="unboxing-orders"') == "With an unboxing coupon 1 $50.00"
    assert text_of(html, 'data-member="').startswith("John Smith 3 $251.09")
    charts = re.findall(r'<figure class="chart" data-chart="(\w+)"><img src="/admin/analytics/charts/\1\.svg\?', html)
    assert charts == ["revenue", "points", "members"]  # drawn at their own signed URLs (test_analytics_charts)


def test_the_csv_has_one_row_per_day_with_the_same_numbers(client, program, days):
    response = client.get("/admin/analytics.csv", query_string=days.range)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = {row["day"]: row for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}
    assert list(rows) == [days.day1.isoformat(), days.day2.isoformat(), days.today.isoformat()]
    day1, day2, today = rows[days.day1.isoformat()], rows[days.day2.isoformat()], rows[days.today.isoformat()]
    assert (day1["member_orders"], day1["member_revenue"], day1["guest_orders"], day1["guest_revenue"]) == (
        "1",
        "181.09",
        "1",
        "199.00",
    )
    assert (day2["member_orders"], day2["member_revenue"], day2["members_buying"]) == ("2", "70.00", "1")
    assert (day2["reward_orders"], day2["reward_revenue"], day2["unboxing_revenue"]) == ("1", "20.00", "50.00")
    # members and ledger entries were created today, when the deliveries arrived
    assert (today["members_enrolled"], today["points_issued"], today["points_redeemed"]) == ("2", "251", "100")
    assert (today["cashback_issued"], today["redemptions"], today["member_orders"]) == ("5.02", "1", "0")


def test_running_the_jobs_again_changes_nothing(app, client, program):
    def days() -> list[tuple[Any, ...]]:
        from sqlalchemy import select

        with app.extensions["setia_db"].session() as session:
            rows = session.execute(select(AnalyticsDay).order_by(AnalyticsDay.day)).scalars()
            return [(row.day, row.member_revenue, row.points_issued, row.members_enrolled) for row in rows]

    before = days()
    analytics_jobs.refresh_shop_days(program["id"])
    analytics_jobs.refresh_shop_snapshot(program["id"])
    assert days() == before and len(before) >= 3


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2026-06-02", "to": "2026-06-01"}, "from"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "to"),
    ],
)
def test_a_bad_range_is_answered_next_to_the_filter(client, program, query, field):
    response = client.get("/admin/analytics", query_string=query)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'data-error-for="{field}"' in html and "Showing the last 30 days instead." in html
    assert client.get("/admin/analytics.csv", query_string=query).status_code == 400


def test_without_a_session_the_dashboard_and_csv_redirect_to_the_login_notice(app, shop):
    anonymous = app.test_client()
    for path in ("/admin/analytics", "/admin/analytics.csv"):
        response = anonymous.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/admin/login")


def test_the_dashboard_speaks_indonesian_for_an_indonesian_shop(app, client, program, days):
    from integrator.loyalty.models import Shop

    with app.extensions["setia_db"].session() as session:
        session.get(Shop, program["id"]).language = "id"
    html = client.get("/admin/analytics", query_string={"from": days.day1.isoformat()}).get_data(as_text=True)
    assert "Analitik" in html and "Pelanggan teratas" in html
    assert text_of(html, 'data-kpi="redemption-rate"').startswith("Tingkat penukaran 39,8 %")


def test_before_the_first_aggregation_the_dashboard_shows_zeros(app, client, shop):
    sign_in(app, client, shop["id"])
    response = client.get("/admin/analytics")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert text_of(html, 'data-kpi="members"') == "Members 0 +0 in this period"
    assert text_of(html, 'data-row="aov"') == "Average order value — —"
    assert "No member has a paid order yet." in html


def test_inside_the_shopify_admin_the_session_token_signs_the_dashboard_and_its_csv(client, program, days):
    from tests.integration.test_shopify_install import session_token

    anonymous = client.application.test_client()
    query = {"from": days.day1.isoformat(), "id_token": session_token(shop=program["domain"])}
    page = anonymous.get("/admin/analytics", query_string=query)
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    assert f"frame-ancestors https://{program['domain']}" in page.headers["Content-Security-Policy"]
    assert text_of(page.get_data(as_text=True), 'data-row="orders"') == "Paid orders 3 1"
    download = anonymous.get("/admin/analytics.csv", query_string=query)
    assert download.status_code == 200 and download.mimetype == "text/csv"


def test_rfm_scores_members_by_quintile_of_recency_frequency_and_spend(app, client, shop, deliver):
    # (customer, paid orders of 10.00, days ago of the last one): every member differs in both
    members = [("A", 5, 30), ("B", 4, 40), ("C", 3, 50), ("D", 2, 1), ("E", 1, 60)]
    number = 0
    for name, orders, last in members:
        for extra in range(orders):
            number += 1
            customer = {**fake30()["customer"], "id": 5000 + ord(name), "first_name": name, "last_name": "Shopper"}
            when = datetime.now(UTC) - timedelta(days=last + extra * 3)
            order = with_changes(
                fake30(),
                id=8_000_000 + number,
                customer=customer,
                current_subtotal_price_set=money_set("10.00"),
                processed_at=when.isoformat(),
                updated_at=when.isoformat(),
            )
            deliver("orders/paid", order)
    analytics_jobs.refresh_snapshots()
    drain()
    sign_in(app, client, shop["id"])
    html = client.get("/admin/analytics").get_data(as_text=True)
    # R: E 1, C 2, B 3, A 4, D 5; F: E 1, D 2, C 3, B 4, A 5 (members, share, average spend)
    assert text_of(html, 'data-segment="champions"').endswith("1 20.0 % $50.00")  # A
    assert text_of(html, 'data-segment="loyal"').endswith("1 20.0 % $40.00")  # B
    assert text_of(html, 'data-segment="at_risk"').endswith("1 20.0 % $30.00")  # C
    assert text_of(html, 'data-segment="new"').endswith("1 20.0 % $20.00")  # D
    assert text_of(html, 'data-segment="lost"').endswith("1 20.0 % $10.00")  # E
    assert text_of(html, 'data-segment="needs_attention"').endswith("0 0.0 % —")
    assert text_of(html, 'data-row="repeat-rate"').startswith("Repeat-purchase rate 80.0 %")  # 4 of 5
    assert text_of(html, 'data-kpi="active-members"').startswith("Active members 5")
    top = re.findall(r'<tr data-member="\d+"><td><a [^>]*>(\w) Shopper</a>', html)
    assert top == ["A", "B", "C", "D", "E"]


def test_analytics_rebuild_recomputes_every_day_of_the_history(app, client, program, days):
    from sqlalchemy import update

    with app.extensions["setia_db"].session() as session:
        session.execute(update(AnalyticsDay).values(member_revenue=0, guest_orders=0))  # e.g. an old refund missed
    result = app.test_cli_runner().invoke(args=["analytics", "rebuild", "--shop", str(program["id"])])
    assert result.exit_code == 0 and f"shop {program['id']}: 3 days aggregated" in result.output
    html = client.get("/admin/analytics", query_string={"from": days.day1.isoformat()}).get_data(as_text=True)
    assert text_of(html, 'data-row="revenue"') == "Revenue $251.09 $199.00"
    assert text_of(html, 'data-row="orders"') == "Paid orders 3 1"


def test_an_order_with_a_code_bought_with_cashback_counts_as_a_reward_order(app, client, shop, deliver, shopify, days):
    shopify.answer("SetiaDiscountCreate", CREATED, always=True)
    deliver("orders/paid", with_changes(fake30(), processed_at=at(days.day1, 10)))  # 3.62 of cashback
    spent = client.post(
        f"/widget/v1/{shop['public_id']}/cashback-redemptions", query_string=signed(app, shop), json={"amount": "3.00"}
    )
    assert spent.status_code == 201
    drain()
    used = with_changes(
        fake30(),
        id=1073460009,
        current_subtotal_price_set=money_set("30.00"),
        discount_codes=[{"code": spent.json["code"], "amount": "3.00", "type": "fixed_amount"}],
        processed_at=at(days.day2, 10),
        updated_at=at(days.day2, 10),
    )
    deliver("orders/paid", used)
    analytics_jobs.refresh_recent()
    drain()
    sign_in(app, client, shop["id"])
    html = client.get("/admin/analytics", query_string={"from": days.day1.isoformat()}).get_data(as_text=True)
    assert text_of(html, 'data-row="reward-orders"') == "With a reward coupon 1 $30.00"
    assert text_of(html, 'data-row="cashback-spent"') == "Cashback spent $3.00"
    assert text_of(html, 'data-row="redemptions"') == "Rewards redeemed 1"
