"""Outbound webhook endpoints (Standard Webhooks): register, list, delete, the delivery log and
manual redelivery. Payloads and signatures: docs/webhooks.md."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from integrator.loyalty import domain_events, notifications
from integrator.loyalty.errors import InvalidSettings, NotFound
from integrator.loyalty.input_fields import PlainText
from integrator.loyalty.models import Delivery, WebhookEndpoint, utcnow
from integrator.loyalty.webhook_endpoints import (
    create_endpoint,
    delete_endpoint,
    deliveries_of,
    endpoints_of,
    get_endpoint,
)
from integrator.notify import webhook_send
from integrator.notify.jobs import send_delivery
from integrator.queue import enqueue
from integrator.services import services

from .schemas import Listed, PageQuery

blp = Blueprint("webhook_endpoints", __name__, description="Outbound webhooks to the merchant's own systems")

PUBLIC_URL = "Must be a public http or https URL."


class EndpointIn(Schema):
    url = PlainText(required=True, validate=validate.Length(min=1, max=2000))
    events = fields.List(
        PlainText(validate=validate.OneOf(domain_events.TYPES)),
        required=True,
        validate=validate.Length(min=1, max=len(domain_events.TYPES)),
        metadata={"description": "the event types to receive (docs/webhooks.md)"},
    )


class EndpointOut(Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True)
    events = fields.List(fields.String(), required=True)
    disabled = fields.Function(
        lambda e: e.disabled_at is not None, metadata={"description": "disabled after days of failures"}
    )
    failing_since = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class EndpointCreated(EndpointOut):
    secret = fields.String(
        required=True, metadata={"description": "whsec_ + base64: verifies the signatures; shown only here"}
    )


class EndpointList(Listed):
    items = fields.List(fields.Nested(EndpointOut))


class DeliveryOut(Schema):
    id = fields.Integer(required=True)
    type = fields.String(required=True, metadata={"description": "the event type"})
    webhook_id = fields.String(
        attribute="message_id", metadata={"description": "the webhook-id header, the same on every attempt"}
    )
    status = fields.String(metadata={"description": "pending, sent, failed or skipped"})
    attempts = fields.Integer()
    response_status = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    next_attempt_at = fields.DateTime(allow_none=True)
    sent_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class DeliveryList(Listed):
    items = fields.List(fields.Nested(DeliveryOut))


def _delivery(delivery: Delivery, event_type: str) -> dict[str, Any]:
    shown = {name: getattr(delivery, name) for name in DeliveryOut._declared_fields if hasattr(delivery, name)}
    return {**shown, "message_id": delivery.message_id, "type": event_type}


@blp.route("/webhook-endpoints")
class Endpoints(MethodView):
    @blp.response(200, EndpointList)
    def get(self) -> dict[str, Any]:
        """The shop's endpoints (their secrets are shown only when made)."""
        with services().db.session() as session:
            found = endpoints_of(session, g.shop.id)
            return {"items": found, "total": len(found)}

    @blp.arguments(EndpointIn)
    @blp.response(201, EndpointCreated)
    def post(self, body: dict[str, Any]) -> WebhookEndpoint:
        """Register an endpoint: 201 with its `secret`; 422 for a URL on a non-public address
        (the SSRF guard of store URLs) or an unknown event type."""
        state = services()
        try:
            url = webhook_send.check_url(body["url"], state.config.allow_private_store_urls)
        except webhook_send.EndpointUrlRefused as exc:
            raise InvalidSettings("invalid input", {"url": [PUBLIC_URL]}) from exc
        secret = webhook_send.new_secret()
        with state.db.session() as session:
            endpoint: WebhookEndpoint = create_endpoint(
                session, g.shop.id, url, body["events"], state.box.encrypt(secret)
            )
            endpoint.secret = secret  # type: ignore[attr-defined]
            return endpoint


@blp.route("/webhook-endpoints/<int:endpoint_id>")
class Endpoint(MethodView):
    @blp.response(204)
    @blp.alt_response(404, description="No such endpoint in this shop")
    def delete(self, endpoint_id: int) -> None:
        """Delete an endpoint and its delivery log; nothing more is sent to it."""
        with services().db.session() as session:
            delete_endpoint(session, g.shop.id, endpoint_id)


@blp.route("/webhook-endpoints/<int:endpoint_id>/deliveries")
class Deliveries(MethodView):
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, DeliveryList)
    @blp.alt_response(404, description="No such endpoint in this shop")
    def get(self, query: dict[str, Any], endpoint_id: int) -> dict[str, Any]:
        """The endpoint's deliveries, newest first: status, attempts, the last answer."""
        with services().db.session() as session:
            rows, total = deliveries_of(session, g.shop.id, endpoint_id, query["page"], query["page_size"])
            return {"items": [_delivery(delivery, kind) for delivery, kind in rows], "total": total}


@blp.route("/webhook-endpoints/<int:endpoint_id>/deliveries/<int:delivery_id>/redeliver")
class Redeliver(MethodView):
    @blp.response(202, DeliveryOut)
    @blp.alt_response(404, description="No such delivery of this endpoint")
    def post(self, endpoint_id: int, delivery_id: int) -> dict[str, Any]:
        """Send a delivery again, with the same webhook-id (receivers drop a repeat they handled)."""
        with services().db.session() as session:
            get_endpoint(session, g.shop.id, endpoint_id)
            delivery = notifications.redeliver(session, g.shop.id, delivery_id, utcnow())
            if delivery is None or delivery.endpoint_id != endpoint_id:
                raise NotFound("no such delivery")
            event_type = str(delivery.template or "")
            shown = _delivery(delivery, event_type)
        enqueue(send_delivery, delivery_id)
        return shown
