"""A theme's stylesheet does not change the widget, and the widget does not change the theme: computed
styles inside the shadow root are the same with and without an aggressive theme stylesheet, and the
host page's own elements are the same with and without the widget."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api

from .storefront import Storefront, script_tag, shoot, storefront_fixture  # noqa: F401

# Everything a theme might do to everything: global resets, !important, rules aimed at the host.
THEME = """
html { font-size: 40px; }
body { color: red; font: italic 30px/3 serif; letter-spacing: 4px; text-transform: uppercase; }
* { font-family: "Comic Sans MS", cursive !important; color: #ff00ff !important; box-sizing: content-box !important;
    line-height: 2.5 !important; text-align: right !important; }
button { background: yellow !important; border: 5px dashed blue !important; padding: 20px !important;
         border-radius: 0 !important; font-size: 30px !important; width: 300px !important; }
div, p, section, ul, li, h2, h3, span, a, header { margin: 40px !important; padding: 30px !important;
         font-size: 25px !important; display: block !important; border: 3px solid green !important; }
[hidden] { display: block !important; }
body > * { opacity: 0.3 !important; filter: blur(2px) !important; transform: rotate(3deg) !important; }
setia-loyalty, #setia-loyalty { display: none !important; position: absolute !important; }
"""
PROPERTIES = [
    "color", "background-color", "font-family", "font-size", "font-style", "font-weight", "line-height",
    "letter-spacing", "text-transform", "text-align", "margin-top", "margin-left", "padding-top", "padding-left",
    "border-top-width", "border-top-style", "border-top-color", "border-top-left-radius", "display", "position",
    "box-sizing", "width", "height", "opacity", "filter", "transform", "visibility",
]  # fmt: skip
WIDGET_PARTS = [".launcher", ".panel", "h2", ".close", ".me p", "h3", ".rewards li", ".rewards .sub", ".msg"]
PAGE_PARTS = ["h1", "p", "button", "div.card", "ul li", "a"]
HOST_PAGE = (
    "<h1>Shop</h1><p>Welcome</p><div class='card'><ul><li>Shirt</li></ul></div><button>Buy</button><a href='#'>x</a>"
)

WIDGET_STYLES = """([properties, parts]) => {
  const host = document.querySelector('#setia-loyalty');
  const styles = (el) => Object.fromEntries(properties.map((p) => [p, getComputedStyle(el).getPropertyValue(p)]));
  const inside = parts.map((s) => [s, styles(host.shadowRoot.querySelector(s))]);
  return Object.fromEntries([[':host', styles(host)], ...inside]);
}"""
PAGE_STYLES = """([properties, parts]) => Object.fromEntries(parts.map((s) => [s,
  Object.fromEntries(properties.map((p) => [p, getComputedStyle(document.querySelector(s)).getPropertyValue(p)]))]))"""


def open_widget(page: Any, url: str) -> dict[str, Any]:
    page.goto(url)
    page.locator("#setia-loyalty .launcher").click()
    page.locator("#setia-loyalty .rewards li").first.wait_for()
    return dict(page.evaluate(WIDGET_STYLES, [PROPERTIES, WIDGET_PARTS]))


def test_a_theme_stylesheet_does_not_change_the_widget_and_the_widget_does_not_change_the_theme(
    app, client, shop, live_url, storefront: Storefront, page
):
    Api(client, shop["api_key"]).post("/rewards", {"name": "Tote bag", "points_cost": 50, "kind": "free_shipping"})
    tag = script_tag(app, shop, live_url)
    storefront.pages["/plain"] = f"<html lang='en'><body>{HOST_PAGE}{tag}</body></html>"
    storefront.pages["/themed"] = (
        f"<html lang='en'><head><style>{THEME}</style></head><body>{HOST_PAGE}{tag}</body></html>"
    )
    storefront.pages["/themed-alone"] = (
        f"<html lang='en'><head><style>{THEME}</style></head><body>{HOST_PAGE}</body></html>"
    )

    plain = open_widget(page, storefront.origin + "/plain")
    themed = open_widget(page, storefront.origin + "/themed")
    shoot(page, "widget-under-aggressive-theme")
    for part in plain:
        differences = {p: (plain[part][p], themed[part][p]) for p in PROPERTIES if plain[part][p] != themed[part][p]}
        assert differences == {}, part
    assert plain[".launcher"]["position"] == "fixed" and plain[".panel"]["display"] == "block"
    assert themed[".launcher"]["font-family"].startswith("system-ui")

    with_widget = page.evaluate(PAGE_STYLES, [PROPERTIES, PAGE_PARTS])
    page.goto(storefront.origin + "/themed-alone")
    without = page.evaluate(PAGE_STYLES, [PROPERTIES, PAGE_PARTS])
    assert with_widget == without
    assert without["button"]["background-color"] == "rgb(255, 255, 0)"  # the theme did apply to its page
    assert page.errors == []
