"""The outbox: side effects on a platform (coupons, store credit). Each is recorded in the database
before the call, the attempt is claimed before the call, and the answer is recorded after it; the
jobs in integrator/jobs.py run these and retry what is left pending."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from connectors.base import Connector, PlatformError, UnboxingCardLink
from integrator.config import Config
from integrator.db import Database
from integrator.loyalty import coupons, referrals, store_credit
from integrator.loyalty.models import Shop, utcnow
from integrator.loyalty.money import from_minor
from integrator.platform_registry import store_credit_supported

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reach:
    """What a job needs to reach a shop's platform: the database, a transaction runner that retries
    conflicts, the shop's connector (None without usable credentials), and how many calls to try
    before giving up. jobs.py builds it: retry policy and credentials stay there."""

    db: Database
    transact: Callable[[Callable[[Session], Any]], Any]
    connect: Callable[[Shop], Connector | None]
    config: Config
    max_attempts: int


def client_for(session: Session, reach: Reach, shop_id: int) -> Connector | None:
    """The shop's connector; None when the shop is gone, uninstalled or without credentials."""
    shop = session.get(Shop, shop_id)
    if shop is None or shop.uninstalled_at is not None:
        return None
    return reach.connect(shop)


def transient(exc: PlatformError) -> bool:
    """Worth trying again later: throttling, outages, and a refused token (it may be refreshed)."""
    return exc.retryable or exc.status in (401, 403)


def push_coupon(reach: Reach, coupon_id: int) -> str:
    """Make a pending coupon on the store: `active`, `failed` (refused), `retrying` or `skipped`."""
    with reach.db.session() as session:
        pending = coupons.pending_coupon(session, coupon_id)
        client = client_for(session, reach, pending.shop_id) if pending else None
    if pending is None or client is None:
        return "skipped"
    if not reach.transact(lambda s: coupons.claim_attempt(s, coupon_id, pending.attempts)):
        return "skipped"  # another job is making it
    try:
        platform_id = client.create_coupon(pending.spec)
    except PlatformError as exc:
        reason = f"{exc.__class__.__name__}: {exc}"
        if transient(exc) and pending.attempts + 1 < reach.max_attempts:
            reach.transact(lambda s: coupons.note_error(s, coupon_id, reason))
            return "retrying"
        reach.transact(lambda s: coupons.mark_failed(s, coupon_id, reason))
        return "failed"
    reach.transact(lambda s: coupons.mark_active(s, coupon_id, platform_id))
    _attach_to_order(client, pending, reach.config.app_url)
    return "active"


def _attach_to_order(client: Connector, pending: coupons.PendingCoupon, app_url: str) -> None:
    """Where the platform shows an order's unboxing code from the order itself (WooCommerce: the
    plugin reads the order meta on the thank-you page, in emails and on the packing slip; Shopify:
    order metafields, and the order note if the merchant opted in), put it there with its card's
    scan link. The coupon exists either way: a failure here (a Shopify shop that has not granted
    write_orders) is logged, not retried."""
    if pending.order_id is None:
        return
    card = None
    if pending.scan_token:
        scan_url = f"{app_url}/u/{pending.scan_token}"
        card = UnboxingCardLink(scan_url, f"{scan_url}/qr.png", pending.order_note)
    try:
        client.attach_coupon_to_order(pending.order_id, pending.spec.code, card)
    except PlatformError as exc:
        log.warning("coupon %s made, but not shown on order %s: %s", pending.coupon_id, pending.order_id, exc)


def _start_transfer(session: Session, shop_id: int, member_id: int) -> int | None:
    shop = session.get(Shop, shop_id)
    if shop is None:
        return None
    return store_credit.start_transfer(session, shop, member_id, store_credit_supported(shop))


def transfer_cashback(reach: Reach, shop_id: int, member_id: int) -> str:
    """Move the member's available cashback to store credit; "nothing" when there is none to move."""
    transfer_id = reach.transact(lambda s: _start_transfer(s, shop_id, member_id))
    if transfer_id is None:
        return "nothing"
    return push_transfer(reach, transfer_id)


def push_transfer(reach: Reach, transfer_id: int) -> str:
    """Credit a pending transfer on the store: `done`, `failed` (refused, cashback given back),
    `retrying` or `skipped`. A transfer that keeps failing transiently stays pending with its error
    after the last attempt: the platform may have applied it, so nothing is given back blindly."""
    with reach.db.session() as session:
        pending = store_credit.pending_transfer(session, transfer_id)
        client = client_for(session, reach, pending.shop_id) if pending else None
    if pending is None or client is None:
        return "skipped"
    if not reach.transact(lambda s: store_credit.claim_attempt(s, transfer_id, pending.attempts)):
        return "skipped"
    amount = from_minor(pending.minor, pending.currency)
    try:
        transaction_id = client.credit_store_credit(pending.customer_id, amount, pending.currency)
    except PlatformError as exc:
        reason = f"{exc.__class__.__name__}: {exc}"
        if transient(exc):
            reach.transact(lambda s: store_credit.note_error(s, transfer_id, reason))
            return "retrying"
        reach.transact(lambda s: store_credit.refuse_transfer(s, transfer_id, reason))
        return "failed"
    reach.transact(lambda s: store_credit.complete_transfer(s, transfer_id, transaction_id))
    return "done"


def push_friend_codes(reach: Reach, shop_id: int) -> str:
    """Make the shop's pending friend codes on the store, oldest first, one job per shop at a time
    (on Shopify the first code creates the discount every next one joins): `done`, `retrying`
    (a transient failure: the periodic outbox tries again) or `skipped` (another job holds the shop,
    or the shop cannot be reached)."""
    with reach.db.session() as session:
        client = client_for(session, reach, shop_id)
    if client is None or not reach.transact(lambda s: referrals.claim_shop(s, shop_id, utcnow())):
        return "skipped"
    try:
        return _push_friend_codes(reach, client, shop_id)
    finally:
        reach.transact(lambda s: referrals.release_shop(s, shop_id))


def _push_friend_codes(reach: Reach, client: Connector, shop_id: int) -> str:
    while True:
        with reach.db.session() as session:
            pending = referrals.pending_friend_codes(session, shop_id)
        if not pending:
            return "done"
        holder = pending[0].spec.holder_id
        for item in pending:
            spec = replace(item.spec, holder_id=holder)
            try:
                holder = client.create_friend_code(spec)
            except PlatformError as exc:
                reason = f"{exc.__class__.__name__}: {exc}"
                final = not transient(exc) or item.attempts + 1 >= reach.max_attempts
                reach.transact(partial(referrals.friend_code_error, code_id=item.code_id, reason=reason, final=final))
                if not final:
                    return "retrying"
                continue
            reach.transact(partial(referrals.friend_code_made, code_id=item.code_id, holder_id=holder))
