"""The referral fraud checks, pure: people compared the way shoppers disguise themselves (case, +tags,
Gmail dots, a phone written locally or internationally, an address with other punctuation), and
each check against its neighbouring honest case."""

from __future__ import annotations

from connectors.base import Buyer
from connectors.shopify.mapping import to_order as shopify_order
from connectors.woocommerce.mapping import to_order as woocommerce_order
from integrator.loyalty.referral_checks import (
    Counts,
    Person,
    address_key,
    email_key,
    flags,
    name_key,
    phone_key,
)
from tests.deliveries import fake30, with_changes
from tests.woocommerce_deliveries import fixture


def test_emails_without_case_tags_or_gmail_dots():
    assert email_key("Budi.Santoso+promo@GoogleMail.com") == "budisantoso@gmail.com"
    assert email_key("budi.santoso@gmail.com") == email_key("BUDISANTOSO@gmail.com")
    assert email_key("budi.santoso@yahoo.co.id") != email_key("budisantoso@yahoo.co.id")  # dots count elsewhere
    assert email_key("budi.santoso2@gmail.com") != email_key("budi.santoso@gmail.com")
    assert email_key("not an email") is None and email_key(None) is None


def test_phones_by_their_last_nine_digits():
    assert phone_key("0812-3456-7890") == phone_key("+62 812 3456 7890") == phone_key("62812 34567890")
    assert phone_key("0812-3456-7891") != phone_key("0812-3456-7890")
    assert phone_key("123") is None and phone_key("") is None


def test_addresses_and_names_without_case_or_punctuation():
    assert address_key(("Jalan Melati 12", "Bandung")) == address_key(("JALAN MELATI, 12", "bandung "))
    assert address_key(("Jalan Melati 14", "Bandung")) != address_key(("Jalan Melati 12", "Bandung"))
    assert address_key(("Bandung",)) is None  # a city alone is not an address
    assert name_key("budi", "SANTOSO") == name_key("Budi", "Santoso")
    assert name_key("Budi", None) is None and name_key("Budi", "Santosa") != name_key("Budi", "Santoso")


ADVOCATE = Person("1", frozenset({"e"}), frozenset({"p"}), frozenset({"a"}), "budi santoso")


def test_an_honest_friend_is_not_flagged_and_each_shared_thing_is():
    honest = Person("2", frozenset({"e2"}), frozenset({"p2"}), frozenset({"a2"}), "sari dewi")
    assert flags(ADVOCATE, honest, Counts()) == {}
    assert set(flags(ADVOCATE, Person("1"), Counts())) == {"same_customer"}
    assert set(flags(ADVOCATE, Person("2", emails=frozenset({"e"})), Counts())) == {"shared_email"}
    assert set(flags(ADVOCATE, Person("2", phones=frozenset({"p"})), Counts())) == {"shared_phone"}
    assert set(flags(ADVOCATE, Person("2", addresses=frozenset({"a"})), Counts())) == {"shared_address"}
    assert set(flags(ADVOCATE, Person("2", name="budi santoso"), Counts())) == {"same_name"}
    assert set(flags(ADVOCATE, Person(None, name=None), Counts(earlier_orders=1))) == {"ordered_before"}


def test_the_counts_flag_above_their_limits_only():
    assert flags(ADVOCATE, Person("2"), Counts(from_ip_this_week=9)) == {}
    assert set(flags(ADVOCATE, Person("2"), Counts(from_ip_this_week=10))) == {"ip_velocity"}
    assert flags(ADVOCATE, Person("2"), Counts(advocate_this_month=99, monthly_cap=0)) == {}  # no cap
    assert flags(ADVOCATE, Person("2"), Counts(advocate_this_month=2, monthly_cap=3)) == {}
    assert set(flags(ADVOCATE, Person("2"), Counts(advocate_this_month=3, monthly_cap=3))) == {"advocate_cap"}


def test_the_neutral_order_carries_the_buyer_from_both_platforms():
    shopify = shopify_order(with_changes(fake30(), browser_ip="203.0.113.50"))
    assert shopify.buyer == Buyer(
        email="jane@example.com",
        phone="+18885551234",
        first_name="John",
        last_name="Smith",
        shipping_address=("123 Fake Street", "Fakecity", "K2P 1L4", "CA"),
        ip="203.0.113.50",
    )
    # Without protected customer data (level 2) Shopify leaves names, phones and addresses out.
    bare = with_changes(fake30(), phone=None, shipping_address=None, billing_address=None)
    bare["customer"] = {"id": 1073339475, "email": "jane@example.com"}
    assert shopify_order(bare).buyer == Buyer(email="jane@example.com")

    woo = woocommerce_order(fixture("order.created__processing_customer_coupon"))
    assert woo.buyer == Buyer(
        email="scrambled@scrambled.com",
        phone="333-333-3333",
        first_name="Johnny",
        last_name="Appleseed",
        shipping_address=("234 70th Street", "Niagara Falls", "14304", "US"),
        ip="24.52.34.206",
    )
    guest = woocommerce_order(fixture("order.created__processing_guest"))
    assert guest.customer is None and guest.buyer is not None and guest.buyer.email == "john.doe@example.com"
