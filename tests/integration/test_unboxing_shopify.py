"""The unboxing code on the Shopify order (docs/unboxing.md): order metafields in the `setia`
namespace (the code and the card's scan link) written with metafieldsSet once the code exists; with
`unboxing.order_note`, a note attribute and a line added after the merchant's own note; metafield
definitions at registration; a shop that has not granted write_orders keeps its code and cards."""

from __future__ import annotations

import pytest

from tests.deliveries import fake30, with_changes
from tests.fake_shopify import fake_shopify
from tests.unboxing_orders import UNBOXING, cards_of, deliver_paid_orders

ORDER_GID = "gid://shopify/Order/5001"


@pytest.fixture()
def unboxing_shop(shops):
    return shops.make(settings={"points_per_unit": "1", "unboxing": UNBOXING})


def test_the_code_and_scan_link_are_written_to_order_metafields(app, deliver, shopify, unboxing_shop):
    deliver_paid_orders(deliver, shopify, 1)
    [(order_id, code, token)] = cards_of(app)
    app_url = app.extensions["setia_config"].app_url
    [call] = shopify.calls_of("SetiaOrderMetafields")
    assert "metafieldsSet(metafields: $metafields)" in call.query and call.token == "shpat_test"
    assert call.variables == {
        "metafields": [
            {
                "ownerId": ORDER_GID,
                "namespace": "setia",
                "key": "unboxing_code",
                "type": "single_line_text_field",
                "value": code,
            },
            {
                "ownerId": ORDER_GID,
                "namespace": "setia",
                "key": "unboxing_url",
                "type": "url",
                "value": f"{app_url}/u/{token}",
            },
        ]
    }
    stored = shopify.store.orders[ORDER_GID]
    assert stored.metafields[("setia", "unboxing_code")]["value"] == code
    assert shopify.calls_of("SetiaOrderUpdate") == [] and stored.note is None  # the note only when asked
    # the same order again (paid delivered twice, updated): no second coupon, no second write
    deliver("orders/updated", with_changes(fake30(), id=5001, updated_at="2025-04-02T13:00:00-05:00"))
    assert len(shopify.calls_of("SetiaOrderMetafields")) == 1


def test_with_the_opt_in_the_code_is_added_after_the_merchants_note(app, deliver, shopify, shops):
    shops.make(settings={"points_per_unit": "1", "unboxing": {**UNBOXING, "order_note": True}})
    shopify.store.order(ORDER_GID, note="Please gift wrap", attributes=[{"key": "gift", "value": "yes"}])
    deliver_paid_orders(deliver, shopify, 1)
    [(_, code, _)] = cards_of(app)
    [update] = shopify.calls_of("SetiaOrderUpdate")
    assert update.variables == {
        "input": {
            "id": ORDER_GID,
            "customAttributes": [{"key": "gift", "value": "yes"}, {"key": "Setia unboxing code", "value": code}],
            "note": f"Please gift wrap\nUnboxing code / Kode unboxing: {code}",
        }
    }
    assert shopify.store.orders[ORDER_GID].note == f"Please gift wrap\nUnboxing code / Kode unboxing: {code}"


def test_a_shop_without_write_orders_keeps_its_code_and_card(app, client, deliver, shopify, unboxing_shop):
    shopify.revoke("write_orders")
    deliver_paid_orders(deliver, shopify, 1)
    [refused] = shopify.refused
    assert refused.operation == "SetiaOrderMetafields" and refused.codes == {"ACCESS_DENIED"}
    [(_, code, token)] = cards_of(app)
    response = client.get(f"/u/{token}", headers={"User-Agent": "Mozilla/5.0 (iPhone)"})
    assert response.status_code == 302 and code in response.headers["Location"]
    headers = {"Authorization": f"Bearer {unboxing_shop['api_key']}"}
    [member] = client.get("/api/v1/members", headers=headers).json["items"]
    [coupon] = client.get(f"/api/v1/members/{member['id']}/coupons", headers=headers).json["items"]
    assert coupon["status"] == "active"


def test_the_home_page_asks_a_shop_without_write_orders_for_it(app, client, unboxing_shop):
    from sqlalchemy import update

    from integrator.loyalty.models import Shop
    from tests.integration.test_admin_frame import sign_in

    sign_in(app, client, unboxing_shop["id"])
    with app.extensions["setia_db"].session() as session:
        session.execute(update(Shop).values(scopes="read_orders,read_customers,write_discounts"))
    assert 'id="grant-write-orders"' in client.get("/admin/").get_data(as_text=True)
    with app.extensions["setia_db"].session() as session:
        session.execute(update(Shop).values(scopes="read_orders,write_orders,read_customers,write_discounts"))
    assert 'id="grant-write-orders"' not in client.get("/admin/").get_data(as_text=True)


def test_add_shopify_creates_the_order_metafield_definitions(app):
    from tests.integration.test_cli import CLI_DOMAIN, CliShop, add_shopify

    with fake_shopify(CLI_DOMAIN) as fake:
        CliShop(fake)
        assert add_shopify(app, "--api-secret", "s").exit_code == 0
        definitions = fake.calls_of("SetiaMetafieldDefinition")
        assert [call.variables["definition"]["key"] for call in definitions] == ["unboxing_code", "unboxing_url"]
        assert {call.variables["definition"]["ownerType"] for call in definitions} == {"ORDER"}
        assert fake.store.definitions == {("ORDER", "setia", "unboxing_code"), ("ORDER", "setia", "unboxing_url")}
        again = add_shopify(app, "--api-secret", "s")  # again: TAKEN, and still connected
        assert again.exit_code == 0 and "warning" not in again.output
        assert len(fake.calls_of("SetiaMetafieldDefinition")) == 4
