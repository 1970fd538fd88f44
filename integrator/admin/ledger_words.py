"""A ledger entry's source and reason as the member page shows them, in the page's language: a
label per source, and Setia's own reasons worded (integrator/loyalty/reasons.py) while a merchant's
reason stays as written."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from integrator.loyalty.reasons import worded

SOURCES: dict[str, Any] = {
    "order": _l("Order"),
    "adjustment": _l("Adjustment"),
    "import": _l("Import"),
    "redemption": _l("Redemption"),
    "expiry": _l("Expiry"),
    "store_credit": _l("Store credit"),
    "bonus": _l("Bonus points"),
    "referral": _l("Referral"),
}


def source_label(source: str) -> str:
    return str(SOURCES.get(source, source))


def reason_words(reason: str | None) -> str | None:
    return worded(reason, str(get_locale() or "en"))
