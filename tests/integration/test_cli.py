"""The CLI (CONTRACT.md, "CLI") through Flask's test runner, with Shopify's Admin GraphQL API
faked by `responses`: connecting a shop, API keys, verifying the ledger, failed deliveries."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from integrator.loyalty.models import Shop
from tests.conftest import Api, drain
from tests.deliveries import SHOP_DOMAIN, fake30, fixture, with_changes
from tests.fake_shopify import Call, FakeShopify, fake_shopify

CLI_DOMAIN = "cli-shop.myshopify.com"
CALLBACK = "https://setia.test/webhooks/shopify"  # APP_URL in the test environment + /webhooks/shopify
TOKEN = "shpat_cli_token"
CUSTOM_SECRET = "custom-app-secret"
ALL_TOPICS = {
    "ORDERS_CREATE",
    "ORDERS_PAID",
    "ORDERS_UPDATED",
    "ORDERS_CANCELLED",
    "ORDERS_FULFILLED",
    "REFUNDS_CREATE",
    "CUSTOMERS_CREATE",
    "CUSTOMERS_ENABLE",
    "CUSTOMERS_UPDATE",
    "APP_UNINSTALLED",
}


class CliShop:
    """One shop behind the strict fake Shopify (tests/fake_shopify.py): answers the shop and locales
    queries, lists its webhook subscriptions and creates new ones."""

    def __init__(self, fake: FakeShopify, currency: str = "USD") -> None:
        self.fake = fake
        self.currency = currency
        self.subscriptions: list[dict[str, Any]] = []
        shop = {"name": "CLI Shop", "email": "owner@example.com", "ianaTimezone": "Asia/Jakarta"}
        fake.answer("SetiaShop", lambda _v: {"shop": {**shop, "currencyCode": self.currency}}, always=True)
        fake.answer("SetiaShopLocales", {"shopLocales": [{"locale": "en", "primary": True}]}, always=True)
        fake.answer("SetiaWebhooks", lambda _v: self._listing(), always=True)
        fake.answer("SetiaWebhookCreate", self._create, always=True)

    def _listing(self) -> dict[str, Any]:
        page_info = {"hasNextPage": False, "endCursor": None}
        return {"webhookSubscriptions": {"nodes": list(self.subscriptions), "pageInfo": page_info}}

    def _create(self, variables: dict[str, Any]) -> dict[str, Any]:
        node = {
            "id": f"gid://shopify/WebhookSubscription/{len(self.subscriptions) + 1}",
            "topic": variables["topic"],
            "uri": variables["webhookSubscription"]["uri"],
        }
        self.subscriptions.append(node)
        return {"webhookSubscriptionCreate": {"webhookSubscription": node, "userErrors": []}}

    @property
    def status(self) -> int:
        return self.fake.failing or 200

    @status.setter
    def status(self, value: int) -> None:
        self.fake.failing = None if value == 200 else value

    @property
    def requests(self) -> list[Call]:
        return self.fake.calls

    def creations(self) -> list[dict[str, Any]]:
        return [call.variables for call in self.fake.calls_of("SetiaWebhookCreate")]


@pytest.fixture()
def fake() -> Iterator[FakeShopify]:
    """Every outgoing HTTP call is answered by the strict fake Shopify of CLI_DOMAIN, or fails the test."""
    with fake_shopify(CLI_DOMAIN) as shopify:
        yield shopify


@pytest.fixture()
def shopify(fake: FakeShopify) -> CliShop:
    return CliShop(fake)


def run(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=list(args))


def add_shopify(app: Flask, *extra: str, domain: str = CLI_DOMAIN) -> Any:
    return run(app, "shops", "add-shopify", "--domain", domain, "--access-token", TOKEN, *extra)


def shop_count(app: Flask) -> int:
    with app.extensions["setia_db"].engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM shops")).scalar_one())


# --- shops add-shopify ---------------------------------------------------------------------------


def test_add_shopify_prints_the_new_shops_identity(app: Flask, shopify: CliShop) -> None:
    result = add_shopify(app, "--api-secret", CUSTOM_SECRET)

    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert set(printed) == {"shop_id", "public_id", "api_key", "widget_secret"}
    assert isinstance(printed["shop_id"], int)
    for field in ("public_id", "api_key", "widget_secret"):
        assert isinstance(printed[field], str)
        assert printed[field]
    assert shop_count(app) == 1
    with app.extensions["setia_db"].session() as session:  # Shopify's ianaTimezone: the shop's days
        assert session.get(Shop, printed["shop_id"]).timezone == "Asia/Jakarta"


def test_add_shopify_keeps_the_shops_time_zone(app: Flask, shopify: CliShop) -> None:
    result = add_shopify(app, "--api-secret", CUSTOM_SECRET)
    assert result.exit_code == 0, result.output
    with app.extensions["setia_db"].session() as session:
        stored = session.get(Shop, json.loads(result.stdout)["shop_id"])
        assert stored is not None and stored.timezone == "Asia/Jakarta"  # campaigns and calendar years


def test_add_shopify_sends_the_access_token_on_every_call(app: Flask, shopify: CliShop) -> None:
    assert add_shopify(app).exit_code == 0

    assert shopify.requests
    for call in shopify.requests:
        assert call.token == TOKEN
        assert call.content_type == "application/json"
    assert [call.operation for call in shopify.requests][:3] == ["SetiaShop", "SetiaShopLocales", "SetiaWebhooks"]


def test_add_shopify_subscribes_every_topic_to_the_webhook_url(app: Flask, shopify: CliShop) -> None:
    assert add_shopify(app).exit_code == 0

    creations = shopify.creations()
    assert {c["topic"] for c in creations} == ALL_TOPICS
    assert len(creations) == len(ALL_TOPICS)
    for variables in creations:
        assert variables["webhookSubscription"] == {"uri": CALLBACK, "format": "JSON"}


def test_add_shopify_does_not_create_existing_subscriptions_again(app: Flask, shopify: CliShop) -> None:
    shopify.subscriptions = [
        {"id": "gid://shopify/WebhookSubscription/901", "topic": "ORDERS_PAID", "uri": CALLBACK},
        {"id": "gid://shopify/WebhookSubscription/902", "topic": "APP_UNINSTALLED", "uri": CALLBACK},
        # the same topic to somewhere else is not ours: ours is still created
        {"id": "gid://shopify/WebhookSubscription/903", "topic": "ORDERS_UPDATED", "uri": "https://old.example/hook"},
    ]

    assert add_shopify(app).exit_code == 0

    created = [c["topic"] for c in shopify.creations()]
    assert sorted(created) == sorted(ALL_TOPICS - {"ORDERS_PAID", "APP_UNINSTALLED"})


def test_printed_api_key_reads_the_shops_members(app: Flask, client: Any, shopify: CliShop) -> None:
    printed = json.loads(add_shopify(app).stdout)

    api = Api(client, printed["api_key"])
    response = api.get("/members")
    assert response.status_code == 200
    assert response.json == {"items": [], "total": 0}


def test_shop_currency_comes_from_shopify(app: Flask, client: Any, fake: FakeShopify) -> None:
    CliShop(fake, currency="IDR")
    printed = json.loads(add_shopify(app).stdout)

    settings = Api(client, printed["api_key"]).get("/settings").json
    assert settings["points_per_unit"] == "0.001"  # the IDR default: 1 point per Rp 1.000


def test_a_custom_app_without_read_locales_still_connects_in_the_shops_currency(
    app: Flask, client: Any, fake: FakeShopify
) -> None:
    CliShop(fake, currency="IDR")
    fake.grant("read_orders,read_customers,write_discounts,write_store_credit_account_transactions")

    result = add_shopify(app)

    assert result.exit_code == 0, result.output
    settings = Api(client, json.loads(result.stdout)["api_key"]).get("/settings").json
    assert settings["points_per_unit"] == "0.001"  # IDR, not the USD fallback
    assert [refusal.operation for refusal in fake.refused] == ["SetiaShopLocales"]


def test_running_add_shopify_twice_keeps_one_shop(app: Flask, client: Any, shopify: CliShop) -> None:
    first = json.loads(add_shopify(app).stdout)
    created_first = len(shopify.creations())

    second_run = add_shopify(app)
    assert second_run.exit_code == 0, second_run.output
    second = json.loads(second_run.stdout)

    assert shop_count(app) == 1
    assert second["shop_id"] == first["shop_id"]
    assert second["public_id"] == first["public_id"]
    assert second["widget_secret"] == first["widget_secret"]
    assert len(shopify.creations()) == created_first  # nothing subscribed twice
    for key in (first["api_key"], second["api_key"]):
        assert Api(client, key).get("/members").status_code == 200


def test_refused_access_token_stores_nothing(app: Flask, shopify: CliShop) -> None:
    shopify.status = 401

    result = add_shopify(app)

    assert result.exit_code != 0
    assert "refused" in result.stderr
    assert CLI_DOMAIN in result.stderr
    assert result.stdout == ""
    assert shop_count(app) == 0
    assert shopify.creations() == []


@pytest.mark.parametrize(
    "domain",
    ["evil.com/x.myshopify.com", "evil.com", "x.myshopify.com.evil.com", "-x.myshopify.com", "x.myshopify.com/admin"],
)
def test_invalid_domain_is_refused_before_any_call(app: Flask, fake: FakeShopify, domain: str) -> None:
    result = add_shopify(app, domain=domain)

    assert result.exit_code != 0
    assert "myshopify.com" in result.stderr
    assert fake.calls == []
    assert shop_count(app) == 0


def test_domain_is_normalised(app: Flask, shopify: CliShop) -> None:
    result = add_shopify(app, domain=f"https://{CLI_DOMAIN.upper()}/")

    assert result.exit_code == 0, result.output
    assert shopify.requests  # sent to https://cli-shop.myshopify.com/...
    assert run(app, "shops", "api-key", CLI_DOMAIN).exit_code == 0


def test_webhook_registration_refused_still_connects_with_a_warning(app: Flask, fake: FakeShopify) -> None:
    refused = {
        "webhookSubscriptionCreate": {
            "webhookSubscription": None,
            "userErrors": [{"field": ["webhookSubscription", "uri"], "message": "Address is invalid"}],
        }
    }
    fake.answer(
        "SetiaShop",
        {
            "shop": {
                "name": "CLI Shop",
                "email": "owner@example.com",
                "currencyCode": "USD",
                "ianaTimezone": "America/New_York",
            }
        },
    )
    fake.answer("SetiaShopLocales", {"shopLocales": []})
    fake.answer("SetiaWebhooks", {"webhookSubscriptions": {"nodes": [], "pageInfo": {"hasNextPage": False}}})
    fake.answer("SetiaWebhookCreate", refused)

    result = add_shopify(app)

    assert result.exit_code == 0, result.output
    assert "Address is invalid" in result.stderr
    assert "add-shopify again" in result.stderr
    assert set(json.loads(result.stdout)) == {"shop_id", "public_id", "api_key", "widget_secret"}


def test_shopify_down_still_connects_and_a_second_run_registers_the_webhooks(
    app: Flask, client: Any, shopify: CliShop
) -> None:
    shopify.status = 503

    first = add_shopify(app)

    assert first.exit_code == 0, first.output
    assert "warning" in first.stderr
    assert "add-shopify again" in first.stderr
    printed = json.loads(first.stdout)
    assert Api(client, printed["api_key"]).get("/members").status_code == 200
    assert shopify.creations() == []

    shopify.status = 200
    second = add_shopify(app)

    assert second.exit_code == 0, second.output
    assert json.loads(second.stdout)["shop_id"] == printed["shop_id"]
    assert {c["topic"] for c in shopify.creations()} == ALL_TOPICS
    assert shop_count(app) == 1


# --- the shop's own webhook secret ---------------------------------------------------------------


def test_webhook_signed_with_the_shops_own_secret_is_accepted(
    app: Flask, client: Any, deliver: Any, shopify: CliShop
) -> None:
    printed = json.loads(add_shopify(app, "--api-secret", CUSTOM_SECRET).stdout)

    response = deliver("orders/paid", fake30(), domain=CLI_DOMAIN, secret=CUSTOM_SECRET)

    assert response.status_code == 200
    member = Api(client, printed["api_key"]).member("1073339475")
    assert member is not None
    assert member["points_available"] == 181


@pytest.mark.parametrize("secret", ["test-app-secret", "some-other-secret"], ids=["app-secret", "other"])
def test_webhook_signed_with_another_secret_is_refused(
    app: Flask, client: Any, deliver: Any, shopify: CliShop, secret: str
) -> None:
    printed = json.loads(add_shopify(app, "--api-secret", CUSTOM_SECRET).stdout)

    response = deliver("orders/paid", fake30(), domain=CLI_DOMAIN, secret=secret)

    assert response.status_code == 401
    assert Api(client, printed["api_key"]).get("/members").json == {"items": [], "total": 0}
    with app.extensions["setia_db"].engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM webhook_events")).scalar_one() == 0


def test_reconnecting_with_a_new_secret_uses_it_at_once(
    app: Flask, client: Any, deliver: Any, shopify: CliShop
) -> None:
    add_shopify(app, "--api-secret", "first-secret")
    assert deliver("orders/paid", fake30(), domain=CLI_DOMAIN, secret="first-secret").status_code == 200

    add_shopify(app, "--api-secret", "second-secret")

    assert deliver("orders/paid", fake30(), domain=CLI_DOMAIN, secret="first-secret").status_code == 401
    assert deliver("orders/paid", fake30(), domain=CLI_DOMAIN, secret="second-secret").status_code == 200


# --- shops api-key -------------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["id", "domain", "url"])
def test_api_key_issues_a_working_key(app: Flask, client: Any, shop: dict[str, Any], by: str) -> None:
    ref = {"id": str(shop["id"]), "domain": shop["domain"], "url": f"https://{shop['domain']}/"}[by]

    result = run(app, "shops", "api-key", ref)

    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["shop_id"] == shop["id"]
    assert printed["api_key"] != shop["api_key"]
    assert Api(client, printed["api_key"]).get("/members").status_code == 200
    assert Api(client, shop["api_key"]).get("/members").status_code == 200


@pytest.mark.parametrize("ref", ["999999", "nowhere.myshopify.com"])
def test_api_key_for_an_unknown_shop_fails(app: Flask, shop: dict[str, Any], ref: str) -> None:
    result = run(app, "shops", "api-key", ref)

    assert result.exit_code != 0
    assert ref in result.stderr
    assert result.stdout == ""


def test_api_key_of_one_shop_does_not_open_another(app: Flask, client: Any, shops: Any, deliver: Any) -> None:
    first = shops.make()
    second = shops.make(domain="second-shop.myshopify.com")
    deliver("orders/paid", fake30())

    printed = json.loads(run(app, "shops", "api-key", str(second["id"])).stdout)

    assert Api(client, printed["api_key"]).get("/members").json == {"items": [], "total": 0}
    assert len(Api(client, first["api_key"]).get("/members").json["items"]) == 1


# --- ledger verify -------------------------------------------------------------------------------


def adjust(api: Any, member: dict[str, Any], points: int, key: str) -> None:
    body = {"points": points, "reason": "by hand", "idempotency_key": key}
    assert api.post(f"/members/{member['id']}/adjustments", body).status_code == 201


def deliver_a_busy_history(deliver: Any, api: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Earnings, a partial refund, adjustments up and down, and a cancellation taking back more
    than the member still has (the rest is owed)."""
    deliver("orders/paid", fake30())
    jane = api.member("1073339475")
    adjust(api, jane, 40, "bonus")
    adjust(api, jane, -100, "correction")

    refunded = fixture("orders_paid__partially_refunded_discount_TENOFF")
    second = with_changes(refunded, id=450789470, name="#1002")
    deliver("orders/paid", refunded)
    deliver("orders/paid", second)
    bob = api.member("207119551")
    adjust(api, bob, -300, "spent")
    deliver(
        "orders/cancelled",
        with_changes(second, cancelled_at="2008-01-10T12:00:00-05:00", updated_at="2008-01-10T12:00:00-05:00"),
    )
    return api.member("1073339475"), api.member("207119551")


