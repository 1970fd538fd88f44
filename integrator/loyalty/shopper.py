"""What a shopper sees: their balances, the shop's programme, their unboxing coupon and what one of
their orders earned, in the shapes the storefront widgets read. The widget API and the Shopify app
proxy both answer with these, so they live below both."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel import Locale, UnknownLocaleError
from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import NotFound
from .expiry import member_expires_at
from .members import find_member
from .models import Coupon, Member, Order, Shop, utcnow
from .money import display, format_minor_string
from .pending import pending_of
from .referrals import received_code
from .rewards import rewards_of
from .settings import WIDGET_LANGUAGES, current_settings
from .shapes import OFFERED_REWARD, SHOPPER_CODE, UNBOXING_COUPON
from .tier_public import programme_tiers
from .tier_status import tier_view
from .ways_to_earn import ways_of

# Where a code is applied on the storefront: Shopify's own discount link, and the WordPress
# plugin's `?coupon=` handler (connectors/woocommerce/plugin/setia-loyalty/includes/coupon-link.php).


def locale_of(shop: Shop) -> str:
    """Babel's name for the shop's language ("id-ID" → "id_ID"); English when Babel has no such locale."""
    try:
        return str(Locale.parse(shop.language.replace("-", "_")))
    except (ValueError, TypeError, UnknownLocaleError):
        return "en"


def balances_of(session: Session, shop: Shop, platform_customer_id: str) -> dict[str, Any]:
    """The `me` answer. A shopper who is not a member yet has zero balances (`member: false`)."""
    member = find_member(session, shop.id, platform_customer_id)
    currency, locale = shop.currency, locale_of(shop)
    points = (member.points_available, member.points_pending, member.lifetime_points) if member else (0, 0, 0)
    cashback = (member.cashback_available, member.cashback_pending) if member else (0, 0)
    return {
        "member": member is not None,
        "currency": currency,
        "balances": {
            "points_available": points[0],
            "points_pending": points[1],
            "lifetime_points": points[2],
            "cashback_available": format_minor_string(cashback[0], currency),
            "cashback_pending": format_minor_string(cashback[1], currency),
        },
        # Formatted by local habit, as the merchant pages show them (Rp 10.000, $3.62).
        "display": {
            "cashback_available": display(cashback[0], currency, locale),
            "cashback_pending": display(cashback[1], currency, locale),
        },
        "tier": tier_view(session, shop, member),  # the widget's tiers.js shows it, with progress
        "pending": pending_of(session, shop.id, member.id, currency) if member else [],
        # The day the available points expire if nothing happens meanwhile (UTC), or None.
        "points_expire_at": _expiry_date(session, shop, member),
    } | _tier_rewards(session, shop, member)


def _tier_rewards(session: Session, shop: Shop, member: Member | None) -> dict[str, Any]:
    """`tier_rewards`, only for a member whose tier has rewards of its own: offered beside the public ones."""
    if member is None or member.tier_id is None:
        return {}
    own = [reward for reward in rewards_of(session, shop.id) if reward.tier_id == member.tier_id]
    return {"tier_rewards": OFFERED_REWARD.dump(own, many=True)} if own else {}


def _expiry_date(session: Session, shop: Shop, member: Member | None) -> str | None:
    moment = member_expires_at(session, shop, member) if member is not None else None
    return moment.date().isoformat() if moment is not None else None


def _theme(settings: dict[str, Any]) -> dict[str, Any]:
    widget = settings["widget"]
    texts = widget.get("texts") or {}
    return {
        "accent_color": widget["accent_color"],
        "position": widget["position"],
        "texts": {language: dict(texts.get(language) or {}) for language in WIDGET_LANGUAGES},
    }


def programme_of(session: Session, shop: Shop, apply_path: str) -> dict[str, Any]:
    """The `program` answer: the earning rules, rewards and look anyone may read. Nothing personal.
    `apply_path` is the storefront path applying a code on the shop's platform ("{code}" in it)."""
    settings = current_settings(shop)
    return {
        "currency": shop.currency,
        "language": shop.language,
        "platform": shop.platform,
        "earning": {
            "points_per_unit": str(settings["points_per_unit"]),
            "cashback_percent": str(settings["cashback_percent"]),
            "pending_days": int(settings["pending_days"]),
        },
        # Rewards for one tier are offered to its members only (rewards.redeem checks).
        "rewards": OFFERED_REWARD.dump([r for r in rewards_of(session, shop.id) if r.tier_id is None], many=True),
        "ways_to_earn": ways_of(session, shop),  # sign-up, birthday, newsletter, social, custom actions
        "theme": _theme(settings),
        "apply_path": apply_path,
        "referrals": _referrals(shop, settings["referrals"]),
        **programme_tiers(session, shop, utcnow()),
    }


