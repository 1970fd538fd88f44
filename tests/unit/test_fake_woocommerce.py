"""The strict WooCommerce fake keeps what WooCommerce keeps and nothing more: the rules the other
WooCommerce tests rely on, checked through the real client (connectors/woocommerce/client.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from connectors.base import PlatformError
from connectors.woocommerce.client import WooCommerceClient
from tests.fake_woocommerce import FakeWooCommerce, fake_woocommerce
from tests.woocommerce_deliveries import PUBLIC_STORE


@pytest.fixture()
def store() -> Iterator[FakeWooCommerce]:
    with fake_woocommerce() as fake:
        yield fake


def client(key: str = "ck_test") -> WooCommerceClient:
    return WooCommerceClient(PUBLIC_STORE, key, "cs_test")


def test_date_expires_gmt_is_dropped_as_wc_coupon_has_no_setter_for_it(store):
    answer = client().call("POST", "coupons", {"code": "A1", "date_expires_gmt": "2030-01-01T00:00:00"})
    assert answer["date_expires"] is None and answer["date_expires_gmt"] is None
    assert store.expiry_of("A1") is None


def test_date_expires_with_an_offset_is_that_instant_and_without_one_is_site_time(store):
    client().call("POST", "coupons", {"code": "with-offset", "date_expires": "2030-01-01T00:00:00+00:00"})
    client().call("POST", "coupons", {"code": "site-time", "date_expires": "2030-01-01T00:00:00"})
    assert store.expiry_of("with-offset") == datetime(2030, 1, 1, tzinfo=UTC)
    assert store.expiry_of("site-time") == datetime(2029, 12, 31, 17, tzinfo=UTC)  # the site is at +07:00


def test_unknown_fields_are_dropped_and_known_ones_answered_in_woocommerce_shape(store):
    answer = client().call("POST", "coupons", {"code": "B2", "amount": "5", "colour": "red", "usage_count": 9})
    assert "colour" not in answer and answer["usage_count"] == 0
    assert (answer["code"], answer["amount"], answer["discount_type"]) == ("b2", "5.00", "fixed_cart")


def test_a_field_of_the_wrong_type_is_refused(store):
    with pytest.raises(PlatformError, match="rest_invalid_param: Invalid parameter\\(s\\): usage_limit"):
        client().call("POST", "coupons", {"code": "C3", "usage_limit": "once"})
    assert store.coupons == []


def test_wrong_rest_keys_are_refused_with_401(store):
    with pytest.raises(PlatformError, match="401") as refused:
        client("ck_wrong").call("GET", "settings/general/woocommerce_currency")
    assert refused.value.status == 401


def test_a_re_enabled_webhook_keeps_its_failure_count_and_is_disabled_by_the_next_failure(store):
    hook_id = store.add_webhook("order.updated", "https://setia.test/webhooks/woocommerce/t", "whsec")
    store.fail_deliveries(hook_id, 7)
    assert store.webhooks[hook_id]["status"] == "disabled"
    client().call("PUT", f"webhooks/{hook_id}", {"status": "active"})
    store.fail_deliveries(hook_id, 1)
    assert store.webhooks[hook_id]["status"] == "disabled"


def test_deleting_a_webhook_needs_force(store):
    hook_id = store.add_webhook("order.updated", "https://setia.test/webhooks/woocommerce/t", "whsec")
    with pytest.raises(PlatformError, match="answered 501"):  # Not Implemented: no trash for webhooks
        client().call("DELETE", f"webhooks/{hook_id}")
    client().call("DELETE", f"webhooks/{hook_id}", params={"force": "true"})
    assert store.webhooks == {}
