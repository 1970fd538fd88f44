"""One shape per resource shown outside: coupon, reward, member, ledger entry.

The merchant API documents and answers these schemas whole; the widget API, the merchant pages and
the privacy export show named subsets of them (`only=`), so a field is declared, named and
serialized in one place. The subsets are deliberate: a shopper never sees a coupon's store id or
the store's refusal, and a privacy export holds what Setia knows of the shopper, not its
bookkeeping. Marshmallow (no Flask) so the domain's privacy export can use them."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from .models import Coupon, LedgerEntry, Member
from .money import format_minor_string


class CouponSchema(Schema):
    """A coupon as the merchant API shows it (dumps a Coupon row as it is)."""

    id = fields.Integer()
    code = fields.String()
    kind = fields.String(metadata={"description": "unboxing | reward"})
    status = fields.String(metadata={"description": "pending (not on the store yet) | active | failed"})
    platform = fields.String()
    platform_id = fields.String(allow_none=True, metadata={"description": "the discount's id on the store"})
    value_type = fields.String(metadata={"description": "percentage | fixed_amount | free_shipping"})
    value = fields.String(metadata={"description": "decimal string: percent, or amount in the shop currency"})
    min_order = fields.String(
        allow_none=True, metadata={"description": "decimal: the order subtotal the code needs; null = none"}
    )
    source_id = fields.String(allow_none=True, metadata={"description": "the order that earned it"})
    starts_at = fields.DateTime()
    expires_at = fields.DateTime(allow_none=True)
    last_error = fields.String(allow_none=True, metadata={"description": "why the store refused it, if it did"})
    created_at = fields.DateTime()


def _reward_id(coupon: Coupon) -> int | None:
    return int(coupon.source_id) if coupon.source_id else None


class RedeemedCouponSchema(CouponSchema):
    """A reward's coupon as the shopper who bought it sees it: the reward it came from by id."""

    reward_id = fields.Function(_reward_id, allow_none=True)


class ShopperCodeSchema(RedeemedCouponSchema):
    """A code in the shopper's "My codes": where it came from in the contract's word (`source`:
    reward, cashback, unboxing; referral once friends' codes exist), which is the coupon's kind."""

    source = fields.Function(lambda coupon: coupon.kind)


_SHOPPER_COUPON = ("code", "status", "kind", "value_type", "value", "min_order", "expires_at")
# The widget's answers (and the Shopify app proxy's, which are the same answers).
REDEEMED_COUPON = RedeemedCouponSchema(only=(*_SHOPPER_COUPON, "reward_id"))
CASHBACK_COUPON = CouponSchema(only=_SHOPPER_COUPON)
UNBOXING_COUPON = CouponSchema(only=("code", "status", "value_type", "value", "expires_at"))  # + order_name
# The privacy export.
SHOPPER_CODE = ShopperCodeSchema(only=(*_SHOPPER_COUPON, "source", "reward_id"))
EXPORTED_COUPON = CouponSchema(only=(*_SHOPPER_COUPON, "created_at"))


class RewardOut(Schema):
    """A reward as the merchant API and the merchant rewards page show it (dumps a Reward row)."""

    id = fields.Integer()
    name = fields.String()
    points_cost = fields.Integer()
    kind = fields.String(metadata={"description": "fixed_amount | percentage | free_shipping"})
    value = fields.String(metadata={"description": "decimal: amount in the shop currency, or percent"})
    min_order = fields.String(
        allow_none=True, metadata={"description": "decimal: the order subtotal the code needs; null = none"}
    )
    expires_days = fields.Integer(metadata={"description": "days the issued code stays usable"})
    active = fields.Boolean(metadata={"description": "offered to members (inactive rewards are kept, not offered)"})
    tier_id = fields.Integer(allow_none=True, metadata={"description": "offered only to this tier's members"})


