"""A fake WhatsApp Cloud API (Graph API) on `responses` that refuses what Meta refuses: another
access token (401, OAuthException 190), a body that is not a template message of the documented
shape (400, code 100). Every accepted request is recorded, so tests check what Setia sent."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import responses

URL = re.compile(r"https://graph\.facebook\.com/v(\d+)\.(\d+)/(\d+)/messages")


def _refuse(status: int, message: str, kind: str, code: int) -> tuple[int, dict[str, str], str]:
    error = {"error": {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEf"}}
    return status, {"Content-Type": "application/json"}, json.dumps(error)


def _shape_problem(body: Any) -> str | None:
    if not isinstance(body, dict) or set(body) != {"messaging_product", "to", "type", "template"}:
        return "unexpected top-level keys"
    if body["messaging_product"] != "whatsapp" or body["type"] != "template":
        return "messaging_product must be whatsapp and type template"
    if not re.fullmatch(r"[1-9][0-9]{7,14}", str(body["to"])):
        return "to must be an international number, digits only"
    template = body["template"]
    if not isinstance(template, dict) or not re.fullmatch(r"[a-z0-9_]+", str(template.get("name"))):
        return "template.name"
    if not isinstance(template.get("language"), dict) or set(template["language"]) != {"code"}:
        return "template.language must be {code}"
    for component in template.get("components", []):
        if component.get("type") not in ("header", "body", "button"):
            return "component type"
        for parameter in component.get("parameters", []):
            if parameter.get("type") != "text" or not isinstance(parameter.get("text"), str):
                return "parameters are {type: text, text}"
    return None


class FakeWhatsApp:
    def __init__(self, token: str, phone_number_id: str) -> None:
        self.token, self.phone_number_id = token, phone_number_id
        self.sent: list[dict[str, Any]] = []

    def __call__(self, request: Any) -> tuple[int, dict[str, str], str]:
        match = URL.fullmatch(request.url)
        if match is None or match.group(3) != self.phone_number_id:
            return _refuse(400, "Unsupported post request.", "GraphMethodException", 100)
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return _refuse(401, "Invalid OAuth access token - Cannot parse access token", "OAuthException", 190)
        body = json.loads(request.body)
        problem = _shape_problem(body)
        if problem:
            return _refuse(400, f"(#100) Invalid parameter: {problem}", "OAuthException", 100)
        self.sent.append(body)
        answer = {
            "messaging_product": "whatsapp",
            "contacts": [{"input": body["to"], "wa_id": body["to"]}],
            "messages": [{"id": f"wamid.HBgM{len(self.sent):04d}"}],
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(answer)


@contextmanager
def fake_whatsapp(token: str, phone_number_id: str) -> Iterator[FakeWhatsApp]:
    fake = FakeWhatsApp(token, phone_number_id)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.POST, URL, callback=fake)
        yield fake
