"""`make run`'s demo storefront (/demo): a newcomer sees the widget with the demo shopper's balance,
redeems a reward and sees the code; the cart and thank-you elements are filled."""

from __future__ import annotations

import json

from tests.conftest import Api

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
