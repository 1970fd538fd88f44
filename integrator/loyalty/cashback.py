"""Cashback spent by the shopper: an amount of the available cashback becomes a single-use,
fixed-amount code limited to the shopper. The cashback is taken with the one conditional UPDATE
(never twice, never below zero) and the coupon recorded `pending` in the same transaction; a job
makes it on the store (coupons.py, outbox.py), and a code the store refuses for good gives the
cashback back (coupons.mark_failed).

Shops that pay cashback as Shopify store credit (`cashback_store_credit`) have nothing to spend by
hand: store_credit.py moves it to the shopper's store credit as soon as it is available."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from . import store_credit
from .coupons import SPENT_KEYS, SpentCode, generate_code, record_spent_code
from .errors import DomainError, InsufficientPoints, InvalidSettings
from .ledger import Posting, spend
from .members import find_member
from .models import Coupon, Shop
from .money import decimal_from_text, format_minor_string, from_minor, to_minor
from .reasons import reason as coded_reason

CODE_DAYS = 90  # a cashback code stays usable this long (then the shopper asks for a new one)
MAX_LENGTH = 32  # characters of the amount as sent
MAX_MINOR = 10**15  # minor units: more than any balance (and far below the ledger's 64-bit integers)


class PaidAsStoreCredit(DomainError):
    """The shop pays cashback as store credit: there is no cashback to spend by hand (409)."""

    status = 409
    code = "cashback_is_store_credit"


def parse_cashback_amount(value: Any, currency: str) -> Decimal:
    """The amount a shopper asked for: a decimal string, more than 0, with at most the currency's
    minor digits (IDR: whole rupiah). InvalidSettings (422) with the field's error otherwise."""
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_LENGTH:
        raise _bad('A decimal string is required, like "10000" or "5.00".')
    try:
        amount = decimal_from_text(value.strip())
    except ValueError:
        raise _bad("Not a decimal number.") from None
    return checked_amount(amount, currency)


def checked_amount(amount: Decimal, currency: str) -> Decimal:
    if not amount.is_finite() or amount <= 0:
        raise _bad("The amount must be more than 0.")
    if amount > from_minor(MAX_MINOR, currency):
        raise _bad(f"At most {from_minor(MAX_MINOR, currency)}.")
    if from_minor(to_minor(amount, currency), currency) != amount:
        raise _bad(f"At most the minor unit of {currency} (like {from_minor(1, currency)}).")
    return amount


def _bad(message: str) -> InvalidSettings:
    return InvalidSettings("invalid amount", {"amount": [message]})


def redeem_cashback(
    session: Session, shop: Shop, platform_customer_id: str, amount: Decimal, store_credit_supported: bool
) -> Coupon:
    """Spend `amount` of the shopper's available cashback on a fixed-amount code, recorded pending.
    PaidAsStoreCredit (409) in store credit shops (`store_credit_supported`: the platform keeps it),
    InvalidSettings (422) for a bad amount,
    InsufficientPoints (409, nothing spent) when the available cashback is less."""
    if store_credit.enabled(shop, store_credit_supported):
        raise PaidAsStoreCredit("cashback is paid as store credit")
    checked_amount(amount, shop.currency)
    member = find_member(session, shop.id, platform_customer_id)
    if member is None or member.erased_at is not None:
        raise InsufficientPoints("not enough cashback available")
    minor = to_minor(amount, shop.currency)
    code = generate_code()
    key = SPENT_KEYS["cashback"].format(code=code)
    spend(
        session,
        member,
        Posting("cashback", "available", -minor, "redeem", key),
        "redemption",
        code,
        coded_reason("cashback_code"),
    )
    value = format_minor_string(minor, shop.currency)
    # The cart must be worth the code: a smaller one would use it up and lose the rest.
    terms = SpentCode("cashback", None, "fixed_amount", value, value, CODE_DAYS)
    return record_spent_code(session, shop, member, code, terms)
