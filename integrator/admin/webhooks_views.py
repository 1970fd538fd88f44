"""The webhook endpoints page (/admin/webhooks): register an endpoint for some event types (its
secret shown once), delete one, switch a disabled one back on, the delivery log with redelivery.
The same rules as the API (integrator/api/webhook_endpoints.py): the SSRF guard, the event types."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask.typing import ResponseReturnValue

from integrator.admin import bp
from integrator.admin.access import Merchant, merchant_action, merchant_page, render_page
from integrator.admin.home_views import when
from integrator.admin.members import finished
from integrator.error_texts import translated_details
from integrator.loyalty import domain_events, notifications
from integrator.loyalty.errors import InvalidSettings, NotFound
from integrator.loyalty.models import Shop, utcnow
from integrator.loyalty.webhook_endpoints import (
    create_endpoint,
    delete_endpoint,
    deliveries_of,
    enable_endpoint,
    endpoints_of,
    get_endpoint,
)
from integrator.notify import webhook_send
from integrator.notify.jobs import send_delivery
from integrator.queue import enqueue
from integrator.services import services

LOG_PAGE = 50


def _endpoint_row(endpoint: Any) -> dict[str, Any]:
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "events": endpoint.events,
        "disabled_at": when(endpoint.disabled_at),
        "failing_since": when(endpoint.failing_since),
    }


def _render(merchant: Merchant, shop: Shop, status: int = 200, **extra: Any) -> ResponseReturnValue:
    with services().db.session() as session:
        endpoints = [_endpoint_row(endpoint) for endpoint in endpoints_of(session, shop.id)]
    page = render_page(
        "admin/webhooks.html", merchant, shop, endpoints=endpoints, event_types=domain_events.TYPES, **extra
    )
    return page, status, {"Cache-Control": "no-store"}  # a new secret is in this answer only


@bp.get("/webhooks")
@merchant_page
def webhooks_page(merchant: Merchant, shop: Shop) -> ResponseReturnValue:
    return _render(merchant, shop, done=request.args.get("done", "")[:20])


@bp.post("/webhooks")
@merchant_action
def add_webhook(merchant: Merchant, shop: Shop) -> ResponseReturnValue:
    url = request.form.get("url", "").strip()
    events = [name for name in request.form.getlist("events") if name in domain_events.TYPES]
    state = services()
    try:
        try:
            url = webhook_send.check_url(url, state.config.allow_private_store_urls)
        except webhook_send.EndpointUrlRefused as exc:
            raise InvalidSettings("invalid input", {"url": ["Must be a public http or https URL."]}) from exc
        secret = webhook_send.new_secret()
        with state.db.session() as session:
            create_endpoint(session, shop.id, url, events, state.box.encrypt(secret))
    except InvalidSettings as exc:
        errors = translated_details(exc.details)
        return _render(merchant, shop, 422, errors=errors, typed_url=url[:2000], typed_events=events)
    return _render(merchant, shop, 201, new_secret=secret, new_url=url)


@bp.post("/webhooks/<int:endpoint_id>/delete")
@merchant_action
def delete_webhook(merchant: Merchant, shop: Shop, endpoint_id: int) -> ResponseReturnValue:
    with services().db.session() as session:
        delete_endpoint(session, shop.id, endpoint_id)  # NotFound: the 404 page
    return finished(merchant, url_for("admin.webhooks_page", done="deleted"))


@bp.post("/webhooks/<int:endpoint_id>/enable")
@merchant_action
def enable_webhook(merchant: Merchant, shop: Shop, endpoint_id: int) -> ResponseReturnValue:
    with services().db.session() as session:
        enable_endpoint(session, shop.id, endpoint_id)
    return finished(merchant, url_for("admin.webhooks_page", done="enabled"))


@bp.get("/webhooks/<int:endpoint_id>")
@merchant_page
def webhook_log(merchant: Merchant, shop: Shop, endpoint_id: int) -> ResponseReturnValue:
    with services().db.session() as session:
        endpoint = _endpoint_row(get_endpoint(session, shop.id, endpoint_id))
        rows, total = deliveries_of(session, shop.id, endpoint_id, 1, LOG_PAGE)
        log = [
            {
                "id": delivery.id,
                "type": event_type,
                "webhook_id": delivery.message_id,
                "status": delivery.status,
                "attempts": delivery.attempts,
                "response_status": delivery.response_status,
                "last_error": delivery.last_error,
                "created_at": when(delivery.created_at),
                "next_attempt_at": when(delivery.next_attempt_at) if delivery.status == "pending" else None,
            }
            for delivery, event_type in rows
        ]
    page = render_page(
        "admin/webhook_log.html",
        merchant,
        shop,
        endpoint=endpoint,
        log=log,
        total=total,
        redelivered=request.args.get("redelivered") == "1",
    )
    return page


@bp.post("/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/redeliver")
@merchant_action
def redeliver_webhook(merchant: Merchant, shop: Shop, endpoint_id: int, delivery_id: int) -> ResponseReturnValue:
    with services().db.session() as session:
        get_endpoint(session, shop.id, endpoint_id)
        delivery = notifications.redeliver(session, shop.id, delivery_id, utcnow())
        if delivery is None or delivery.endpoint_id != endpoint_id:
            raise NotFound("no such delivery")
    enqueue(send_delivery, delivery_id)
    return finished(merchant, url_for("admin.webhook_log", endpoint_id=endpoint_id, redelivered=1))
