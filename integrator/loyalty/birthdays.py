"""Birthdays: the shopper gives month and day once; the bonus (`bonus.birthday_points`) is credited
on the day each year in the shop's time zone, once a calendar year (key `bonus:birthday:m<id>:<year>`).
29 February is celebrated on 28 February in other years. A change waits a year from the last one,
so moving the date cannot earn twice. A periodic job (periodic.credit_birthdays, hourly) credits
the birthdays of the last few days not credited yet, so a scheduler that was down for a day still
pays them, but never a day before the birthday was given."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from .bonuses import bonus_key, bonus_points, credit
from .boost import birthday_multiplier
from .errors import BirthdayLocked, InvalidBirthday
from .models import Member, MemberBirthday, Shop, utcnow
from .shop_time import local_date

CHANGE_AFTER = timedelta(days=365)
CATCH_UP_DAYS = 3  # a birthday up to this many days ago and not credited yet is still credited


def checked_date(month: object, day: object) -> tuple[int, int]:
    """(month, day) of a real calendar day (29 February included), or InvalidBirthday."""
    if isinstance(month, bool) or isinstance(day, bool) or not isinstance(month, int) or not isinstance(day, int):
        raise InvalidBirthday("invalid birthday", {"month": ["Month 1-12 and day 1-31 are expected."]})
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2024, month)[1]:  # 2024: a leap year
        raise InvalidBirthday("invalid birthday", {"day": ["No such day in that month."]})
    return month, day


def celebrated_on(month: int, day: int, year: int) -> date:
    """The day a birthday is celebrated in `year`: 29 February is 28 February in other years."""
    if (month, day) == (2, 29) and not calendar.isleap(year):
        return date(year, 2, 28)
    return date(year, month, day)


def birthday_of(session: Session, member: Member) -> MemberBirthday | None:
    return session.get(MemberBirthday, member.id)


def set_birthday(
    session: Session, member: Member, month: object, day: object, now: datetime | None = None
) -> MemberBirthday:
    """Give or change the member's birthday. The same date again changes nothing; another date
    within a year of the last change → BirthdayLocked."""
    month, day = checked_date(month, day)
    now = now or utcnow()
    row = birthday_of(session, member)
    if row is None:
        row = MemberBirthday(member_id=member.id, shop_id=member.shop_id, month=month, day=day, set_at=now)
        session.add(row)
    elif (row.month, row.day) != (month, day):
        if now < row.set_at + CHANGE_AFTER:
            raise BirthdayLocked(
                "a birthday can change once a year", {"changeable_at": (row.set_at + CHANGE_AFTER).isoformat()}
            )
        row.month, row.day, row.set_at = month, day, now
    session.flush()
    return row


def birthday_view(row: MemberBirthday | None) -> dict[str, object] | None:
    """The birthday as the shopper and the privacy export see it."""
    if row is None:
        return None
    return {
        "month": row.month,
        "day": row.day,
        "set_at": row.set_at.isoformat(),
        "changeable_at": (row.set_at + CHANGE_AFTER).isoformat(),
    }


def _candidates(today: date) -> dict[tuple[int, int], date]:
    """(month, day) stored → the day it is celebrated, for the days CATCH_UP_DAYS back to today."""
    found: dict[tuple[int, int], date] = {}
    for back in range(CATCH_UP_DAYS + 1):
        day = today - timedelta(days=back)
        found[(day.month, day.day)] = day
        if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
            found[(2, 29)] = day
    return found


def credit_birthdays(session: Session, shop: Shop, now: datetime | None = None) -> int:
    """Credit the shop's members whose birthday is today (or in the last few days, not yet credited).
    Returns how many were credited."""
    points = bonus_points(shop, "birthday_points")
    if points <= 0:
        return 0
    now = now or utcnow()
    today = local_date(shop, now)
    candidates = _candidates(today)
    rows = session.execute(
        select(MemberBirthday, Member)
        .join(Member, Member.id == MemberBirthday.member_id)
        .where(
            MemberBirthday.shop_id == shop.id, tuple_(MemberBirthday.month, MemberBirthday.day).in_(list(candidates))
        )
    ).all()
    credited = 0
    for birthday, member in rows:
        day = candidates[(birthday.month, birthday.day)]
        if day < local_date(shop, birthday.set_at):
            continue  # given after the day: this year's is gone
        key = bonus_key("birthday", member.id, str(day.year))
        # A tier's birthday multiplier (boost.py), rounded down.
        boosted = int((Decimal(points) * birthday_multiplier(session, member)).to_integral_value(ROUND_DOWN))
        if credit(session, member, boosted, key, f"birthday:{day.year}", "birthday_bonus", str(day.year)) is not None:
            credited += 1
    return credited


def shops_with_birthday_bonus(session: Session) -> list[int]:
    """Installed shops whose birthday bonus is on (settings are JSON: filtered here, in Python)."""
    shops = session.execute(select(Shop).where(Shop.uninstalled_at.is_(None))).scalars()
    return [shop.id for shop in shops if bonus_points(shop, "birthday_points") > 0]
