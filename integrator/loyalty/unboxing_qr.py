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
    """An <svg> sized by its container (viewBox only), black modules on white: one horizontal stroke
    per run of dark modules (what segno's SVG writer draws, written here in a seventh of its time)."""
    matrix = _code(url).matrix
    side = len(matrix) + 2 * QUIET_ZONE
    runs = []
    for y, row in enumerate(matrix):
        x, width = 0, len(row)
        while x < width:
            if row[x] & 1:
                start = x
                while x < width and row[x] & 1:
                    x += 1
                runs.append(f"M{start + QUIET_ZONE} {y + QUIET_ZONE}.5h{x - start}")
            else:
                x += 1
    return (
        f'<svg viewBox="0 0 {side} {side}" class="segno"><path fill="#fff" d="M0 0h{side}v{side}h-{side}z"/>'
        f'<path stroke="#000" d="{"".join(runs)}"/></svg>'
    )


def qr_png(url: str, scale: int = 6) -> bytes:
    out = io.BytesIO()
    _code(url).save(out, kind="png", scale=scale, border=QUIET_ZONE)
    return out.getvalue()
