"""Unboxing cards: each unboxing coupon's card, its scan token, the cards of a range of days, marking
them printed, counting a scan, and noting the order that used a card's code (docs/unboxing.md)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .models import Coupon, Order, Shop, UnboxingCard, UnboxingScan, utcnow
from .rows import insert_ignore
from .shop_time import zone_of

# 9 random bytes → 12 URL-safe characters (72 bits): unguessable, meaningless, and short enough to
# keep the QR code small (a version 2 code for APP_URL/u/<token> at error correction M).
TOKEN_BYTES = 9
MAX_CARDS = 1000  # one print job; a bigger day is printed in parts (the page says so)
MAX_DAYS = 93  # the widest range of days a list or a print job covers


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def ensure_card(session: Session, shop_id: int, coupon_id: int) -> None:
    """The coupon's card, made once (a second call, even a concurrent one, changes nothing)."""
    values = {
        "shop_id": shop_id,
        "coupon_id": coupon_id,
        "token": new_token(),
        "scans": 0,
        "prints": 0,
        "created_at": utcnow(),
    }
    insert_ignore(session, UnboxingCard, values, ["coupon_id"])


def shop_zone(shop: Shop) -> tzinfo:
    """The shop's time zone (shop_time.zone_of: the platform's, UTC until it says)."""
    return zone_of(shop)


def day_window(shop: Shop, first: date, last: date) -> tuple[datetime, datetime]:
    """[start of `first`, start of the day after `last`) in the shop's time zone, as UTC moments."""
    zone = shop_zone(shop)
    start = datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return start, end


class BadRange(ValueError):
    """The days or the size asked for make no sense (a 400 page or JSON error)."""


def parse_day(text: str | None, default: date) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise BadRange(f"not a day (YYYY-MM-DD): {text[:20]!r}") from exc


def today_of(shop: Shop, now: datetime) -> date:
    return now.astimezone(shop_zone(shop)).date()


def day_range(shop: Shop, args: Mapping[str, str], now: datetime) -> tuple[date, date]:
    """`from` and `to` (inclusive, the shop's days); today when left out. Refused: a day that is
    no day, `to` before `from`, a range longer than MAX_DAYS."""
    today = today_of(shop, now)
    first = parse_day(args.get("from"), today)
    last = parse_day(args.get("to"), first if args.get("from") else today)
    if last < first:
        raise BadRange("`to` is before `from`")
    if last - first > timedelta(days=MAX_DAYS - 1):
        raise BadRange(f"at most {MAX_DAYS} days at once")
    return first, last


@dataclass(frozen=True)
class Card:
    """One card as the list, the print page and the API show it."""

    card_id: int
    order_id: str  # the platform's order id
    order_name: str | None
    code: str
    token: str
    status: str  # the coupon's: pending | active | failed
    value_type: str
    value: str
    expires_at: datetime | None
    issued_at: datetime
    scans: int
    printed_at: datetime | None
    prints: int
    redeemed_at: datetime | None


def _missing_cards(session: Session, shop_id: int, start: datetime, end: datetime) -> None:
    """Coupons issued before cards existed get theirs when first listed."""
    query = (
        select(Coupon.id)
        .outerjoin(UnboxingCard, UnboxingCard.coupon_id == Coupon.id)
        .where(Coupon.shop_id == shop_id, Coupon.kind == "unboxing", Coupon.created_at >= start)
        .where(Coupon.created_at < end, UnboxingCard.id.is_(None))
        .limit(MAX_CARDS)
    )
    for coupon_id in session.execute(query).scalars().all():
        ensure_card(session, shop_id, coupon_id)


def cards_between(
    session: Session, shop: Shop, first: date, last: date, not_printed: bool = False, tokens: list[str] | None = None
) -> list[Card]:
    """The cards of the unboxing codes issued on these days (shop's time zone), oldest first, at most
    MAX_CARDS; only the unprinted ones with `not_printed`, only these scan tokens with `tokens`."""
    start, end = day_window(shop, first, last)
    _missing_cards(session, shop.id, start, end)
    query = (
        select(UnboxingCard, Coupon, Order.name)
        .join(Coupon, Coupon.id == UnboxingCard.coupon_id)
        .outerjoin(Order, (Order.shop_id == Coupon.shop_id) & (Order.platform_order_id == Coupon.source_id))
        .where(UnboxingCard.shop_id == shop.id, Coupon.created_at >= start, Coupon.created_at < end)
        .order_by(Coupon.created_at, Coupon.id)
        .limit(MAX_CARDS)
    )
    if not_printed:
        query = query.where(UnboxingCard.printed_at.is_(None))
    if tokens is not None:
        query = query.where(UnboxingCard.token.in_(tokens[:MAX_CARDS]))
    return [_card(card, coupon, name) for card, coupon, name in session.execute(query).all()]


