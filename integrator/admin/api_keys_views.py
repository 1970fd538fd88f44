"""The merchant pages' API keys (/admin/api-keys): the same list as `shops api-keys`, revoking one
and issuing a new one, which is shown once (only its hash is stored)."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask.typing import ResponseReturnValue

from integrator.admin import bp
from integrator.admin.access import Merchant, merchant_action, merchant_page, render_page
from integrator.admin.home_views import when
from integrator.admin.members import finished
from integrator.loyalty.api_keys import api_keys_of, revoke_api_key
from integrator.loyalty.models import Shop
from integrator.loyalty.shops import issue_api_key
from integrator.services import services


def _render(
    merchant: Merchant, shop: Shop, new_key: str | None = None, already: bool = False, status: int = 200
) -> ResponseReturnValue:
    with services().db.session() as session:
        keys = [
            {
                "prefix": key.prefix,
                "created_at": when(key.created_at),
                "last_used_at": when(key.last_used_at),
                "revoked_at": when(key.revoked_at),
            }
            for key in api_keys_of(session, shop.id)
        ]
    newest = keys[0]["prefix"] if keys else ""
    page = render_page(
        "admin/api_keys.html", merchant, shop, keys=keys, new_key=new_key, newest=newest, already=already
    )
    # The new key is in this answer only: no cache keeps it.
    return page, status, {"Cache-Control": "no-store"}


@bp.get("/api-keys")
@merchant_page
def api_keys_page(merchant: Merchant, shop: Shop) -> ResponseReturnValue:
    return _render(merchant, shop)


@bp.post("/api-keys")
@merchant_action
def issue_key(merchant: Merchant, shop: Shop) -> ResponseReturnValue:
    """A new key, shown once in this answer (api_keys.js then puts the list's URL in the address
    bar). The form names the newest key it listed: when that is no longer the newest, this form has
    issued one already (a reload re-sending it, a double click) and no other is issued (409)."""
    with services().db.session() as session:
        row = session.get(Shop, shop.id, with_for_update=True) or shop
        keys = api_keys_of(session, shop.id)
        if (keys[0].prefix if keys else "") != request.form.get("newest", ""):
            key = None
        else:
            key = issue_api_key(session, row)
    if key is None:
        return _render(merchant, shop, already=True, status=409)
    return _render(merchant, shop, new_key=key)


@bp.post("/api-keys/revoke")
@merchant_action
def revoke_key(merchant: Merchant, shop: Shop) -> ResponseReturnValue:
    """Revoke the key with the posted prefix (NotFound: the 404 page); back to the list."""
    with services().db.session() as session:
        revoke_api_key(session, shop.id, request.form.get("prefix", "")[:16])
    return finished(merchant, url_for("admin.api_keys_page", revoked=1))


@bp.get("/api-keys/revoke")
@merchant_page
def revoke_reloaded(merchant: Merchant, shop: Shop) -> ResponseReturnValue:
    """The revoke URL reloaded after a refusal (the 404 page): the list, not a 405."""
    return redirect(url_for("admin.api_keys_page"), code=303)
