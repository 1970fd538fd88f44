"""The card designer on the settings page: card settings saved like every setting (and refused like
them), the logo upload (PNG or JPEG only, size-checked, re-encoded by Pillow, served with its type
and nosniff), and the print page showing the logo and the merchant's message."""

from __future__ import annotations

import io

from PIL import Image

from tests.conftest import Api
from tests.unboxing_orders import UNBOXING, deliver_paid_orders

from .test_admin_frame import sign_in


def image_bytes(kind: str, size: tuple[int, int] = (40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=kind)
    return out.getvalue()


def upload(client, csrf: str, data: bytes, name: str = "logo.png"):
    return client.post(
        "/admin/api/unboxing/logo",
        data={"logo": (io.BytesIO(data), name)},
        headers={"X-CSRF-Token": csrf, "Accept": "application/json"},
        content_type="multipart/form-data",
    )


def test_a_png_logo_is_reencoded_and_served_with_its_type(app, client, shop):
    csrf = sign_in(app, client, shop["id"])
    original = image_bytes("PNG") + b"<script>alert(1)</script>"  # trailing bytes a browser might sniff
    response = upload(client, csrf, original)
    assert response.status_code == 201
    served = client.get(response.json["logo_url"])
    assert served.status_code == 200 and served.content_type == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert b"<script>" not in served.data
    assert Image.open(io.BytesIO(served.data)).size == (40, 20)
    jpeg = upload(client, csrf, image_bytes("JPEG", (1200, 600)), "logo.jpg")
    served = client.get(jpeg.json["logo_url"])
    assert served.content_type == "image/jpeg" and Image.open(io.BytesIO(served.data)).size == (600, 300)
    assert client.get(response.json["logo_url"]).status_code == 404  # the old version is gone


def test_anything_but_a_png_or_jpeg_of_a_sane_size_is_refused(app, client, shop):
    csrf = sign_in(app, client, shop["id"])
    for data in (image_bytes("GIF"), b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"\x89PNG\r\n\x1a\nbroken", b""):
        refused = upload(client, csrf, data)
        assert refused.status_code == 422 and "logo" in refused.json["details"], data[:10]
    big = upload(client, csrf, image_bytes("PNG") + b"\0" * (1024 * 1024))
    assert big.status_code == 422 and big.json["details"] == {"logo": ["The logo must be at most 1 MB."]}
    bomb = io.BytesIO()
    Image.new("1", (5000, 5000)).save(bomb, format="PNG")  # tiny file, 25 megapixels
    assert upload(client, csrf, bomb.getvalue()).status_code == 422
    assert upload(client, "wrong", image_bytes("PNG")).status_code == 400
    page = client.get("/admin/settings").get_data(as_text=True)
    assert 'id="card-preview-logo"' not in page  # nothing was kept


def test_card_settings_are_saved_refused_and_printed(app, client, deliver, shopify, shops):
    shop = shops.make(settings={"points_per_unit": "1", "unboxing": UNBOXING})
    csrf = sign_in(app, client, shop["id"])
    assert 'id="card-designer"' in client.get("/admin/settings").get_data(as_text=True)
    bad = {"unboxing": {"card_size": "a3", "card_accent": "red", "card_message_en": "x" * 161}}
    refused = client.patch("/admin/api/settings", json=bad, headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 422
    assert set(refused.json["details"]["unboxing"]) == {"card_size", "card_accent", "card_message_en"}
    good = {"unboxing": {"card_size": "card", "card_accent": "#AA3300", "card_message_en": " Terima kasih, Budi! "}}
    assert client.patch("/admin/api/settings", json=good, headers={"X-CSRF-Token": csrf}).status_code == 200
    settings = Api(client, shop["api_key"]).get("/settings").json["unboxing"]
    assert (settings["card_size"], settings["card_accent"], settings["card_message_en"]) == (
        "card",
        "#aa3300",
        "Terima kasih, Budi!",
    )
    logo = upload(client, csrf, image_bytes("PNG")).json["logo_url"]
    deliver_paid_orders(deliver, shopify, 1)
    page = client.get("/admin/unboxing/print").get_data(as_text=True)  # the default size: the setting
    assert 'class="size-card"' in page and "--accent: #aa3300;" in page
    assert f'src="{logo}"' in page and "Terima kasih, Budi!" not in page  # business cards carry no message
    a6 = client.get("/admin/unboxing/print", query_string={"size": "a6"}).get_data(as_text=True)
    assert "Terima kasih, Budi!" in a6
