"""The card logo: uploaded on the settings page (POST /admin/api/unboxing/logo, multipart `logo`),
removed (DELETE); integrator/unboxing_scan.py serves it (GET /u/logo/<public id>/<version>)."""

from __future__ import annotations

from flask import jsonify, request
from werkzeug.wrappers import Response

from integrator.admin import bp
from integrator.admin.access import Merchant, merchant_action
from integrator.http_errors import json_error
from integrator.loyalty.logos import MAX_BYTES, logo_version, remove_logo, save_logo
from integrator.loyalty.models import Shop
from integrator.services import services


def logo_url(shop: Shop) -> str | None:
    with services().db.session() as session:
        version = logo_version(session, shop.id)
    return None if version is None else f"/u/logo/{shop.public_id}/{version}"


@bp.post("/api/unboxing/logo")
@merchant_action
def upload_logo(merchant: Merchant, shop: Shop) -> Response:
    upload = request.files.get("logo")
    if upload is None:
        return json_error(422, "invalid logo", {"logo": ["Choose a PNG or JPEG file."]})
    data = upload.stream.read(MAX_BYTES + 1)
    with services().db.session() as session:
        logo = save_logo(session, shop.id, data)  # InvalidSettings → 422, nothing stored
        url = f"/u/logo/{shop.public_id}/{logo.id}"
    response = jsonify({"logo_url": url})
    response.status_code = 201
    return response


@bp.delete("/api/unboxing/logo")
@merchant_action
def delete_logo(merchant: Merchant, shop: Shop) -> Response:
    with services().db.session() as session:
        remove_logo(session, shop.id)
    return jsonify({"logo_url": None})
