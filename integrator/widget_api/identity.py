"""The signed shopper identity of the widget API (CONTRACT.md): `customer`, `ts` (unix seconds) and
`sig` = hex HMAC-SHA256 keyed with the shop's widget secret over "<customer>:<ts>"."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

MAX_AGE = 24 * 3600  # a signature is good for a day (a page can stay open that long)
MAX_AHEAD = 300  # seconds: the signing server's clock may run a little ahead of ours
MAX_CUSTOMER_LENGTH = 64  # members.platform_customer_id


class InvalidIdentity(Exception):
    """Missing, malformed, wrong or expired shopper signature (401)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def sign_shopper(secret: str, customer: str, ts: str) -> str:
    return hmac.new(secret.encode(), f"{customer}:{ts}".encode(), hashlib.sha256).hexdigest()


def verify_shopper(params: Mapping[str, str], secret: str, now: int) -> str:
    """The platform customer id the parameters vouch for, or InvalidIdentity."""
    customer = params.get("customer", "")
    ts = params.get("ts", "")
    sig = params.get("sig", "")
    if not customer or not ts or not sig:
        raise InvalidIdentity("missing customer, ts or sig")
    if len(customer) > MAX_CUSTOMER_LENGTH or not customer.isprintable():
        raise InvalidIdentity("invalid customer")
    if not ts.isascii() or not ts.isdigit() or len(ts) > 12:
        raise InvalidIdentity("invalid ts: unix seconds expected")
    expected = sign_shopper(secret, customer, ts)  # over ts as sent: "0123" is not "123"
    if not hmac.compare_digest(expected.encode(), sig.encode()):
        raise InvalidIdentity("invalid signature")
    if now - int(ts) > MAX_AGE:
        raise InvalidIdentity("signature expired")
    if int(ts) - now > MAX_AHEAD:
        raise InvalidIdentity("signature from the future")
    return customer
