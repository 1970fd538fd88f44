"""Platform ids are ASCII digits: str.isdigit() alone also takes "٣" (Arabic-Indic three), which
int() then reads as 3, another order's id."""

import pytest

from connectors.base import PayloadError
from connectors.shopify.mapping import _gid_number


def test_a_shopify_global_id_keeps_its_number() -> None:
    assert _gid_number("gid://shopify/Order/450789469", "id") == "450789469"


@pytest.mark.parametrize("gid", ["gid://shopify/Order/٣", "gid://shopify/Order/" + "9" * 21, "gid://shopify/Order/", 7])
def test_a_shopify_global_id_in_other_digits_or_too_long_is_refused(gid: object) -> None:
    with pytest.raises(PayloadError):
        _gid_number(gid, "id")
