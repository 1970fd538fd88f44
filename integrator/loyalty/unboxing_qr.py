"""QR codes of scan links with segno (pure Python): inline SVG for the printed cards, PNG for emails.
Error correction M and a quiet zone of four modules (ISO/IEC 18004).

The mask pattern is fixed (2) instead of segno picking the best of eight: choosing costs seven
more encodings and made a 500-card print page five times slower (docs/performance.md, "Unboxing
cards"); every mask is a valid QR code, and tests/e2e decode the printed codes with zxing-cpp. A
card's code never changes, so the SVGs are kept in a small cache for reprints."""

from __future__ import annotations

import io
from functools import lru_cache

import segno

QUIET_ZONE = 4
MASK = 2


def _code(url: str) -> segno.QRCode:
    return segno.make(url, error="m", boost_error=False, mask=MASK)


@lru_cache(maxsize=4096)
def qr_svg(url: str) -> str:
    """An <svg> sized by its container (viewBox only), black modules on white."""
    svg: str = _code(url).svg_inline(scale=1, border=QUIET_ZONE, omitsize=True, dark="#000", light="#fff")
    return svg


def qr_png(url: str, scale: int = 6) -> bytes:
    out = io.BytesIO()
    _code(url).save(out, kind="png", scale=scale, border=QUIET_ZONE)
    return out.getvalue()
