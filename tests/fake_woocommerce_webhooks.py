"""The webhooks endpoint of the WooCommerce fake, as WC_REST_Webhooks_V1_Controller (wc/v3 extends
it) behaves: create needs a valid topic and an http(s) delivery URL and ignores `status` (always
active); update keeps the failure count; delete needs `force=true` (else 501). Failed deliveries
are counted as WC_Webhook::failed_delivery() does: a webhook whose count is already above 5 is
disabled, otherwise the count goes up (the 7th failure in a row disables it)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from tests.fake_woocommerce_rest import Answer, error, invalid_fields, json_body, ok, page_of, query

STATUSES = ("active", "paused", "disabled")
RESOURCES = ("coupon", "customer", "order", "product")
EVENTS = ("created", "updated", "deleted", "restored")
MAX_FAILURES = 5  # the woocommerce_max_webhook_delivery_failures filter's default
WRITABLE = dict.fromkeys(("name", "status", "topic", "secret", "delivery_url"), "string")


def valid_topic(topic: str) -> bool:
    """wc_is_webhook_valid_topic(): `<resource>.<event>` of core's, or `action.<hook>`."""
    resource, _, event = topic.partition(".")
    return (resource in RESOURCES and event in EVENTS) or (resource == "action" and bool(event))


def _webhook(hook_id: int, name: str, topic: str, url: str, signing_secret: str, status: str) -> dict[str, Any]:
    resource, _, event = topic.partition(".")
    return {
        "id": hook_id,
        "name": name,
        "status": status,
        "topic": topic,
        "resource": resource,
        "event": event,
        "delivery_url": url,
        "secret": signing_secret,
        "failure_count": 0,
    }


def _answer(hook: dict[str, Any]) -> dict[str, Any]:
    """The REST shape: the secret is write-only and the failure count is not shown."""
    return {key: value for key, value in hook.items() if key not in ("secret", "failure_count")}


class WebhookEndpoints:
    """State: `webhooks` (by id, each with its `secret` and `failure_count`) and `deleted_webhooks`."""

    webhooks: dict[int, dict[str, Any]]
    deleted_webhooks: list[int]

    def _new_id(self) -> int:
        raise NotImplementedError

    def add_webhook(self, topic: str, delivery_url: str, signing_secret: str, status: str = "active") -> int:
        """A webhook already on the store (made earlier, by Setia or the merchant)."""
        hook_id = self._new_id()
        self.webhooks[hook_id] = _webhook(hook_id, f"Setia {topic}", topic, delivery_url, signing_secret, status)
        return hook_id

    def fail_deliveries(self, hook_id: int, times: int) -> None:
        hook = self.webhooks[hook_id]
        for _ in range(times):
            if hook["failure_count"] > MAX_FAILURES:
                hook["status"] = "disabled"
            else:
                hook["failure_count"] += 1

    def hooks_delivering_to(self, url: str) -> list[dict[str, Any]]:
        return [hook for hook in self.webhooks.values() if hook["delivery_url"] == url]

    def _list_webhooks(self, request: Any, _: re.Match[str]) -> Answer:
        status = query(request).get("status", "all")
        return page_of(request, [_answer(h) for h in self.webhooks.values() if status in ("all", h["status"])])

    def _create_webhook(self, request: Any, _: re.Match[str]) -> Answer:
        body = json_body(request)
        if body is None:
            return error("rest_invalid_json", "Invalid JSON body passed.")
        wrong_type = invalid_fields(body, WRITABLE)
        if wrong_type:
            return wrong_type
        topic = str(body.get("topic") or "").lower()
        if not valid_topic(topic):
            return error("woocommerce_rest_shop_webhook_invalid_topic", "Webhook topic is required and must be valid.")
        url = str(body.get("delivery_url") or "")
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            return error(
                "woocommerce_rest_shop_webhook_invalid_delivery_url",
                "Webhook delivery URL must be a valid URL starting with http:// or https://.",
            )
        hook_id = self._new_id()
        name = body.get("name") or "Webhook created on a date"
        self.webhooks[hook_id] = _webhook(hook_id, name, topic, url, body.get("secret") or "random50", "active")
        return ok(_answer(self.webhooks[hook_id]), 201)

    def _update_webhook(self, request: Any, match: re.Match[str]) -> Answer:
        hook = self.webhooks.get(int(match.group(1)))
        body = json_body(request)
        if hook is None:
            return error("woocommerce_rest_shop_webhook_invalid_id", "ID is invalid.")
        if body is None:
            return error("rest_invalid_json", "Invalid JSON body passed.")
        wrong = invalid_fields(body, WRITABLE)
        if wrong:
            return wrong
        if body.get("status") and body["status"] not in STATUSES:
            return error("woocommerce_rest_shop_webhook_invalid_status", "Webhook status must be valid.")
        for key in ("name", "status", "secret", "delivery_url"):
            if body.get(key):
                hook[key] = body[key]  # the failure count stays what it was
        return ok(_answer(hook))

    def _delete_webhook(self, request: Any, match: re.Match[str]) -> Answer:
        if query(request).get("force") not in ("true", "1"):
            return error("woocommerce_rest_trash_not_supported", "Webhooks do not support trashing.", 501)
        hook = self.webhooks.pop(int(match.group(1)), None)
        if hook is None:
            return error("woocommerce_rest_shop_webhook_invalid_id", "Invalid ID.", 404)
        self.deleted_webhooks.append(hook["id"])
        return ok(_answer(hook))
