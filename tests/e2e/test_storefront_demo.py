"""`make run`'s demo storefront (/demo): a newcomer sees the widget with the demo shopper's balance,
redeems a reward and sees the code; the cart and thank-you elements are filled."""

from __future__ import annotations

import json

from tests.conftest import Api, drain

from .accessibility import axe_violations
from .storefront import shadow_text, shoot, wait_text

SARI = "7001"


def test_the_demo_storefront_shows_saris_balance_and_a_redeemed_code(
    app, client, live_url, page, monkeypatch, tmp_path
):
    assert client.get("/demo").status_code == 404  # nothing to show before `demo seed`
    import integrator.demo

    monkeypatch.setattr(integrator.demo, "DEMO_FILE", tmp_path / "demo.json")  # not the developer's instance/
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    api = Api(client, json.loads((tmp_path / "demo.json").read_text())["api_key"])
    sari = api.member(SARI)
    assert sari is not None and sari["points_available"] >= 300

    page.goto(f"{live_url}/demo")
    balance = f"{sari['points_available']:,}"
    assert wait_text(page, ".launcher", balance) == f"Rewards · {balance}"
    assert "You will earn 181 points" in wait_text(page, ".el", "points", host="[data-setia=cart]")
    assert "You earned" in wait_text(page, ".el", "You earned", host="[data-setia=thank-you]")
    page.locator("#setia-loyalty .launcher").click()
    # A reward whose name already says its value shows the name alone: nothing stray after it.
    lines = page.evaluate(
        "() => [...document.querySelector('#setia-loyalty').shadowRoot.querySelectorAll('li')]"
        ".filter((li) => li.querySelector('.cost')).map((li) => li.firstChild.textContent)"
    )
    shown = [line.replace("\u00a0", " ") for line in lines]
    assert "Potongan Rp 10.000" in shown and "Diskon 10%" in shown  # once stray "00" followed them
    page.get_by_role("button", name="Redeem: Gratis ongkir").click()
    page.get_by_role("button", name="Yes, spend").click()
    code = wait_text(page, ".msg", "SETIA-").removeprefix("Your code: ")
    assert wait_text(page, ".issued .code", code) == code  # the newest of My codes
    left = f"{sari['points_available'] - 300:,} points"
    assert wait_text(page, ".big", left) == left
    shoot(page, "demo-storefront")
    href = page.locator("#setia-loyalty .issued a.apply").first.get_attribute("href")
    assert href == f"{live_url}/discount/{code}"
    assert code in client.get(f"/discount/{code}").get_data(as_text=True)
    assert api.member(SARI)["points_available"] == sari["points_available"] - 300
    assert "Free shipping" in shadow_text(page, ".issued")
    assert page.errors == []


def test_a_demo_shopper_redeems_reloads_finds_the_active_code_and_applies_it_in_the_demo_cart(
    app, client, live_url, page, monkeypatch, tmp_path
):
    """The whole path of `make run`'s demo: redeem in the widget → after a reload the code is under
    My codes, ready to use (the demo store made it) → its "apply at checkout" link opens the demo
    cart with the discount → the order is placed → the same link now says the code was used."""
    import integrator.demo

    monkeypatch.setattr(integrator.demo, "DEMO_FILE", tmp_path / "demo.json")  # not the developer's instance/
    assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
    api = Api(client, json.loads((tmp_path / "demo.json").read_text())["api_key"])
    before = api.member(SARI)["points_available"]

    page.goto(f"{live_url}/demo?lang=en")
    wait_text(page, ".launcher", "Rewards")
    assert axe_violations(page) == []  # the demo storefront itself
    page.locator("#setia-loyalty .launcher").click()
    page.get_by_role("button", name="Redeem: Potongan Rp 10.000").click()
    assert wait_text(page, ".ask", "Spend").replace("\u00a0", " ").startswith("Spend 500 points on Rp 10,000 off?")
    page.get_by_role("button", name="Yes, spend").click()
    code = wait_text(page, ".msg", "SETIA-").removeprefix("Your code: ")
    drain()  # with Redis, the worker makes the code on the demo store

    page.reload()
    page.locator("#setia-loyalty .launcher").click()
    listed = wait_text(page, ".issued", code).replace("\u00a0", " ")
    mine = next(box for box in listed.split("Potongan Rp 10.000 · ")[1:] if code in box)
    assert mine.startswith("Rp 10,000 off, ready to use, valid until ")  # active: the demo store confirmed it
    shoot(page, "demo-my-codes")
    box = page.locator("#setia-loyalty .issued .box", has_text=code)
    box.get_by_role("link", name="Apply at checkout").click()

    page.wait_for_url(f"{live_url}/discount/{code}")
    assert page.locator("#discount-status").inner_text() == f"Code {code} applied."
    assert page.locator("tr.discount td").inner_text() == "−Rp 10,000"
    assert page.locator("#cart-total").inner_text() == "Rp 191,000"  # Rp 181,000 + Rp 20,000 shipping − Rp 10,000
    shoot(page, "demo-cart-code-applied")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Place the order").click()
    assert "Order placed with the code" in page.locator("#discount-status").inner_text()
    drain()
    page.goto(f"{live_url}/discount/{code}?lang=en")
    assert page.locator("#discount-status").inner_text() == f"The code {code} was already used on an order."
    page.goto(f"{live_url}/discount/SETIA-NOPE?lang=id")
    assert page.locator("#discount-status").inner_text() == "Toko tidak mengenal kode SETIA-NOPE."
    shoot(page, "demo-cart-code-refused")
    assert axe_violations(page) == []
    # 500 points spent, 171 earned by the order (Rp 171.000 paid at 1 point per Rp 1.000).
    assert api.member(SARI)["points_available"] == before - 500 + 171
    assert page.errors == []
