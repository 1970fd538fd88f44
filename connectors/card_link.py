"""The printed unboxing card as a connector sees it (connectors/base.py re-exports it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UnboxingCardLink:
    """The printed card of an unboxing code: its scan link (APP_URL/u/<token>), the PNG of its QR
    code, and whether the merchant wants the code in the order note as well."""

    scan_url: str
    qr_url: str
    order_note: bool = False
