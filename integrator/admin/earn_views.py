"""The ways-to-earn page (/admin/earn): the bonus amounts (sign-up, birthday, newsletter, social),
the shop's social profiles, when pending points start counting, and the custom actions, with a
preview of what shoppers see. Settings are saved through /admin/api/settings (settings_views.py);
custom actions through the JSON endpoints here, with the API's own schemas (one set of rules)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from integrator.admin import bp
from integrator.admin.access import Merchant, merchant_action, merchant_page, render_page
from integrator.http_errors import json_error
from integrator.loyalty.action_schemas import ACTION, ActionIn, ActionPatch
from integrator.loyalty.custom_actions import (
    PERIODS,
    actions_of,
    create_action,
    delete_action,
    get_action,
    update_action,
)
from integrator.loyalty.models import Shop
from integrator.loyalty.settings import current_settings
from integrator.loyalty.ways_to_earn import ways_of
from integrator.services import services

SAVED = ("settings", "created", "updated", "deleted")


@bp.get("/earn")
@merchant_page
def earn_page(merchant: Merchant, shop: Shop) -> str:
    with services().db.session() as session:
        row = session.get(Shop, shop.id)
        assert row is not None  # noqa: S101 (merchant_page found it)
        actions = ACTION.dump(actions_of(session, shop.id), many=True)
        preview = ways_of(session, row)
        settings = current_settings(row)
    saved = request.args.get("saved")
    return render_page(
        "admin/earn.html",
        merchant,
        shop,
        settings=settings,
        actions=actions,
        periods=PERIODS,
        preview=preview,
        saved=saved if saved in SAVED else None,
    )


def _loaded(schema: Any, body: Any, partial: bool = False) -> dict[str, Any] | Response:
    try:
        loaded: dict[str, Any] = schema.load(body if isinstance(body, dict) else {}, partial=partial)
    except ValidationError as exc:
        return json_error(422, "invalid input", exc.messages)
    return loaded


@bp.post("/api/actions")
@merchant_action
def add_action(merchant: Merchant, shop: Shop) -> Response:
    values = _loaded(ActionIn(), request.get_json(silent=True))
    if isinstance(values, Response):
        return values
    with services().db.session() as session:
        body = ACTION.dump(create_action(session, shop.id, values))
    response = jsonify({"action": body})
    response.status_code = 201
    return response


@bp.patch("/api/actions/<int:action_id>")
@merchant_action
def change_action(merchant: Merchant, shop: Shop, action_id: int) -> Response:
    values = _loaded(ActionPatch(), request.get_json(silent=True), partial=True)
    if isinstance(values, Response):
        return values
    with services().db.session() as session:
        body = ACTION.dump(update_action(session, get_action(session, shop.id, action_id), values))
    return jsonify({"action": body})


@bp.delete("/api/actions/<int:action_id>")
@merchant_action
def remove_action(merchant: Merchant, shop: Shop, action_id: int) -> Response:
    with services().db.session() as session:
        delete_action(session, get_action(session, shop.id, action_id))
    return jsonify({"deleted": action_id})
