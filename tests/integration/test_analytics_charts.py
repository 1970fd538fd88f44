"""The dashboard's charts: SVG images drawn by pygal at URLs the page signs for its shop and range (an
<img> inside the Shopify admin carries no session token and no cookie). Fetched by a client without any
session, each chart shows the series of the dataset test_analytics_dashboard builds from real deliveries;
a forged, altered, expired or other-shop signature gets nothing."""

from __future__ import annotations

import html as html_lib
import re
import time
import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from integrator.admin import login_links
from integrator.admin.analytics_charts import CHART_SALT
from tests.integration import test_analytics_dashboard as dashboard
from tests.integration.test_analytics_dashboard import sign_in

pytestmark = pytest.mark.usefixtures("ledger_checked")
program = dashboard.program  # the dataset: real deliveries, then the scheduled aggregation jobs
days = dashboard.days  # its days: two days ago, yesterday, today

SVG = "{http://www.w3.org/2000/svg}"


def chart_urls(client: Any, query: dict[str, str]) -> dict[str, str]:
    page = client.get("/admin/analytics", query_string=query).get_data(as_text=True)
    found = re.findall(r'<figure class="chart" data-chart="(\w+)"><img src="([^"]+)" alt="([^"]+)"', page)
    return {name: html_lib.unescape(url) for name, url, _ in found}


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own answer, in a test)


def group(root: ET.Element, css_class: str) -> ET.Element:
    return next(g for g in root.iter(f"{SVG}g") if g.get("class") == css_class)


def series_of(svg: str) -> dict[str, list[str]]:
    """Legend text (label: total) → the values of its dots, as the SVG writes them."""
    root = parsed(svg)
    legends = [text.text or "" for text in group(root, "legends").iter(f"{SVG}text")]
    overlay = group(root, "plot overlay")
    values = [
        [desc.text or "" for desc in serie.iter(f"{SVG}desc") if desc.get("class") == "value"]
        for serie in overlay
        if (serie.get("class") or "").startswith("series")
    ]
    return dict(zip(legends, values, strict=True))


def x_labels_of(svg: str) -> list[str]:
    return [text.text or "" for text in group(parsed(svg), "axis x").iter(f"{SVG}text")]


def day_label(day: Any) -> str:
    return f"{day.day} {day.strftime('%b')}"


@pytest.mark.usefixtures("on_several_dates")  # day labels, and tokens that compress or not
def test_each_chart_is_an_svg_image_of_the_ranges_series(client, program, days):
    urls = chart_urls(client, days.range)
    assert list(urls) == ["revenue", "points", "members"]
    anonymous = client.application.test_client()  # an <img> in the Shopify admin: no cookie, no token
    answers = {name: anonymous.get(url) for name, url in urls.items()}
    for answer in answers.values():
        assert answer.status_code == 200 and answer.mimetype == "image/svg+xml"
        assert answer.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
        assert answer.headers["Cache-Control"].startswith("private")
        assert "Set-Cookie" not in answer.headers
    svgs = {name: answer.get_data(as_text=True) for name, answer in answers.items()}
    assert series_of(svgs["revenue"]) == {
        "Members: $251.09": ["$181.09", "$70.00", "$0.00"],  # two days ago, yesterday, today
        "Non-members: $199.00": ["$199.00", "$0.00", "$0.00"],
    }
    assert series_of(svgs["points"]) == {  # the ledger entries were written today
        "Issued: 251": ["0", "0", "251"],
        "Redeemed: 100": ["0", "0", "100"],
        "Expired: 0": ["0", "0", "0"],
    }
    assert series_of(svgs["members"]) == {"New members: 2": ["0", "0", "2"]}
    assert x_labels_of(svgs["revenue"]) == [day_label(days.day1), day_label(days.day2), day_label(days.today)]
    assert "<title>Revenue per day</title>" in svgs["revenue"]
    assert "<title>New members per day</title>" in svgs["members"]


def test_a_long_range_shows_a_few_day_labels_and_whole_ticks(client, program, days):
    urls = chart_urls(client, {"from": (days.today - timedelta(days=364)).isoformat(), "to": days.today.isoformat()})
    svg = client.application.test_client().get(urls["members"]).get_data(as_text=True)
    labels = x_labels_of(svg)
    assert 2 <= len(labels) <= 6 and all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2}", label) for label in labels), labels
    ticks = [text.text for text in group(parsed(svg), "axis y always_show").iter(f"{SVG}text")]
    assert ticks == ["0", "1", "2"]  # members are whole: no 0.5 tick


