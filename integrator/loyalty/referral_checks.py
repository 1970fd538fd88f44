"""The referral fraud checks, pure: how people are compared (emails without case, `+tags` and, for
Gmail, dots; phones by their last nine digits; addresses and names without case, punctuation or
extra spaces) and which checks flag a referral, each with its reason and masked evidence
(research/wave2.md §3, after Smile.io's rules)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

GMAIL = {"gmail.com", "googlemail.com"}
PHONE_DIGITS = 9  # 0812-3456-7890 and +62 812 3456 7890 end alike; short numbers say too little
MIN_PHONE_DIGITS = 7
IP_WEEKLY_LIMIT = 10  # Smile.io: more than ten referrals from one IP in a week

# The reasons, in the order the merchant reads them.
SAME_CUSTOMER = "same_customer"
SHARED_EMAIL = "shared_email"
SHARED_PHONE = "shared_phone"
SHARED_ADDRESS = "shared_address"
ORDERED_BEFORE = "ordered_before"
SAME_NAME = "same_name"
IP_VELOCITY = "ip_velocity"
ADVOCATE_CAP = "advocate_cap"
REASONS = (
    SAME_CUSTOMER,
    SHARED_EMAIL,
    SHARED_PHONE,
    SHARED_ADDRESS,
    ORDERED_BEFORE,
    SAME_NAME,
    IP_VELOCITY,
    ADVOCATE_CAP,
)


def email_key(email: str | None) -> str | None:
    """ "Budi.Santoso+promo@GoogleMail.com" → "budisantoso@gmail.com"."""
    if not email or "@" not in email:
        return None
    local, _, domain = email.strip().casefold().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in GMAIL:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}" if local and domain else None


def phone_key(phone: str | None) -> str | None:
    digits = "".join(char for char in unicodedata.normalize("NFKC", phone or "") if char.isascii() and char.isdigit())
    return digits[-PHONE_DIGITS:] if len(digits) >= MIN_PHONE_DIGITS else None


def _words(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", folded).split())


def address_key(lines: tuple[str, ...]) -> str | None:
    """The shipping address's lines (street, city, postcode, country) as one comparable text."""
    text = _words(" ".join(lines))
    return text if len(lines) > 1 and text else None


def name_key(first: str | None, last: str | None) -> str | None:
    """A full name; a first name alone says too little to call two people the same."""
    if not (first and first.strip()) or not (last and last.strip()):
        return None
    return _words(f"{first} {last}") or None


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


def mask_phone(phone: str) -> str:
    digits = "".join(char for char in phone if char.isdigit())
    return f"•••{digits[-3:]}"


@dataclass(frozen=True)
class Person:
    """What is known of one side of a referral, in comparable form: platform customer id, the keys
    of its emails, phones and addresses, its full name; `shown` holds masked texts for evidence."""

    customer_id: str | None = None
    emails: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    addresses: frozenset[str] = frozenset()
    name: str | None = None
    shown: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Counts:
    """What the database counted before this referral: the friend's earlier orders, referrals from
    the buyer's IP in the last 7 days, the advocate's referrals in the last 30 days, and the cap."""

    earlier_orders: int = 0
    from_ip_this_week: int = 0
    advocate_this_month: int = 0
    monthly_cap: int = 0


def flags(advocate: Person, friend: Person, counts: Counts) -> dict[str, str]:
    """Each check that flags this referral, with what it saw (masked). Empty: an honest referral."""
    found: dict[str, str] = {}
    if friend.customer_id is not None and friend.customer_id == advocate.customer_id:
        found[SAME_CUSTOMER] = friend.customer_id
    if advocate.emails & friend.emails:
        found[SHARED_EMAIL] = friend.shown.get("email", "")
    if advocate.phones & friend.phones:
        found[SHARED_PHONE] = friend.shown.get("phone", "")
    if advocate.addresses & friend.addresses:
        found[SHARED_ADDRESS] = friend.shown.get("address", "")
    if counts.earlier_orders > 0:
        found[ORDERED_BEFORE] = str(counts.earlier_orders)
    if advocate.name is not None and advocate.name == friend.name:
        found[SAME_NAME] = friend.shown.get("name", "")
    if counts.from_ip_this_week >= IP_WEEKLY_LIMIT:
        found[IP_VELOCITY] = str(counts.from_ip_this_week + 1)
    if counts.monthly_cap and counts.advocate_this_month >= counts.monthly_cap:
        found[ADVOCATE_CAP] = str(counts.advocate_this_month + 1)
    return found
