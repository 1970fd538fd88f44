"""The card logo: uploaded on the settings page (POST /admin/api/unboxing/logo, multipart `logo`),
removed (DELETE); integrator/unboxing_scan.py serves it (GET /u/logo/<public id>/<version>)."""

from __future__ import annotations

from flask import jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from integrator.admin import bp
from integrator.admin.access import Merchant, merchant_action, refused, wants_json
from integrator.error_texts import translated_details
from integrator.http_errors import json_error
from integrator.loyalty.errors import InvalidSettings
from integrator.loyalty.logos import MAX_BYTES, logo_version, remove_logo, save_logo
from integrator.loyalty.models import Shop
from integrator.services import services


def logo_url(shop: Shop) -> str | None:
    with services().db.session() as session:
        version = logo_version(session, shop.id)
    return None if version is None else f"/u/logo/{shop.public_id}/{version}"


@bp.post("/api/unboxing/logo")
@merchant_action
def upload_logo(merchant: Merchant, shop: Shop) -> ResponseReturnValue:
    """The settings page's logo (multipart `logo`): 201 {"logo_url"} for its script; a plain form
    post goes back to the settings page. A file that is no PNG or JPEG, or too big: 422, nothing kept."""
    upload = request.files.get("logo")
    if upload is None:
        return refused(422, "Choose a PNG or JPEG file.")
    data = upload.stream.read(MAX_BYTES + 1)
    try:
        with services().db.session() as session:
            logo = save_logo(session, shop.id, data)
            url = f"/u/logo/{shop.public_id}/{logo.digest[:16]}"
    except InvalidSettings as exc:
        if wants_json(request) or request.accept_mimetypes.best == "application/json":
            return json_error(422, "invalid logo", translated_details(exc.details))
        return refused(422, str(translated_details(exc.details)["logo"][0]))
    if not (wants_json(request) or request.accept_mimetypes.best == "application/json"):
        return redirect(url_for("admin.settings_page", saved=1), code=303)
    response = jsonify({"logo_url": url})
    response.status_code = 201
    return response


@bp.delete("/api/unboxing/logo")
@merchant_action
def delete_logo(merchant: Merchant, shop: Shop) -> Response:
    with services().db.session() as session:
        remove_logo(session, shop.id)
    return jsonify({"logo_url": None})
