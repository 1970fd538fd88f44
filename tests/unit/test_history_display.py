"""How the shopper's history shows amounts and describes entries, without a database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from integrator.loyalty.history import describe_entry, signed_display
from integrator.loyalty.models import LedgerEntry


@pytest.mark.parametrize(
    ("account", "amount", "currency", "locale", "shown"),
    [
        ("points", 181, "USD", "en", "+181"),
        ("points", -100, "IDR", "id", "-100"),
        ("points", 0, "USD", "en", "+0"),
        ("cashback", 362, "USD", "en", "+$3.62"),
        ("cashback", -362, "USD", "en", "-$3.62"),
        ("cashback", 3620, "IDR", "id", "+Rp 3.620"),
        ("cashback", -1000000, "IDR", "en", "-Rp 1,000,000"),
        ("points", 12500, "IDR", "id", "+12.500"),
        ("points", -12500, "USD", "en", "-12,500"),
        ("cashback", 362, "USD", "id", "+US$3,62"),
    ],
)
def test_amounts_carry_their_sign_and_local_format(
    account: str, amount: int, currency: str, locale: str, shown: str
) -> None:
    assert signed_display(account, amount, currency, locale) == shown


def entry(source: str, reason: str | None) -> LedgerEntry:
    return LedgerEntry(source=source, reason=reason, created_at=datetime.now(UTC))


@pytest.mark.parametrize(
    ("source", "reason", "order_name", "described"),
    [
        ("order", None, "#1002", "#1002"),
        ("order", None, None, None),
        ("adjustment", "Birthday gift (by api-key:sk_8UsR9oy)", None, "Birthday gift"),
        ("adjustment", "Sorry (late) (by merchant:shop-1)", None, "Sorry (late)"),
        ("adjustment", "no actor here", None, "no actor here"),
        ("import", "opening balance imported from vip.csv (by merchant:1)", None, "Opening balance"),
        ("import", "opening_balance_file: vip.csv (by merchant:1)", None, "Opening balance"),
        ("redemption", "the store refused the coupon", None, "The store refused the coupon: given back"),
        ("expiry", "no_activity: 365", None, "No activity for 365 days"),
        ("redemption", "Free shipping", None, "Free shipping"),
        ("expiry", None, None, None),
    ],
)
def test_entries_are_described_without_who_made_them(
    source: str, reason: str | None, order_name: str | None, described: str | None
) -> None:
    assert describe_entry(entry(source, reason), order_name) == described


@pytest.mark.parametrize(
    ("source", "reason", "described"),
    [
        ("import", "opening_balance_file: vip.csv (by merchant:1)", "Saldo awal"),
        ("redemption", "coupon_refused", "Toko menolak kupon: dikembalikan"),
        ("redemption", "the store refused the coupon", "Toko menolak kupon: dikembalikan"),  # stored before the codes
        ("store_credit", "moved to store credit", "Dipindahkan ke kredit toko"),
        ("store_credit", "store_credit_refused: timeout", "Toko menolak kredit toko: dikembalikan (timeout)"),
        ("expiry", "no activity for 30 days", "Tidak ada aktivitas selama 30 hari"),
        ("redemption", "cashback_code", "Kode cashback"),
        ("adjustment", "Hadiah ulang tahun (by merchant:1)", "Hadiah ulang tahun"),  # the merchant's words
    ],
)
def test_setias_own_reasons_read_in_the_shops_language(source: str, reason: str, described: str) -> None:
    assert describe_entry(entry(source, reason), None, "id_ID") == described
