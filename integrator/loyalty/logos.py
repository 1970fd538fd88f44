"""The merchant's card logo: PNG or JPEG only, size-checked, decoded and re-encoded with Pillow (what
is stored and served is an image Pillow wrote, never the uploaded bytes), kept in the database."""

from __future__ import annotations

import hashlib
import io

from PIL import Image, UnidentifiedImageError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .errors import InvalidSettings
from .models import ShopLogo, utcnow

MAX_BYTES = 1024 * 1024  # an upload bigger than 1 MiB is refused unread
MAX_PIXELS = 4096 * 4096  # and an image whose header claims more (decompression bombs)
MAX_SIDE = 600  # stored at most 600 px on its longer side: plenty for a 30 mm print at 300 dpi
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}


def _refuse(message: str) -> InvalidSettings:
    return InvalidSettings("invalid logo", {"logo": [message]})


def reencode(data: bytes) -> tuple[bytes, str]:
    """The image re-encoded in its own format (PNG stays PNG, JPEG stays JPEG) and its type."""
    if len(data) > MAX_BYTES:
        raise _refuse("The logo must be at most 1 MB.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            if kind not in FORMATS:
                raise _refuse("The logo must be a PNG or JPEG image.")
            if image.width * image.height > MAX_PIXELS:
                raise _refuse("The logo is too large (at most 4096 × 4096 pixels).")
            image.load()
            converted = image.convert("RGBA" if kind == "PNG" else "RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise _refuse("The logo must be a PNG or JPEG image.") from exc
    converted.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    converted.save(out, format=kind, **({"optimize": True} if kind == "PNG" else {"quality": 90}))
    return out.getvalue(), FORMATS[kind]


def save_logo(session: Session, shop_id: int, data: bytes) -> ShopLogo:
    encoded, content_type = reencode(data)
    session.execute(delete(ShopLogo).where(ShopLogo.shop_id == shop_id))
    digest = hashlib.sha256(encoded).hexdigest()
    logo = ShopLogo(shop_id=shop_id, content_type=content_type, digest=digest, data=encoded, created_at=utcnow())
    session.add(logo)
    session.flush()
    return logo


def remove_logo(session: Session, shop_id: int) -> None:
    session.execute(delete(ShopLogo).where(ShopLogo.shop_id == shop_id))


def logo_of(session: Session, shop_id: int) -> ShopLogo | None:
    found: ShopLogo | None = session.execute(select(ShopLogo).where(ShopLogo.shop_id == shop_id)).scalar_one_or_none()
    return found


def logo_version(session: Session, shop_id: int) -> str | None:
    """The version in the logo's URL: the start of its digest (a new logo, a new URL)."""
    found = session.execute(select(ShopLogo.digest).where(ShopLogo.shop_id == shop_id)).scalar_one_or_none()
    return None if found is None else str(found)[:16]
