"""The storefront budget (DESIGN.md, Widgets): everything a storefront downloads for the widget, the
loader /widgets/loyalty.js and the versioned bundle it loads (every module of widgets/src/ and
widgets/widget.css inside), is at most 10 KB gzip, compressed at level 9 as the server sends it. What
the first load leaves out (LAZY_MODULES, each loaded apart when the panel needs it) is at most 4 KB gzip
a module."""

import gzip
from pathlib import Path

from integrator.widget_assets import LAZY_MODULES, MODULES, build_widget

WIDGETS = Path(__file__).resolve().parents[2] / "widgets"
BUDGET = 10 * 1024
LAZY_BUDGET = 4 * 1024


def test_what_a_storefront_downloads_fits_in_10_kb_gzip():
    widget = build_widget(WIDGETS)
    total = sum(len(gzip.compress(body, compresslevel=9)) for body in (widget.loader.body, widget.bundle.body))
    assert total <= BUDGET, f"{total} bytes gzip > {BUDGET}"
    assert len(widget.loader.gzipped) + len(widget.bundle.gzipped) == total  # what the server sends


def test_what_the_panel_loads_when_opened_fits_in_4_kb_gzip():
    widget = build_widget(WIDGETS)
    assert LAZY_MODULES[0] == "account.js" and sorted(widget.lazy) == sorted(LAZY_MODULES)
    for name, asset in widget.lazy.items():
        assert len(asset.gzipped) <= LAZY_BUDGET, f"{name}: {len(asset.gzipped)} bytes gzip > {LAZY_BUDGET}"
        assert f'"{name}":"v/{asset.digest}/{name}"' in widget.bundle.body.decode()
    assert "S.account = (" in widget.account.body.decode()


def test_the_bundle_is_every_module_and_the_stylesheet():
    assert sorted(path.name for path in (WIDGETS / "src").glob("*.js")) == sorted(MODULES + LAZY_MODULES)
    assert sorted(path.name for path in WIDGETS.iterdir() if path.is_file()) == ["loyalty.js", "widget.css"]
    bundle = build_widget(WIDGETS).bundle.body.decode()
    assert "SetiaLoyalty.css=" in bundle and ".launcher{" in bundle
    assert bundle.count("})(window.SetiaLoyalty);") == len(MODULES)  # each module adds its part
    for name in ("S.panel", "S.thankYou", "S.cart", "S.money", "S.client", "S.codeBox", "S.lazy"):
        assert f"{name} = (" in bundle
    # What a cart earns is the server's figure (cart.js asks for it), never computed in the browser.
    assert "S.points" not in bundle
    assert "S.carts = (" in build_widget(WIDGETS).lazy["cart.js"].body.decode()


def test_the_loader_points_at_the_bundle_of_this_content():
    widget = build_widget(WIDGETS)
    assert f'"v/{widget.version}/widget.js"' in widget.loader.body.decode()
    assert len(widget.loader.body) < 600  # the part with the short cache lifetime stays small
