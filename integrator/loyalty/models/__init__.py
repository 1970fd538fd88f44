"""Tables of the domain: shops, members, the append-only ledger, orders and the webhook inbox.

One module per group of tables; every name is re-exported here (`from integrator.loyalty.models
import X`), and importing this package registers every table on `Base.metadata` (Alembic's target).
"""

from .analytics import AnalyticsDay, AnalyticsSnapshot
from .base import MAX_ROW_ID, NAMING, Base, BigId, UTCDateTime, utcnow
from .coupons import Coupon, Reward
from .inbox import DataRequest, PeriodicMark, WebhookEvent
from .ledger import CreditTransfer, LedgerEntry, Member, MemberImport, Order, OrderRefund
from .notify import Delivery, DomainEvent, EmailOptOut, WebhookEndpoint, WhatsAppAccount
from .programme import ActionCredit, CustomAction, MemberBirthday
from .referrals import BuyerKey, FriendCode, Referral, ReferralClick, ReferralProgram
from .shops import ApiKey, PendingConnect, SettingsChange, Shop, UsedLoginLink
from .tiers import Campaign, Tier, TierChange
from .unboxing import ShopLogo, UnboxingCard, UnboxingScan

__all__ = [
    "ActionCredit",
    "AnalyticsDay",
    "AnalyticsSnapshot",
    "ApiKey",
    "Base",
    "BuyerKey",
    "BigId",
    "Campaign",
    "Coupon",
    "CreditTransfer",
    "CustomAction",
    "DataRequest",
    "FriendCode",
    "Delivery",
    "DomainEvent",
    "EmailOptOut",
    "LedgerEntry",
    "MAX_ROW_ID",
    "Member",
    "MemberBirthday",
    "MemberImport",
    "NAMING",
    "Order",
    "OrderRefund",
    "PendingConnect",
    "PeriodicMark",
    "Referral",
    "ReferralClick",
    "ReferralProgram",
    "Reward",
    "SettingsChange",
    "Shop",
    "Tier",
    "TierChange",
    "ShopLogo",
    "UTCDateTime",
    "UnboxingCard",
    "UnboxingScan",
    "UsedLoginLink",
    "WebhookEndpoint",
    "WebhookEvent",
    "WhatsAppAccount",
    "utcnow",
]
