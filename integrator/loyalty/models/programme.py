"""Ways to earn beyond buying: a member's birthday, the merchant's custom actions and the credits
their systems asked for (the bonus entries themselves are ledger entries, keyed per period)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, BigId, utcnow


class MemberBirthday(Base):
    """Month and day only (no year: nothing asks for an age). Personal data: in the privacy
    export, deleted by erasure."""

    __tablename__ = "member_birthdays"
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    month: Mapped[int] = mapped_column(SmallInteger)
    day: Mapped[int] = mapped_column(SmallInteger)
    # When the shopper last set it: a change waits a year from here.
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class CustomAction(Base):
    """A way to earn the merchant's other systems report (a review, a survey): its points and how
    many times a member may earn it per period."""

    __tablename__ = "custom_actions"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(40))
    points: Mapped[int] = mapped_column(Integer)
    limit: Mapped[int] = mapped_column(Integer, default=1)
    period: Mapped[str] = mapped_column(String(10), default="lifetime")  # day|week|month|year|lifetime
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("shop_id", "name"),)


class ActionCredit(Base):
    """One `POST /members/<id>/actions` call that credited, by the caller's idempotency key: the
    same key again answers with this credit and posts nothing."""

    __tablename__ = "action_credits"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    idempotency_key: Mapped[str] = mapped_column(String(100))
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("shop_id", "idempotency_key"),)
