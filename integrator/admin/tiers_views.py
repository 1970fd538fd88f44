"""The tiers and campaigns page (/admin/tiers): the tiers with a preview of what an order earns at
each, the campaigns with their times in the shop's time zone, and the analytics of both; the JSON
endpoints its forms submit to, through the domain's functions (the API's own rules)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import jsonify, request
from flask_babel import format_datetime
from werkzeug.wrappers import Response

from integrator.admin import bp
from integrator.admin.access import Merchant, merchant_action, merchant_page, render_page
from integrator.admin.analytics import Formats
from integrator.http_errors import json_error
from integrator.loyalty import campaigns as campaign_rules
from integrator.loyalty import tiers as tier_rules
from integrator.loyalty.boost import ONE
from integrator.loyalty.earning import target_for
from integrator.loyalty.models import Shop, utcnow
from integrator.loyalty.money import to_minor
from integrator.loyalty.settings import current_settings, rates_of
from integrator.loyalty.tier_analytics import campaign_rows, tier_names, tier_rows
from integrator.loyalty.tier_status import tiers_of, zone_of
from integrator.services import services

SAVED = ("created", "updated", "deleted")


def sample_order(currency: str) -> Decimal:
    """The order the previews earn on: Rp 100.000, or 100.00 of other currencies."""
    return Decimal(100_000) if currency.upper() == "IDR" else Decimal(100)


def _preview(shop: Shop, multiplier: Decimal, bonus: int = 0) -> int:
    sample = sample_order(shop.currency)
    return target_for(to_minor(sample, shop.currency), shop.currency, "paid", rates_of(shop), multiplier, bonus).points


def _local(shop: Shop, moment: datetime) -> dict[str, str]:
    local = moment.astimezone(zone_of(shop))
    return {"input": local.strftime("%Y-%m-%dT%H:%M"), "label": format_datetime(local.replace(tzinfo=None), "medium")}


@bp.get("/tiers")
@merchant_page
def tiers_page(merchant: Merchant, shop: Shop) -> str:
    fmt, now = Formats(shop), utcnow()
    spend = current_settings(shop)["tiers"]["basis"] == "spend"
    with services().db.session() as session:
        tiers = [tier_rules.values_of(tier) for tier in tiers_of(session, shop.id)]
        names = tier_names(session, shop.id)
        campaigns = [campaign_rules.values_of(c) for c in campaign_rules.campaigns_of(session, shop.id)]
        per_tier = tier_rows(session, shop.id)
        per_campaign = campaign_rows(session, shop.id)
    for tier in tiers:
        threshold = Decimal(tier["threshold"])
        tier["threshold_label"] = fmt.money_per_point(threshold) if spend else fmt.number(int(threshold))
        tier["preview"] = fmt.number(_preview(shop, Decimal(tier["multiplier"])))
    for campaign in campaigns:
        campaign["starts"], campaign["ends"] = _local(shop, campaign["starts_at"]), _local(shop, campaign["ends_at"])
        campaign["state"] = (
            "running"
            if campaign["starts_at"] <= now < campaign["ends_at"]
            else ("scheduled" if now < campaign["starts_at"] else "ended")
        )
        campaign["tier_name"] = names.get(campaign["tier_id"]) if campaign["tier_id"] else None
        campaign["preview"] = fmt.number(_preview(shop, Decimal(campaign["multiplier"]), campaign["bonus_points"]))
        campaign["products"] = ", ".join(campaign["product_ids"] or [])
    saved = request.args.get("saved")
    return render_page(
        "admin/tiers.html",
        merchant,
        shop,
        tiers=tiers,
        campaigns=campaigns,
        per_tier=per_tier,
        per_campaign=per_campaign,
        fmt=fmt,
        spend=spend,
        sample=fmt.money_per_point(sample_order(shop.currency)),
        plain=fmt.number(_preview(shop, ONE)),
        ppu=format(rates_of(shop).points_per_unit, "f"),
        sample_number=format(sample_order(shop.currency), "f"),
        zone=str(zone_of(shop)),
        max_tiers=tier_rules.MAX_TIERS,
        saved=saved if saved in SAVED else None,
    )


def _with_zone(shop: Shop, body: Any) -> Any:
    """The page's datetime-local fields carry no offset: they are in the shop's time zone."""
    if not isinstance(body, dict):
        return body
    changed = dict(body)
    for name in ("starts_at", "ends_at"):
        value = changed.get(name)
        if isinstance(value, str) and len(value) <= 40:
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                continue
            if moment.tzinfo is None:
                changed[name] = moment.replace(tzinfo=zone_of(shop)).isoformat()
    return changed


def _run(shop: Shop, work: Any, status: int = 200) -> Response:
    with services().db.session() as session:
        row = session.get(Shop, shop.id)
        if row is None:
            return json_error(401, "not signed in")
        body = work(session, row)
    response = jsonify(body)
    response.status_code = status
    return response


@bp.post("/api/tiers")
@merchant_action
def add_tier(merchant: Merchant, shop: Shop) -> Response:
    body = request.get_json(silent=True)
    return _run(shop, lambda s, row: {"tier": tier_rules.values_of(tier_rules.create_tier(s, row, body))}, 201)


@bp.patch("/api/tiers/<int:tier_id>")
@merchant_action
def change_tier(merchant: Merchant, shop: Shop, tier_id: int) -> Response:
    body = request.get_json(silent=True)
    return _run(shop, lambda s, row: {"tier": tier_rules.values_of(tier_rules.update_tier(s, row, tier_id, body))})


@bp.delete("/api/tiers/<int:tier_id>")
@merchant_action
def remove_tier(merchant: Merchant, shop: Shop, tier_id: int) -> Response:
    def work(session: Any, row: Shop) -> dict[str, bool]:
        tier_rules.delete_tier(session, row, tier_id)
        return {"deleted": True}

    return _run(shop, work)


def _campaign_out(campaign: Any) -> dict[str, Any]:
    values = campaign_rules.values_of(campaign)
    return values | {"starts_at": values["starts_at"].isoformat(), "ends_at": values["ends_at"].isoformat()}


@bp.post("/api/campaigns")
@merchant_action
def add_campaign(merchant: Merchant, shop: Shop) -> Response:
    body = _with_zone(shop, request.get_json(silent=True))
    return _run(shop, lambda s, row: {"campaign": _campaign_out(campaign_rules.create_campaign(s, row, body))}, 201)


@bp.patch("/api/campaigns/<int:campaign_id>")
@merchant_action
def change_campaign(merchant: Merchant, shop: Shop, campaign_id: int) -> Response:
    body = _with_zone(shop, request.get_json(silent=True))
    return _run(
        shop, lambda s, row: {"campaign": _campaign_out(campaign_rules.update_campaign(s, row, campaign_id, body))}
    )


@bp.delete("/api/campaigns/<int:campaign_id>")
@merchant_action
def remove_campaign(merchant: Merchant, shop: Shop, campaign_id: int) -> Response:
    def work(session: Any, row: Shop) -> dict[str, bool]:
        campaign_rules.delete_campaign(session, row, campaign_id)
        return {"deleted": True}

    return _run(shop, work)
