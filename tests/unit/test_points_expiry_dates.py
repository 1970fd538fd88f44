"""The date arithmetic of points expiry (integrator/loyalty/expiry.py), without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from integrator.loyalty.expiry import cutoff, expires_at, is_expired

LAST = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)


def test_points_expire_n_days_after_the_last_activity():
    assert expires_at(LAST, 30) == datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # across February's end
    assert expires_at(LAST, 365) == datetime(2027, 1, 31, 23, 30, tzinfo=UTC)


def test_zero_days_means_never():
    assert expires_at(LAST, 0) is None
    assert not is_expired(LAST, 0, LAST + timedelta(days=100_000))


def test_the_boundary_is_exactly_n_days():
    assert not is_expired(LAST, 30, LAST + timedelta(days=30) - timedelta(microseconds=1))
    assert is_expired(LAST, 30, LAST + timedelta(days=30))
    assert is_expired(LAST, 1, LAST + timedelta(days=2))


def test_time_zones_compare_as_instants():
    jakarta = timezone(timedelta(hours=7))
    same_moment = LAST.astimezone(jakarta)  # 2026-02-01 06:30 in Jakarta
    assert expires_at(same_moment, 30) == expires_at(LAST, 30)
    assert is_expired(LAST, 30, datetime(2026, 3, 3, 6, 30, tzinfo=jakarta))
    assert not is_expired(LAST, 30, datetime(2026, 3, 3, 6, 29, tzinfo=jakarta))


def test_the_cutoff_is_the_oldest_activity_that_still_keeps_points():
    now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert cutoff(now, 90) == datetime(2026, 9, 2, 8, 0, tzinfo=UTC)
    assert not is_expired(cutoff(now, 90) + timedelta(seconds=1), 90, now)
    assert is_expired(cutoff(now, 90), 90, now)


def test_naive_times_and_negative_days_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        expires_at(datetime(2026, 1, 1), 30)  # noqa: DTZ001 (naive on purpose)
    with pytest.raises(ValueError, match="timezone-aware"):
        is_expired(LAST, 30, datetime(2026, 6, 1))  # noqa: DTZ001
    with pytest.raises(ValueError):
        expires_at(LAST, -1)
