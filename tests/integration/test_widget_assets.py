"""GET /widgets/loyalty.js (the contract's URL: a loader, cached five minutes) and the versioned bundle
it loads (cached immutable for a year), gzip when asked for, with ETags answered by 304."""

from __future__ import annotations

import gzip
import re

from flask.testing import FlaskClient


def bundle_path(client: FlaskClient) -> str:
    loader = client.get("/widgets/loyalty.js").get_data(as_text=True)
    match = re.search(r'"v/([0-9a-f]{16})/widget\.js"', loader)
    assert match, loader
    return f"/widgets/v/{match.group(1)}/widget.js"


def test_the_loader_is_cached_briefly_and_answers_its_etag_with_304(client: FlaskClient) -> None:
    response = client.get("/widgets/loyalty.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    again = client.get("/widgets/loyalty.js", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert again.get_data() == b""


def test_the_bundle_is_immutable_for_a_year_and_gzipped_when_asked(client: FlaskClient) -> None:
    path = bundle_path(client)
    plain = client.get(path)
    assert plain.status_code == 200
    assert plain.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Content-Encoding" not in plain.headers
    packed = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert packed.headers["ETag"] != plain.headers["ETag"]
    assert client.get(path, headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304


def test_an_older_loaders_version_gets_the_current_bundle_but_not_for_long(client: FlaskClient) -> None:
    current = client.get(bundle_path(client))
    stray = client.get("/widgets/v/0123456789abcdef/widget.js")
    assert stray.status_code == 200
    assert stray.get_data() == current.get_data()
    assert stray.headers["Cache-Control"] == "public, max-age=300"


def test_the_module_the_panel_loads_when_opened_is_versioned_and_immutable(client: FlaskClient) -> None:
    bundle = client.get(bundle_path(client)).get_data(as_text=True)
    match = re.search(r'SetiaLoyalty\.more=\{"account\.js":"(v/[0-9a-f]{16}/account\.js)"', bundle)
    assert match, bundle[:300]
    module = client.get(f"/widgets/{match.group(1)}", headers={"Accept-Encoding": "gzip"})
    assert module.status_code == 200 and module.mimetype == "text/javascript"
    assert module.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "S.account = (" in gzip.decompress(module.get_data()).decode()
    again = {"If-None-Match": module.headers["ETag"], "Accept-Encoding": "gzip"}
    assert client.get(f"/widgets/{match.group(1)}", headers=again).status_code == 304
    stray = client.get("/widgets/v/0123456789abcdef/account.js")
    assert stray.status_code == 200 and stray.headers["Cache-Control"] == "public, max-age=300"
    assert client.get(f"/widgets/v/{match.group(1).split('/')[1]}/nothing.js").status_code == 404