def test_ledger_verify_passes_after_real_deliveries(app: Flask, api: Any, deliver: Any) -> None:
    jane, bob = deliver_a_busy_history(deliver, api)
    assert jane["points_available"] == 121
    assert (bob["points_available"], bob["points_owed"]) == (0, 105)  # 390 earned, 300 spent, 195 taken back

    result = run(app, "ledger", "verify")

    assert result.exit_code == 0, result.output
    assert "ok" in result.stdout


def test_ledger_verify_reports_a_tampered_balance(app: Flask, api: Any, deliver: Any) -> None:
    jane, _ = deliver_a_busy_history(deliver, api)
    with app.extensions["setia_db"].engine.begin() as conn:
        conn.execute(
            text("UPDATE members SET cashback_available = cashback_available + 500 WHERE id = :id"),
            {"id": jane["id"]},
        )

    result = run(app, "ledger", "verify")

    assert result.exit_code != 0
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1
    assert f"member {jane['id']}" in lines[0]
    assert "cashback_available" in lines[0]
    assert "862" in lines[0]  # stored 3.62 + 5.00 in cents
    assert "362" in lines[0]  # what the entries say


# --- jobs failed / jobs retry --------------------------------------------------------------------


def test_delivery_that_is_not_json_is_listed_as_failed(app: Flask, api: Any, deliver: Any) -> None:
    deliver("orders/paid", fake30())
    assert deliver("orders/paid", b"this is not json {").status_code == 200  # stored: it was signed

    result = run(app, "jobs", "failed")

    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1
    fields = lines[0].split("\t")
    assert fields[1] == "failed"
    assert "orders/paid" in fields[2]
    assert fields[3] == SHOP_DOMAIN
    assert "JSON" in lines[0]
    assert "1 delivery(ies)" in result.stderr


