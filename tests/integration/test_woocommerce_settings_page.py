"""A WooCommerce merchant finds on Setia's settings page what the WordPress plugin asks for."""

from __future__ import annotations

from flask import Flask

from integrator.admin import login_links
from integrator.loyalty.models import Shop
from tests.woocommerce_deliveries import connected_store


def signed_in_page(app: Flask, client, shop_id: int) -> str:
    token = login_links.issue(app.extensions["setia_config"].secret_key, shop_id)
    assert client.get(f"/admin/login/{token}").status_code == 303
    response = client.get("/admin/settings")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_woocommerce_merchant_sees_the_plugin_settings(app, client):
    store = connected_store(app, {})
    with app.extensions["setia_db"].session() as session:
        shop = session.get(Shop, store["id"])
        secret = app.extensions["setia_box"].decrypt(shop.widget_secret_enc)
        public_id = shop.public_id
    page = signed_in_page(app, client, store["id"])
    assert "WordPress plugin" in page
    assert public_id in page and secret in page and "https://setia.test" in page


def test_a_shopify_merchant_page_shows_no_widget_secret(app, client, shop):
    with app.extensions["setia_db"].session() as session:
        secret = app.extensions["setia_box"].decrypt(session.get(Shop, shop["id"]).widget_secret_enc)
    page = signed_in_page(app, client, shop["id"])
    assert secret not in page and "WordPress plugin" not in page
