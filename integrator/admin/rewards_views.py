"""The rewards catalogue page (/admin/rewards: every reward, active or not; create, edit, deactivate,
reactivate) and the JSON endpoints its forms submit to, through the domain's reward functions
(the API's own RewardSchema: one set of rules)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import jsonify, request
from flask_babel import format_decimal
from werkzeug.wrappers import Response

from integrator.admin import bp
from integrator.admin.access import Merchant, merchant_action, merchant_page, render_page
from integrator.admin.analytics import Formats
from integrator.http_errors import json_error
from integrator.loyalty.models import Shop
from integrator.loyalty.rewards import (
    DEFAULT_EXPIRES_DAYS,
    KINDS,
    create_reward,
    redemptions_by_reward,
    rewards_of,
    update_reward,
)
from integrator.loyalty.shapes import REWARD
from integrator.services import services

SAVED = ("created", "updated", "deactivated", "reactivated")


@bp.get("/rewards")
@merchant_page
def rewards_page(merchant: Merchant, shop: Shop) -> str:
    with services().db.session() as session:
        rewards = REWARD.dump(rewards_of(session, shop.id, include_inactive=True), many=True)
        redemptions = redemptions_by_reward(session, shop.id)
    fmt = Formats(shop)
    for reward in rewards:
        reward["redemptions"] = redemptions.get(reward["id"], 0)
        reward |= _labels(reward, fmt)
    saved = request.args.get("saved")
    return render_page(
        "admin/rewards.html",
        merchant,
        shop,
        rewards=rewards,
        kinds=KINDS,
        default_expires_days=DEFAULT_EXPIRES_DAYS,
        saved=saved if saved in SAVED else None,
    )


def _labels(reward: dict[str, Any], fmt: Formats) -> dict[str, str]:
    """The compact list's numbers as the shop's language writes them (1.500 poin, Rp 10.000, 12,5%)."""
    value = Decimal(reward["value"])
    shown = f"{format_decimal(value)}%" if reward["kind"] == "percentage" else fmt.money_per_point(value)
    minimum = reward["min_order"]
    return {
        "points_label": fmt.number(reward["points_cost"]),
        "value_label": shown,
        "min_order_label": fmt.money_per_point(Decimal(minimum)) if minimum else "",
        "redemptions_label": fmt.number(reward["redemptions"]),
    }


@bp.post("/api/rewards")
@merchant_action
def add_reward(merchant: Merchant, shop: Shop) -> Response:
    """The new-reward form's fetch: 201 with the reward, or 422 with field errors and nothing stored
    (InvalidSettings, answered by integrator/http_errors.py like every domain error)."""
    with services().db.session() as session:
        row = session.get(Shop, shop.id)
        if row is None:
            return json_error(401, "not signed in")
        body = REWARD.dump(create_reward(session, row, request.get_json(silent=True)))
    response = jsonify({"reward": body})
    response.status_code = 201
    return response


@bp.patch("/api/rewards/<int:reward_id>")
@merchant_action
def change_reward(merchant: Merchant, shop: Shop, reward_id: int) -> Response:
    """A reward's edit form or its (de)activate button: a partial change, validated whole (422), or
    404 for another shop's reward (NotFound)."""
    with services().db.session() as session:
        row = session.get(Shop, shop.id)
        if row is None:
            return json_error(401, "not signed in")
        body = REWARD.dump(update_reward(session, row, reward_id, request.get_json(silent=True)))
    return jsonify({"reward": body})