def test_nothing_failed_lists_nothing(app: Flask, api: Any, deliver: Any) -> None:
    deliver("orders/paid", fake30())

    result = run(app, "jobs", "failed")

    assert result.exit_code == 0
    assert result.stdout.strip() == ""
    assert "0 delivery(ies)" in result.stderr


def failed_event_ids(app: Flask) -> list[int]:
    return [int(line.split("\t")[0]) for line in run(app, "jobs", "failed").stdout.splitlines() if line.strip()]


def test_retry_runs_a_failed_delivery_again(app: Flask, api: Any, deliver: Any) -> None:
    deliver("orders/paid", b"not json")
    [event_id] = failed_event_ids(app)
    # what a fix would do: the same delivery, now understood
    with app.extensions["setia_db"].engine.begin() as conn:
        conn.execute(
            text("UPDATE webhook_events SET body = :body WHERE id = :id"),
            {"body": json.dumps(fake30()).encode(), "id": event_id},
        )

    result = run(app, "jobs", "retry")
    drain()

    assert result.exit_code == 0, result.output
    assert "1 delivery(ies) queued again" in result.stdout
    assert failed_event_ids(app) == []
    assert api.member("1073339475")["points_available"] == 181


def test_retry_of_a_still_broken_delivery_leaves_it_failed(app: Flask, api: Any, deliver: Any) -> None:
    deliver("orders/paid", b"not json")
    [event_id] = failed_event_ids(app)

    result = run(app, "jobs", "retry", str(event_id))
    drain()

    assert result.exit_code == 0, result.output
    assert "1 delivery(ies) queued again" in result.stdout
    assert failed_event_ids(app) == [event_id]


def test_retry_only_touches_the_given_ids(app: Flask, api: Any, deliver: Any) -> None:
    deliver("orders/paid", b"not json 1")
    deliver("orders/paid", b"not json 2")
    first, second = failed_event_ids(app)
    with app.extensions["setia_db"].engine.begin() as conn:
        for event_id in (first, second):
            conn.execute(
                text("UPDATE webhook_events SET body = :body WHERE id = :id"),
                {"body": json.dumps(fake30()).encode(), "id": event_id},
            )

    result = run(app, "jobs", "retry", str(second))
    drain()

    assert "1 delivery(ies) queued again" in result.stdout
    assert failed_event_ids(app) == [first]