def test_the_chart_speaks_indonesian_for_an_indonesian_shop(app, client, program, days):
    from integrator.loyalty.models import Shop

    with app.extensions["setia_db"].session() as session:
        session.get(Shop, program["id"]).language = "id"
    urls = chart_urls(client, days.range)
    svg = client.application.test_client().get(urls["revenue"]).get_data(as_text=True)
    assert "<title>Pendapatan per hari</title>" in svg
    assert list(series_of(svg)) == ["Anggota: US$251,09", "Bukan anggota: US$199,00"]


def refused(client: Any, url: str, **changes: str) -> int:
    parts = urlsplit(url)
    query = {key: value[0] for key, value in parse_qs(parts.query).items()} | changes
    return int(client.application.test_client().get(parts.path, query_string=query).status_code)


def test_a_forged_altered_or_expired_signature_gets_no_chart(app, client, program, days):
    url = chart_urls(client, days.range)["revenue"]
    sig = parse_qs(urlsplit(url).query)["sig"][0]
    secret = app.extensions["setia_config"].secret_key
    assert refused(client, url) == 200
    assert refused(client, url, sig="") == 403
    assert refused(client, url, sig=sig[:-2] + ("AA" if sig[-2:] != "AA" else "BB")) == 403  # forged
    assert refused(client, url, to=days.day2.isoformat()) == 403  # not the range it was signed for
    other_salt = URLSafeTimedSerializer(secret, salt="setia-login-link").dumps({"shop": program["id"], **days.range})
    assert refused(client, url, sig=other_salt) == 403  # a token of another kind
    other_key = URLSafeTimedSerializer("not the secret", salt=CHART_SALT).dumps({"shop": program["id"], **days.range})
    assert refused(client, url, sig=other_key) == 403

    class Eleven(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 11 * 60

    expired = URLSafeTimedSerializer(secret, salt=CHART_SALT, signer=Eleven).dumps(
        {"shop": program["id"], **days.range}
    )
    assert refused(client, url, sig=expired) == 403
    assert refused(client, url.replace("/revenue.svg", "/orders.svg")) == 404


@pytest.mark.usefixtures("on_several_dates")  # day labels, and tokens that compress or not
def test_a_signature_names_one_shop_and_shows_only_its_data(app, client, shops, program, days):
    other = shops.make(domain="other-shop.myshopify.com")
    url = chart_urls(client, days.range)["revenue"]
    # payload.timestamp.signature; itsdangerous zlib-compresses a payload when that is shorter (then
    # it starts with "."), which depends on the dates in it: read and rewrite it with its own codec.
    payload, timestamp, signature = parse_qs(urlsplit(url).query)["sig"][0].rsplit(".", 2)
    codec = URLSafeTimedSerializer("reading needs no key", salt=CHART_SALT)
    named = codec.load_payload(payload.encode())
    assert named == {"shop": program["id"], **days.range}  # readable by anyone: it names, it does not hide
    assert refused(client, url, sig=f"{codec.dump_payload(named).decode()}.{timestamp}.{signature}") == 200
    swapped = codec.dump_payload({**named, "shop": other["id"]}).decode()
    assert refused(client, url, sig=f"{swapped}.{timestamp}.{signature}") == 403  # the shop cannot be changed

    theirs = app.test_client()
    sign_in(app, theirs, other["id"])
    their_svg = theirs.get(chart_urls(theirs, days.range)["revenue"]).get_data(as_text=True)
    assert series_of(their_svg) == {"Members: $0.00": ["$0.00"] * 3, "Non-members: $0.00": ["$0.00"] * 3}
    # the first shop's URL, fetched with the other shop's cookie, is still only the first shop's chart
    assert "Members: $251.09" in theirs.get(url).get_data(as_text=True)
    token = login_links.issue(app.extensions["setia_config"].secret_key, other["id"])
    assert refused(client, url, sig=token) == 403


def plot_box(svg: str) -> tuple[str, str, str]:
    """Where the plot area sits in the chart: its offset and its size."""
    plot = group(parsed(svg), "plot")
    background = next(rect for rect in plot.iter(f"{SVG}rect") if rect.get("class") == "background")
    return plot.get("transform") or "", background.get("width") or "", background.get("height") or ""


def test_the_three_charts_plot_areas_line_up(client, program, days):
    urls = chart_urls(client, days.range)
    anonymous = client.application.test_client()
    boxes = {name: plot_box(anonymous.get(url).get_data(as_text=True)) for name, url in urls.items()}
    # money labels ("$181.09") are longer than counts ("2"), and the charts have 1 to 3 lines
    assert len(set(boxes.values())) == 1, boxes
