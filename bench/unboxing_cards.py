"""Unboxing cards: the print page of 500 cards (one QR code each, inline SVG) rendered in one request,
and the same page printed by Chromium to a PDF (`python -m bench.unboxing_cards`; `make bench` runs
it too). In-process on a temporary SQLite database: the page's time is Python (the cards' words and
segno's QR codes) and its template, the database reads are one query."""

from __future__ import annotations

import re
import shutil
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

CARDS = 500
ROUNDS = 5
TARGET_SECONDS = 2.0  # the merchant clicks "Print": the print dialog should follow at once


def _app(folder: Path) -> Any:
    from flask_migrate import upgrade

    from integrator.app import create_app
    from integrator.config import load_config

    env = {
        "DATABASE_URL": f"sqlite:///{folder / 'cards.db'}",
        "SECRET_KEY": "bench-secret-key-not-for-production",
        "APP_URL": "https://setia.example",
    }
    app = create_app(load_config(env))
    with app.app_context():
        upgrade()
    return app


def _seed(app: Any, count: int) -> int:
    from integrator.loyalty.coupons import generate_code
    from integrator.loyalty.models import Coupon, utcnow
    from integrator.loyalty.shops import connect_shop
    from integrator.loyalty.unboxing import ensure_card

    with app.extensions["setia_db"].session() as session:
        shop, _ = connect_shop(session, app.extensions["setia_box"], "shopify", "bench.myshopify.com", None, "s", "x")
        shop.name, shop.currency, shop.language = "Toko Bench", "IDR", "id"
        now = utcnow()
        for n in range(count):
            coupon = Coupon(
                shop_id=shop.id,
                kind="unboxing",
                source_id=str(100000 + n),
                code=generate_code(),
                status="active",
                platform="shopify",
                value_type="percentage",
                value="10",
                starts_at=now,
                expires_at=now + timedelta(days=30),
                idempotency_key=f"unboxing:{100000 + n}",
                attempts=1,
                created_at=now,
                updated_at=now,
            )
            session.add(coupon)
            session.flush()
            ensure_card(session, shop.id, coupon.id)
        return int(shop.id)


def _pdf_seconds(html: str, folder: Path) -> dict[str, Any] | None:
    """Chromium printing the page to a PDF (A4, four A6 cards a sheet); None without Chromium."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return None
    from playwright.sync_api import sync_playwright

    page_file = folder / "cards.html"
    # The page's stylesheets, inlined: the file opens without the app serving them.
    static = Path(__file__).resolve().parent.parent / "integrator" / "admin" / "static"
    css = (static / "unboxing_print.css").read_text() + (static / "unboxing_page_a6x4.css").read_text()
    html = re.sub(r"<link rel=\"stylesheet\"[^>]*>", "", html).replace("</head>", f"<style>{css}</style></head>")
    page_file.write_text(html)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        started = time.perf_counter()
        page.goto(page_file.as_uri())
        pdf = page.pdf(prefer_css_page_size=True)
        seconds = time.perf_counter() - started
        browser.close()
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    return {"seconds": round(seconds, 2), "pages": pages, "pdf_kb": round(len(pdf) / 1024)}


def measure(count: int = CARDS, rounds: int = ROUNDS) -> dict[str, Any]:
    from integrator.admin import login_links
    from integrator.loyalty.unboxing_qr import qr_svg

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        app = _app(folder)
        shop_id = _seed(app, count)
        client = app.test_client()
        client.get(f"/admin/login/{login_links.issue(app.extensions['setia_config'].secret_key, shop_id)}")
        times: dict[str, list[float]] = {"first": [], "reprint": []}
        body = ""
        for _ in range(rounds):
            qr_svg.cache_clear()  # the first print of these cards: every QR code made
            for kind in ("first", "reprint"):
                started = time.perf_counter()
                response = client.get("/admin/unboxing/print", query_string={"size": "a6x4"})
                times[kind].append(time.perf_counter() - started)
                body = response.get_data(as_text=True)
                assert response.status_code == 200 and body.count("<svg") == count, response.status_code
        median = statistics.median(times["first"])
        return {
            "cards": count,
            "rounds": rounds,
            "median_ms": round(median * 1000),
            "per_card_ms": round(median * 1000 / count, 2),
            "reprint_median_ms": round(statistics.median(times["reprint"]) * 1000),
            "html_kb": round(len(body.encode()) / 1024),
            "target_ms": TARGET_SECONDS * 1000,
            "target_met": median <= TARGET_SECONDS,
            "chromium_pdf": _pdf_seconds(body, folder),
        }


def table(result: dict[str, Any]) -> str:
    pdf = result["chromium_pdf"]
    lines = [
        f"unboxing cards: {result['cards']} cards in one print page (size a6x4), median of {result['rounds']}",
        f"  first print      {result['median_ms']} ms ({result['per_card_ms']} ms a card), {result['html_kb']} KB HTML"
        f" — target {result['target_ms']:.0f} ms: {'met' if result['target_met'] else 'NOT met'}",
        f"  reprint          {result['reprint_median_ms']} ms (QR codes cached)",
    ]
    if pdf:
        lines.append(f"  Chromium to PDF  {pdf['seconds']} s, {pdf['pages']} A4 pages, {pdf['pdf_kb']} KB")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(measure()))
