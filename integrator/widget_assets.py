"""The storefront widget's files (widgets/). GET /widgets/loyalty.js, the contract's URL, is a small
loader with a short cache lifetime; it loads the bundle /widgets/v/<content hash>/widget.js (the modules
of widgets/src/ in order, widgets/widget.css inside), which never changes under its URL: cached
immutable for a year. What the first load does not need (the signed shopper's part of the panel: My
codes, cashback, history, the confirmation before spending) is its own module,
/widgets/v/<its content hash>/account.js, cached the same way and loaded when the panel opens (the
bundle carries its URL); every other part of the open panel that does not fit the first load is a
module of its own in LAZY_MODULES, served and loaded the same way (S.lazy(name)). All are
gzip-compressed once (level 9) and answer If-None-Match with 304."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, request

from integrator.config import ROOT
from integrator.services import services

bp = Blueprint("widget_assets", __name__)

WIDGETS = ROOT / "widgets"
# Load order: each module adds its part to the one global, window.SetiaLoyalty; main.js starts.
MODULES = ("dom.js", "i18n.js", "format.js", "api.js", "codes.js", "panel.js", "elements.js", "main.js")
# Loaded when the panel needs them (S.lazy(name), URLs in S.more), after the bundle: each adds to the
# same global and is served apart, under its name, within its own budget (tests/unit/test_widget_size.py).
LAZY_MODULES = ("account.js", "cart.js", "earn.js", "refer.js", "tiers.js")
VERSION_MARK = "%VERSION%"
LOADER_CACHE = "public, max-age=300"  # a release reaches storefronts within five minutes
BUNDLE_CACHE = "public, max-age=31536000, immutable"
STRAY_CACHE = "public, max-age=300"  # a version this server does not have (an older loader after a deploy)


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes
    digest: str


@dataclass(frozen=True)
class Widget:
    version: str
    loader: Asset
    bundle: Asset
    lazy: dict[str, Asset]  # LAZY_MODULES, by name

    @property
    def account(self) -> Asset:
        return self.lazy["account.js"]


def _asset(body: bytes) -> Asset:
    return Asset(body, gzip.compress(body, compresslevel=9, mtime=0), hashlib.sha256(body).hexdigest()[:16])


def _files(folder: Path) -> list[Path]:
    return [
        folder / "loyalty.js",
        folder / "widget.css",
        *(folder / "src" / name for name in (*MODULES, *LAZY_MODULES)),
    ]


def compact(source: str) -> str:
    """What a storefront need not download: comment-only lines and indentation. Safe for widgets/
    because no string there spans lines; comments after code on the same line stay."""
    source = re.sub(r"^\s*/\*.*?\*/[ \t]*\n", "", source, flags=re.S | re.M)
    source = re.sub(r"^\s*//.*\n", "", source, flags=re.M)
    return re.sub(r"^[ \t]+", "", source, flags=re.M)


def _modules(folder: Path, names: tuple[str, ...]) -> str:
    return "".join(compact((folder / "src" / name).read_text()) for name in names)


def bundle_source(folder: Path = WIDGETS, lazy_digests: dict[str, str] | None = None) -> bytes:
    """The bundle: the stylesheet as a string (comments and line breaks dropped) and the lazily loaded
    modules' paths by name (relative to the loader's URL), then the modules."""
    css = re.sub(r"/\*.*?\*/\s*", "", (folder / "widget.css").read_text(), flags=re.S).replace("\n", "")
    digests = lazy_digests or {}
    more = json.dumps({name: f"v/{digests.get(name, '')}/{name}" for name in LAZY_MODULES}, separators=(",", ":"))
    head = f"window.SetiaLoyalty=window.SetiaLoyalty||{{}};window.SetiaLoyalty.css={json.dumps(css)};"
    return (head + f"window.SetiaLoyalty.more={more};\n" + _modules(folder, MODULES)).encode()


def build_widget(folder: Path = WIDGETS) -> Widget:
    lazy = {name: _asset(_modules(folder, (name,)).encode()) for name in LAZY_MODULES}
    bundle = _asset(bundle_source(folder, {name: asset.digest for name, asset in lazy.items()}))
    loader = compact((folder / "loyalty.js").read_text()).replace(VERSION_MARK, bundle.digest)
    return Widget(bundle.digest, _asset(loader.encode()), bundle, lazy)


def current_widget() -> Widget:
    """Built once per change of the files (a few stat calls per request), so an edit shows at once."""
    stamp = tuple(path.stat().st_mtime_ns for path in _files(WIDGETS))
    cached = services().widget_bundle
    if cached is None or cached[0] != stamp:
        cached = (stamp, build_widget(WIDGETS))
        services().set_widget_bundle(cached)
    return cached[1]


def _serve(asset: Asset, cache_control: str) -> Response:
    gzipped = request.accept_encodings["gzip"] > 0
    response = Response(asset.gzipped if gzipped else asset.body, mimetype="text/javascript")
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(asset.digest + ("-gz" if gzipped else ""))
    response.headers["Cache-Control"] = cache_control
    response.vary.add("Accept-Encoding")
    response.headers["Access-Control-Allow-Origin"] = "*"  # public files, no credentials
    response.headers["Timing-Allow-Origin"] = "*"  # storefronts (and bench/) may measure what they cost
    response.make_conditional(request)  # 304 for a matching If-None-Match
    return response


@bp.get("/widgets/loyalty.js")
def loyalty_js() -> Response:
    return _serve(current_widget().loader, LOADER_CACHE)


@bp.get("/widgets/v/<version>/widget.js")
def bundle(version: str) -> Response:
    widget = current_widget()
    return _serve(widget.bundle, BUNDLE_CACHE if version == widget.version else STRAY_CACHE)


FAVICON = ROOT / "integrator" / "admin" / "static" / "favicon.ico"


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The icon browsers ask every page of this origin for (merchant pages, /demo): a 32 px PNG in
    an ICO, cached for a day."""
    response = Response(FAVICON.read_bytes(), mimetype="image/vnd.microsoft.icon")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


# The widget's text modules (S.texts, then S.rateText: the earning rate in words) for the merchant's
# settings page, whose preview must say what the storefront says: the same code, not a copy.
TEXT_MODULES = ("i18n.js", "format.js")


@bp.get("/widgets/text.js")
def text_js() -> Response:
    source = "window.SetiaLoyalty=window.SetiaLoyalty||{};\n" + "".join(
        compact((WIDGETS / "src" / name).read_text()) for name in TEXT_MODULES
    )
    response = Response(source, mimetype="text/javascript")
    response.headers["Cache-Control"] = LOADER_CACHE
    return response


@bp.get("/widgets/v/<version>/<name>")
def lazy_module(version: str, name: str) -> Response:
    widget = current_widget()
    asset = widget.lazy.get(name)
    if asset is None:
        return Response("not found\n", status=404, mimetype="text/plain")
    return _serve(asset, BUNDLE_CACHE if version == asset.digest else STRAY_CACHE)
