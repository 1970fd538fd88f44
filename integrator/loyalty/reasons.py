"""Why Setia itself made a ledger entry, stored as a code ("coupon_refused", "no_activity: 365") and
worded in the reader's language only when shown (the shopper's history, the member page). Rows
written before the codes hold English sentences: they are read back as their codes, so every entry
reads the same in English and in Indonesian. A merchant's own reason (an adjustment, a reward's name)
is their words and is shown as written."""

from __future__ import annotations

import re

# code → its words per language; `{value}` is what follows "code: " in the stored reason.
TEXTS: dict[str, dict[str, str]] = {
    "coupon_refused": {
        "en": "The store refused the coupon: given back",
        "id": "Toko menolak kupon: dikembalikan",
    },
    "moved_to_store_credit": {"en": "Moved to store credit", "id": "Dipindahkan ke kredit toko"},
    "store_credit_refused": {
        "en": "The store refused the store credit: given back ({value})",
        "id": "Toko menolak kredit toko: dikembalikan ({value})",
    },
    "no_activity": {"en": "No activity for {value} days", "id": "Tidak ada aktivitas selama {value} hari"},
    "cashback_code": {"en": "Cashback code", "id": "Kode cashback"},
    "opening_balance": {"en": "Opening balance", "id": "Saldo awal"},  # as the shopper reads it
    "opening_balance_file": {"en": "Opening balance from {value}", "id": "Saldo awal dari {value}"},
    # Ways to earn besides buying (bonuses.py, birthdays.py, custom_actions.py)
    "signup_bonus": {"en": "Sign-up bonus", "id": "Bonus pendaftaran"},
    "birthday_bonus": {"en": "Birthday bonus {value}", "id": "Bonus ulang tahun {value}"},
    "newsletter_bonus": {"en": "Newsletter sign-up", "id": "Berlangganan newsletter"},
    "social_bonus": {"en": "Following us on {value}", "id": "Mengikuti kami di {value}"},
    "custom_action": {"en": "Custom action: {value}", "id": "Aksi khusus: {value}"},
    # A referral's entries name the friend (first name only) when shown, never in the ledger.
    "referral_reward": {"en": "{value}'s first order (referral)", "id": "Pesanan pertama {value} (ajakan)"},
    "referral_reward_friend": {"en": "A friend's first order (referral)", "id": "Pesanan pertama teman (ajakan)"},
    "referral_takeback": {
        "en": "{value}'s order was refunded (referral)",
        "id": "Pesanan {value} dikembalikan (ajakan)",
    },
    "referral_takeback_friend": {
        "en": "A friend's order was refunded (referral)",
        "id": "Pesanan teman dikembalikan (ajakan)",
    },
}
LANGUAGES = ("en", "id")
# The English sentences stored before the codes, read back as their codes.
LEGACY: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^the store refused the coupon$"), "coupon_refused"),
    (re.compile(r"^moved to store credit$"), "moved_to_store_credit"),
    (re.compile(r"^store credit refused: (?P<value>.*)$", re.S), "store_credit_refused"),
    (re.compile(r"^no activity for (?P<value>\d+) days$"), "no_activity"),
    (re.compile(r"^cashback code$"), "cashback_code"),
    (re.compile(r"^opening balance imported from (?P<value>.*)$", re.S), "opening_balance_file"),
]
CODED = re.compile(r"^(?P<code>[a-z_]+)(?:: (?P<value>.*))?$", re.S)


def reason(code: str, value: object = None) -> str:
    """What to store: "coupon_refused", or "no_activity: 365" with a value."""
    if code not in TEXTS:
        raise ValueError(f"unknown reason code {code!r}")
    return code if value is None else f"{code}: {value}"


def _coded(stored: str) -> tuple[str, str] | None:
    match = CODED.match(stored)
    if match and match.group("code") in TEXTS:
        return match.group("code"), match.group("value") or ""
    for pattern, code in LEGACY:
        legacy = pattern.match(stored)
        if legacy:
            return code, legacy.groupdict().get("value") or ""
    return None


def is_coded(stored: str | None) -> bool:
    """Setia's own reason (worded per language), not a merchant's words."""
    return bool(stored) and _coded(str(stored)) is not None


def worded(stored: str | None, language: str) -> str | None:
    """A stored reason in the reader's language ("id", "id_ID", "en"...); a merchant's own words as they are."""
    if not stored:
        return stored
    coded = _coded(stored)
    if coded is None:
        return stored
    code, value = coded
    texts = TEXTS[code]
    return texts.get(language.replace("-", "_").split("_")[0].lower(), texts["en"]).replace("{value}", value)
