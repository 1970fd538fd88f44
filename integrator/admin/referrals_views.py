"""The referrals page (/admin/referrals): the programme's settings (on, both sides' rewards, the hold,
the cap per advocate), what the fraud checks can see on this platform, the numbers of the last 30
days, and the review queue with each flagged referral's evidence (approve, reject). The settings form
is the settings page's own (settings.js, the same PATCH); the decisions post a form (cookie session)
or are sent with fetch (embedded), to the same domain function as the merchant API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue

from integrator import jobs
from integrator.admin import bp
from integrator.admin.access import Merchant, merchant_action, merchant_page, refused, render_page, wants_json
from integrator.admin.settings_form import flat_errors, patch_from_form
from integrator.error_texts import translated_details
from integrator.loyalty.errors import DomainError, InvalidSettings
from integrator.loyalty.models import Shop, utcnow
from integrator.loyalty.referral_checks import REASONS
from integrator.loyalty.referral_orders import review
from integrator.loyalty.referral_stats import referral_out, referrals_of, summary
from integrator.loyalty.rewards import rewards_of
from integrator.loyalty.settings import current_settings, update_settings
from integrator.services import services

QUEUE_SIZE = 100
WINDOW = timedelta(days=30)


def _render(merchant: Merchant, shop: Shop, errors: dict[str, str], status: int = 200) -> ResponseReturnValue:
    with services().db.session() as session:
        queue, waiting = referrals_of(session, shop.id, "review", 1, QUEUE_SIZE)
        recent, _ = referrals_of(session, shop.id, None, 1, 20)
        numbers = summary(session, shop.id, utcnow() - WINDOW, shop.currency)
        rewards = [{"id": r.id, "name": r.name} for r in rewards_of(session, shop.id)]
    page = render_page(
        "admin/referrals.html",
        merchant,
        shop,
        settings=current_settings(shop)["referrals"],
        errors=errors,
        queue=queue,
        waiting=waiting,
        recent=recent,
        numbers=numbers,
        reasons=REASONS,
        rewards=rewards,
        saved=request.args.get("saved"),
    )
    return page, status


@bp.get("/referrals")
@merchant_page
def referrals_page(merchant: Merchant, shop: Shop) -> ResponseReturnValue:
    return _render(merchant, shop, {})


@bp.post("/referrals")
@merchant_action
def post_referral_settings(merchant: Merchant, shop: Shop) -> ResponseReturnValue:
    """The settings form without JavaScript: saved → the page again; refused → 422 with the errors."""
    try:
        patch = patch_from_form(request.form)
        with services().db.session() as session:
            row = session.get(Shop, shop.id)
            if row is None:
                return refused(401, "not signed in")
            update_settings(session, row, patch, merchant.actor)
            session.expunge(row)
            shop = row
    except InvalidSettings as exc:
        return _render(merchant, shop, flat_errors(translated_details(exc.details)), 422)
    return redirect(url_for("admin.referrals_page", saved="settings"), code=303)


@bp.post("/referrals/<int:referral_id>/<any(approve, reject):decision>")
@merchant_action
def decide_referral(merchant: Merchant, shop: Shop, referral_id: int, decision: str) -> ResponseReturnValue:
    """Approve or reject a referral in review (409 when it is not)."""

    def work(session: Any) -> dict[str, Any]:
        review(session, shop, referral_id, decision == "approve", merchant.actor)
        return referral_out(session, shop.id, referral_id)

    try:
        decided = jobs.in_transaction(work)
    except DomainError as exc:
        return refused(exc.status, exc.message)
    if wants_json(request):
        return jsonify({"referral": decided})
    return redirect(url_for("admin.referrals_page", saved=decision), code=303)