def _card(card: UnboxingCard, coupon: Coupon, name: str | None) -> Card:
    return Card(
        card_id=card.id,
        order_id=coupon.source_id or "",
        order_name=name,
        code=coupon.code,
        token=card.token,
        status=coupon.status,
        value_type=coupon.value_type,
        value=coupon.value,
        expires_at=coupon.expires_at,
        issued_at=coupon.created_at,
        scans=card.scans,
        printed_at=card.printed_at,
        prints=card.prints,
        redeemed_at=card.redeemed_at,
    )


def mark_printed(session: Session, shop_id: int, tokens: list[str]) -> int:
    """The shop's cards with these tokens printed now (again, for a reprint); how many there were."""
    if not tokens:
        return 0
    statement = (
        update(UnboxingCard)
        .where(UnboxingCard.shop_id == shop_id, UnboxingCard.token.in_(tokens[:MAX_CARDS]))
        .values(printed_at=utcnow(), prints=UnboxingCard.prints + 1)
    )
    return int(session.execute(statement, execution_options={"synchronize_session": False}).rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Scanned:
    """What a scan link leads to: the card's shop and code, and whether the code can still be used."""

    card_id: int
    shop_id: int
    code: str
    state: str  # open | used | expired | withdrawn


def find_scan(session: Session, token: str, now: datetime | None = None) -> Scanned | None:
    """The card behind a scan token, or None for a token that names no card."""
    if not token or len(token) > 32:
        return None
    row = session.execute(
        select(UnboxingCard, Coupon)
        .join(Coupon, Coupon.id == UnboxingCard.coupon_id)
        .where(UnboxingCard.token == token)
    ).first()
    if row is None:
        return None
    card, coupon = row
    now = now or utcnow()
    if coupon.status == "failed":
        state = "withdrawn"
    elif card.redeemed_at is not None:
        state = "used"
    elif coupon.expires_at is not None and coupon.expires_at <= now:
        state = "expired"
    else:
        state = "open"
    return Scanned(card.id, card.shop_id, coupon.code, state)


def count_scan(session: Session, scanned: Scanned) -> None:
    """One scan by a person: the card's counter (one atomic update) and the scan's moment."""
    now = utcnow()
    session.execute(
        update(UnboxingCard)
        .where(UnboxingCard.id == scanned.card_id)
        .values(scans=UnboxingCard.scans + 1, last_scan_at=now),
        execution_options={"synchronize_session": False},
    )
    session.add(UnboxingScan(shop_id=scanned.shop_id, card_id=scanned.card_id, scanned_at=now))


def note_redemptions(session: Session, shop: Shop, order: Order) -> None:
    """An order that used unboxing codes: their cards remember the first such order (a paid or
    unpaid order alike: the code is spent on the store once the order is placed)."""
    codes = sorted({str(code).upper() for code in order.discount_codes or []})[:50]
    if not codes:
        return
    coupon_ids = select(Coupon.id).where(Coupon.shop_id == shop.id, Coupon.kind == "unboxing", Coupon.code.in_(codes))
    session.execute(
        update(UnboxingCard)
        .where(UnboxingCard.coupon_id.in_(coupon_ids), UnboxingCard.redeemed_at.is_(None))
        .values(redeemed_order=order.platform_order_id, redeemed_at=utcnow()),
        execution_options={"synchronize_session": False},
    )


def scans_between(session: Session, shop_id: int, start: datetime, end: datetime) -> int:
    query = select(func.count()).where(
        UnboxingScan.shop_id == shop_id, UnboxingScan.scanned_at >= start, UnboxingScan.scanned_at < end
    )
    return int(session.execute(query).scalar_one())
