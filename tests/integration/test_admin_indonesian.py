"""Every merchant page in Indonesian when the shop's language is `id`: the texts a merchant reads,
and none of the English ones left over."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from integrator.loyalty.models import Shop
from tests.conftest import Api

from .test_admin_frame import sign_in

PAGES = {
    "/admin/": (
        ["Langkah awal", "Toko terhubung", "Aturan poin ditetapkan", "Widget di toko", "Hadiah pertama", "Koneksi"],
        ["Getting started", "Store connected", "Last delivery from the store", "Keep this rule"],
    ),
    "/admin/settings": (
        ["Pengaturan loyalitas", "Poin per belanja 1.00 IDR", "Cashback (% dari pesanan)", "Kupon unboxing", "Simpan"],
        ["Loyalty settings", "Points per 1.00", "Unboxing coupon", "Widget preview", "Accent colour", ">Save<"],
    ),
    "/admin/rewards": (
        ["Hadiah baru", "Buat hadiah", "Katalog", "Nonaktifkan", "Potongan harga", "Gratis ongkir"],
        ["New reward", "Create reward", "Catalogue", "Deactivate", "Amount off", "Free shipping"],
    ),
}
FRAME = (["Beranda", "Pengaturan", "Hadiah", "Anggota", "Analitik", "Keluar"], [">Home<", ">Log out<", ">Members<"])


@pytest.fixture()
def indonesian_shop(app: Flask, shops) -> dict[str, Any]:
    shop = shops.make(currency="IDR", settings={})
    with app.extensions["setia_db"].session() as session:
        row = session.get(Shop, shop["id"])
        assert row is not None
        row.language = "id"
    Api(app.test_client(), shop["api_key"]).post(
        "/rewards", {"name": "Tas", "points_cost": 100, "kind": "free_shipping"}
    )
    return shop


@pytest.mark.parametrize("path", sorted(PAGES))
def test_each_page_speaks_indonesian(
    app: Flask, client: FlaskClient, indonesian_shop: dict[str, Any], path: str
) -> None:
    sign_in(app, client, indonesian_shop["id"])
    response = client.get(path, headers={"Accept-Language": "en"})  # the shop's language wins
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="id">' in page
    present, absent = PAGES[path]
    for text in present + FRAME[0]:
        assert text in page, text
    for text in absent + FRAME[1]:
        assert text not in page, text


def test_the_other_merchant_pages_use_the_indonesian_frame(
    app: Flask, client: FlaskClient, indonesian_shop: dict[str, Any]
) -> None:
    """Members and analytics pages (other modules): at least the frame around them is Indonesian."""
    sign_in(app, client, indonesian_shop["id"])
    for path in ("/admin/members", "/admin/analytics"):
        response = client.get(path)
        if response.status_code == 404:
            continue
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and '<html lang="id">' in page and "Keluar" in page, path


def test_a_refused_form_post_is_answered_in_indonesian(
    app: Flask, client: FlaskClient, indonesian_shop: dict[str, Any]
) -> None:
    sign_in(app, client, indonesian_shop["id"])
    page = client.post("/admin/api/rewards", data={"name": "x"}).get_data(as_text=True)
    assert "Tidak ada yang diubah" in page and "Nothing was changed" not in page
