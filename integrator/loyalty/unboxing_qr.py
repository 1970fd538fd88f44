"""QR codes of scan links with segno (pure Python): inline SVG for the printed cards, PNG for emails.
Error correction M and a quiet zone of four modules (ISO/IEC 18004)."""

from __future__ import annotations

import io

import segno

QUIET_ZONE = 4


def qr_svg(url: str) -> str:
    """An <svg> sized by its container (viewBox only), black modules on white."""
    code = segno.make(url, error="m", boost_error=False)
    svg: str = code.svg_inline(scale=1, border=QUIET_ZONE, omitsize=True, dark="#000", light="#fff")
    return svg


def qr_png(url: str, scale: int = 6) -> bytes:
    code = segno.make(url, error="m", boost_error=False)
    out = io.BytesIO()
    code.save(out, kind="png", scale=scale, border=QUIET_ZONE)
    return out.getvalue()
