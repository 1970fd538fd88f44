"""The unboxing card's settings (under `unboxing`, docs/unboxing.md): their values and defaults."""

from __future__ import annotations

from typing import Any

CARD_SIZES = ("a6", "a6x4", "4x6", "card")  # A6, four A6 per A4, 4x6 in label, ten business cards per A4
CARD_MESSAGE_MAX = 160
# Size, colour, the merchant's own message per language ("" = the built-in one), and the code in
# the Shopify order note too.
CARD_DEFAULTS: dict[str, Any] = {
    "card_size": "a6",
    "card_accent": "#0f766e",
    "card_message_en": "",
    "card_message_id": "",
    "order_note": False,
}
