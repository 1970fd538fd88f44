"""The WhatsApp Cloud API adapter: a business-initiated message is an approved template (utility
category for account updates such as points earned or expiring; research/wave2.md §4):

    POST https://graph.facebook.com/<version>/<phone_number_id>/messages
    Authorization: Bearer <access token>
    {"messaging_product": "whatsapp", "to": "62812...", "type": "template",
     "template": {"name": "points_earned", "language": {"code": "id"},
                  "components": [{"type": "body", "parameters": [{"type": "text", "text": "120"}]}]}}

→ 200 {"messaging_product": "whatsapp", "contacts": [...], "messages": [{"id": "wamid..."}]}; an
error is {"error": {"message", "type", "code", ...}} with a 4xx/5xx status. The shop's credentials
are kept encrypted (loyalty/models/notify.py WhatsAppAccount, the secret box of store tokens)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import requests

from integrator.loyalty.whatsapp_accounts import LANGUAGE, PHONE_NUMBER_ID, TEMPLATE_NAME

GRAPH = "https://graph.facebook.com"
API_VERSION = "v21.0"
TIMEOUT = (5.0, 15.0)


class WhatsAppError(Exception):
    """The Cloud API refused the message: `retryable` for throttling and outages (429, 5xx)."""

    def __init__(self, message: str, status: int | None, retryable: bool) -> None:
        super().__init__(message)
        self.status, self.retryable = status, retryable


@dataclass(frozen=True)
class Template:
    name: str
    language: str
    parameters: tuple[str, ...]


def recipient(phone: str) -> str:
    """The number as the API takes it: digits only, international (an Indonesian 0812... → 62812...)."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    if not 8 <= len(digits) <= 15:
        raise ValueError("not a phone number")
    return digits


def body(to: str, template: Template) -> dict[str, Any]:
    if not TEMPLATE_NAME.match(template.name) or not LANGUAGE.match(template.language):
        raise ValueError("a template name of lowercase letters, digits and underscores, and a language code")
    parameters = [{"type": "text", "text": text} for text in template.parameters]
    return {
        "messaging_product": "whatsapp",
        "to": recipient(to),
        "type": "template",
        "template": {
            "name": template.name,
            "language": {"code": template.language},
            "components": [{"type": "body", "parameters": parameters}] if parameters else [],
        },
    }


def send_template(phone_number_id: str, token: str, to: str, template: Template) -> str:
    """Send one template message; the message id (`wamid...`), or WhatsAppError."""
    if not PHONE_NUMBER_ID.match(phone_number_id):
        raise WhatsAppError("the phone number id is digits", None, retryable=False)
    url = f"{GRAPH}/{API_VERSION}/{phone_number_id}/messages"
    try:
        response = requests.post(
            url, json=body(to, template), headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT
        )
    except requests.RequestException as exc:
        raise WhatsAppError(f"{exc.__class__.__name__}: {exc}", None, retryable=True) from exc
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if response.status_code != 200:
        error = answer.get("error") if isinstance(answer, dict) else None
        message = str(error.get("message")) if isinstance(error, dict) else f"HTTP {response.status_code}"
        retryable = response.status_code == 429 or response.status_code >= 500
        raise WhatsAppError(message[:500], response.status_code, retryable)
    messages = answer.get("messages") if isinstance(answer, dict) else None
    if not messages or not isinstance(messages, list) or "id" not in messages[0]:
        raise WhatsAppError("no message id in the answer", response.status_code, retryable=False)
    return str(messages[0]["id"])
