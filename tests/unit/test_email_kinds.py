"""Which shopper email each domain event makes (loyalty/notifications.email_kind), and that the
emails read every kind of data without failing: words in both languages for every email."""

from __future__ import annotations

import pytest

from integrator.loyalty.notifications import email_kind
from integrator.loyalty.settings import EMAIL_KINDS
from integrator.notify.render import Brand, render
from integrator.notify.texts import EMAILS


@pytest.mark.parametrize(
    ("event_type", "data", "kind"),
    [
        ("points.earned", {"points": 10, "source": "order"}, "points_earned"),
        ("points.earned", {"points": 0, "cashback": "1.00", "source": "order"}, None),
        ("points.earned", {"points": 50, "source": "birthday"}, "birthday"),
        ("points.earned", {"points": "garbage"}, None),
        ("points.earned", {"points": 5, "source": "adjustment"}, None),
        ("points.available", {"points": 10, "cashback": "0.000"}, None),
        ("points.available", {"points": 0, "cashback": "2.50"}, "cashback_available"),
        ("coupon.created", {"code": "X"}, "code_issued"),
        ("points.expiring", {"points": 5, "days_before": 7}, "points_expiring"),
        ("tier.changed", {"tier": "Gold", "direction": "up"}, "tier_reached"),
        ("tier.changed", {"tier": "Silver", "direction": "down"}, None),
        ("referral.completed", {"points": 100}, "referral_reward"),
        ("member.enrolled", {}, None),
        ("points.redeemed", {"points": 100}, None),
        ("points.expired", {"points": 100}, None),
    ],
)
def test_each_event_makes_the_right_email(event_type, data, kind):
    assert email_kind(event_type, data) == kind


@pytest.mark.parametrize("language", ["en", "id"])
@pytest.mark.parametrize("kind", EMAIL_KINDS)
def test_every_email_has_both_languages_and_renders_even_from_sparse_data(kind, language):
    assert set(EMAILS[kind]) == {"en", "id"} and EMAILS[kind]["en"]["subject"] != EMAILS[kind]["id"]["subject"]
    rendered = render(kind, Brand("Toko <b>Maju</b>", language, "IDR"), {}, None, None, "https://x/u")
    assert "Toko <b>Maju</b>" in rendered.subject and "Toko &lt;b&gt;Maju&lt;/b&gt;" in rendered.html
    assert "<b>Maju</b>" not in rendered.html  # the shop's name is text, never markup