REWARD = RewardOut()
# The widget's `program` answer: what a shopper can buy, not how the merchant keeps it.
OFFERED_REWARD = RewardOut(only=("id", "name", "points_cost", "kind", "value", "min_order"))


class MemberSchema(Schema):
    """A member as the merchant API shows it; dumps `member_values(member, currency)`."""

    id = fields.Integer()
    email = fields.String(allow_none=True)
    first_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    platform_customer_id = fields.String()
    points_available = fields.Integer()
    points_pending = fields.Integer()
    points_owed = fields.Integer(metadata={"description": "points taken back that the balance could not cover"})
    lifetime_points = fields.Integer()
    cashback_available = fields.String(metadata={"description": "decimal string, shop currency"})
    cashback_pending = fields.String()
    cashback_owed = fields.String()
    currency = fields.String()
    tier = fields.String(allow_none=True)
    created_at = fields.DateTime()


def member_values(member: Member, currency: str) -> dict[str, Any]:
    """The member under MemberSchema's names: cashback as decimal strings of the shop's currency."""
    return {
        "id": member.id,
        "email": member.email,
        "first_name": member.first_name,
        "last_name": member.last_name,
        "platform_customer_id": member.platform_customer_id,
        "points_available": member.points_available,
        "points_pending": member.points_pending,
        "points_owed": member.points_debt,
        "lifetime_points": member.lifetime_points,
        "cashback_available": format_minor_string(member.cashback_available, currency),
        "cashback_pending": format_minor_string(member.cashback_pending, currency),
        "cashback_owed": format_minor_string(member.cashback_debt, currency),
        "currency": currency,
        "tier": member.tier.name if member.tier is not None else None,
        "created_at": member.created_at,
    }


EXPORTED_MEMBER = MemberSchema(
    only=(
        "id",
        "platform_customer_id",
        "email",
        "first_name",
        "last_name",
        "points_available",
        "points_pending",
        "lifetime_points",
        "cashback_available",
        "cashback_pending",
        "currency",
        "created_at",
    )
)


class EntrySchema(Schema):
    """A ledger entry as the merchant API shows it; dumps `entry_values(entry, currency)`."""

    id = fields.Integer()
    account = fields.String(metadata={"description": "points | cashback"})
    state = fields.String(metadata={"description": "pending | available | debt (owed)"})
    kind = fields.String(metadata={"description": "earn, vest, takeback, settle, adjust, ..."})
    points = fields.Integer(allow_none=True, metadata={"description": "signed; null for cashback entries"})
    cashback = fields.String(allow_none=True, metadata={"description": "signed decimal; null for points"})
    source = fields.String()
    source_id = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    available_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


def entry_values(entry: LedgerEntry, currency: str) -> dict[str, Any]:
    """The entry under EntrySchema's names: its amount as `points`, or as `cashback` (decimal)."""
    is_points = entry.account == "points"
    return {
        "id": entry.id,
        "account": entry.account,
        "state": entry.state,
        "kind": entry.kind,
        "points": entry.amount if is_points else None,
        "cashback": None if is_points else format_minor_string(entry.amount, currency),
        "source": entry.source,
        "source_id": entry.source_id,
        "reason": entry.reason,
        "available_at": entry.available_at,
        "created_at": entry.created_at,
    }


# The widget's history: the entry's kind and state (plus its amount and display text, history.py).
HISTORY_ENTRY = EntrySchema(only=("id", "account", "state", "kind", "available_at", "created_at"))
_EXPORTED_ENTRY = EntrySchema(only=("account", "state", "kind", "source", "source_id", "reason", "created_at"))


def exported_entry(entry: LedgerEntry, currency: str) -> dict[str, Any]:
    """The privacy export's entry: one `amount`, whichever of `points` and `cashback` it has."""
    values = entry_values(entry, currency)
    amount = values["points"] if values["points"] is not None else values["cashback"]
    return {**_EXPORTED_ENTRY.dump(values), "amount": amount}
