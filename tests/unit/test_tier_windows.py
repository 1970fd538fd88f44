"""The tier windows and how long a tier is kept, in the shop's time zone (tier_status.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from integrator.loyalty.tier_status import kept_until, window_start

JAKARTA = ZoneInfo("Asia/Jakarta")


def test_the_calendar_year_starts_on_the_first_of_january_in_the_shops_zone():
    # 31 December 2026 18:00 UTC is already 1 January 2027 in Jakarta.
    moment = datetime(2026, 12, 31, 18, 0, tzinfo=UTC)
    assert window_start("calendar_year", moment, JAKARTA) == datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
    assert window_start("calendar_year", moment, ZoneInfo("UTC")) == datetime(2026, 1, 1, tzinfo=UTC)


def test_a_rolling_year_is_365_days_and_lifetime_has_no_start():
    moment = datetime(2028, 2, 29, 12, 0, tzinfo=UTC)
    assert window_start("rolling_year", moment, JAKARTA) == datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
    assert window_start("lifetime", moment, JAKARTA) is None


def test_a_tier_is_kept_for_the_window_after_qualifying():
    qualified = datetime(2026, 6, 1, tzinfo=UTC)
    assert kept_until("lifetime", qualified, JAKARTA) is None
    assert kept_until("rolling_year", qualified, JAKARTA) == datetime(2027, 6, 1, tzinfo=UTC)
    # The rest of that year and the next, to midnight of 1 January 2028 in Jakarta.
    assert kept_until("calendar_year", qualified, JAKARTA) == datetime(2027, 12, 31, 17, 0, tzinfo=UTC)
