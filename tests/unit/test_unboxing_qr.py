"""The cards' QR codes: the SVG Setia writes draws exactly the modules segno's own writer draws
(rendered both ways and compared pixel by pixel), and decodes to its link."""

from __future__ import annotations

import io
import re

import segno
import zxingcpp
from PIL import Image, ImageDraw

from integrator.loyalty.unboxing_qr import MASK, QUIET_ZONE, qr_png, qr_svg


def modules_of(svg: str) -> set[tuple[int, int]]:
    """The dark modules an SVG of horizontal strokes draws ("M x y.5 h n", absolute or relative)."""
    path = re.findall(r'stroke="#000" d="([^"]+)"', svg)[0]
    dark, x, y = set(), 0.0, 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:\s+(-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            for step in range(int(float(a))):
                dark.add((int(x) + step, int(y)))
            x += float(a)
    return dark


def test_the_svg_draws_the_same_modules_as_segnos_writer() -> None:
    for token in ("AbCdEfGhIjKl", "zz-__09XYabc", "000000000000"):
        url = f"https://setia.example/u/{token}"
        ours = qr_svg(url)
        theirs = segno.make(url, error="m", boost_error=False, mask=MASK).svg_inline(scale=1, border=QUIET_ZONE)
        assert modules_of(ours) == modules_of(theirs) and modules_of(ours)
        side = int(re.search(r'viewBox="0 0 (\d+) ', ours).group(1))
        image = Image.new("L", (side * 8, side * 8), 255)
        draw = ImageDraw.Draw(image)
        for x, y in modules_of(ours):
            draw.rectangle([x * 8, y * 8, x * 8 + 7, y * 8 + 7], fill=0)
        assert [found.text for found in zxingcpp.read_barcodes(image)] == [url]


def test_the_png_decodes_to_its_link() -> None:
    url = "https://setia.example/u/AbCdEfGhIjKl"
    assert [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(url))))] == [url]
