"""The dates a date-dependent test is run on besides today (`on_several_dates`): a leap day and the
month end after it, a year's end, a daylight-saving change, and an hour where the local date is not
the UTC date.
The clock is frozen with time-machine and keeps ticking from there (timeouts still work); where the
moment carries a zone, the process's local time zone is that zone too, so code that reads the local
date instead of UTC shows up."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

SEVERAL_DATES = {
    "2028-02-29": datetime(2028, 2, 29, 12, 0, tzinfo=UTC),  # a leap day
    "2028-03-01": datetime(2028, 3, 1, 0, 20, tzinfo=UTC),  # just after midnight, a leap day behind
    "2027-01-01": datetime(2027, 1, 1, 9, 0, tzinfo=UTC),  # the last few days are last year's
    # 2026-12-31 23:30 UTC, already 2027 in Jakarta (UTC+7), the local zone here
    "2026-12-31-jakarta": datetime(2027, 1, 1, 6, 30, tzinfo=ZoneInfo("Asia/Jakarta")),
    # New York's clocks went forward at 2:00 this morning (daylight saving); New York is the local zone
    "2027-03-14-new-york": datetime(2027, 3, 14, 3, 30, tzinfo=ZoneInfo("America/New_York")),
}


@pytest.fixture(params=["today", *SEVERAL_DATES])
def on_several_dates(request: pytest.FixtureRequest) -> Iterator[datetime | None]:
    """The test runs today (the real clock), then once on each of SEVERAL_DATES. Use it before the
    fixtures that build the test's data (first in `usefixtures` or in the arguments)."""
    if request.param == "today":
        yield None
        return
    with time_machine.travel(SEVERAL_DATES[request.param], tick=True):
        yield SEVERAL_DATES[request.param]