def _referrals(shop: Shop, referrals: dict[str, Any]) -> dict[str, Any] | None:
    """What the share panel says (null when the shop has referrals off): the friend's discount, the
    advocate's points, and the shop's name for the message friends receive."""
    if not referrals["enabled"]:
        return None
    return {
        "friend_discount_percent": str(referrals["friend_discount_percent"]),
        "advocate_points": int(referrals["advocate_points"]),
        "shop_name": shop.name or None,
    }


def _unboxing_view(coupon: Coupon, order_name: str | None) -> dict[str, Any]:
    return {**UNBOXING_COUPON.dump(coupon), "order_name": order_name}


def _unboxing_query(shop_id: int, member_id: int) -> Any:
    return (
        select(Coupon, Order.name)
        .outerjoin(Order, (Order.shop_id == Coupon.shop_id) & (Order.platform_order_id == Coupon.source_id))
        .where(Coupon.shop_id == shop_id, Coupon.member_id == member_id, Coupon.kind == "unboxing")
    )


def unboxing_of(session: Session, shop: Shop, platform_customer_id: str) -> dict[str, Any]:
    """The `unboxing` answer: the unboxing coupon of the shopper's most recent order that has one."""
    member = find_member(session, shop.id, platform_customer_id)
    if member is None:
        return {"coupon": None}
    newest = _unboxing_query(shop.id, member.id).order_by(Coupon.created_at.desc(), Coupon.id.desc()).limit(1)
    row = session.execute(newest).first()
    return {"coupon": _unboxing_view(row[0], row[1]) if row else None}


def order_of(session: Session, shop: Shop, platform_customer_id: str, platform_order_id: str) -> dict[str, Any]:
    """The thank-you element's answer: what the shopper's order earned, and its unboxing coupon.
    NotFound when Setia has not seen the order (yet) or it is another shopper's: the two look the
    same from outside, so an order id tells a stranger nothing."""
    member = find_member(session, shop.id, platform_customer_id)
    order = session.execute(
        select(Order).where(Order.shop_id == shop.id, Order.platform_order_id == platform_order_id)
    ).scalar_one_or_none()
    if member is None or order is None or order.member_id != member.id:
        raise NotFound("unknown order")
    coupon = session.execute(
        _unboxing_query(shop.id, member.id).where(Coupon.source_id == platform_order_id).limit(1)
    ).first()
    return {
        "order_id": order.platform_order_id,
        "name": order.name,
        "status": order.status,
        "points": order.points_held,  # pending included
        "points_pending": order.points_pending,
        "cashback_display": display(order.cashback_held, shop.currency, locale_of(shop)),
        "unboxing": _unboxing_view(coupon[0], coupon[1]) if coupon else None,
    }


MAX_CODES = 50  # a shopper with more usable codes than this sees the newest


def codes_of(
    session: Session, shop: Shop, platform_customer_id: str, now: datetime | None = None, received: str | None = None
) -> dict[str, Any]:
    """The `codes` answer ("My codes"): the shopper's codes they can still use, newest first. Not a
    code the store refused (`failed`), one past its expiry, nor one an order of the shopper's has
    used (each code is single-use; the order's webhook says which codes it used); `pending` ones are
    listed (the store is making them). A code used on an order Setia has not heard of (a guest
    checkout) stays until it expires."""
    member = find_member(session, shop.id, platform_customer_id)
    if member is None:
        return {"items": []}
    now = now or utcnow()
    rows = session.execute(
        select(Coupon)
        .where(Coupon.shop_id == shop.id, Coupon.member_id == member.id, Coupon.status != "failed")
        .where((Coupon.expires_at.is_(None)) | (Coupon.expires_at > now))
        .order_by(Coupon.created_at.desc(), Coupon.id.desc())
        .limit(MAX_CODES_READ)
    )
    used = used_codes(session, shop.id, member.id)
    usable = [coupon for coupon in rows.scalars() if coupon.code.upper() not in used][:MAX_CODES]
    items = SHOPPER_CODE.dump(usable, many=True)
    friend = received_code(session, shop, member, received)  # a friend's code they arrived with
    return {"items": ([friend] if friend else []) + items}


MAX_CODES_READ = 250  # codes read to find the MAX_CODES newest unused ones
MAX_USED_LOOKED_AT = 200  # the member's orders read for the codes they used (newest first)


def used_codes(session: Session, shop_id: int, member_id: int) -> set[str]:
    """The codes the member's orders used, upper-cased (platforms compare codes without case)."""
    rows = session.execute(
        select(Order.discount_codes)
        .where(Order.shop_id == shop_id, Order.member_id == member_id, Order.discount_codes.is_not(None))
        .order_by(Order.id.desc())
        .limit(MAX_USED_LOOKED_AT)
    ).scalars()
    return {str(code).upper() for codes in rows for code in (codes or [])}
