"""A fake Shopify Admin GraphQL API on `responses`: answers each operation (by its name) from queued
answers, and records every request body so that tests check what Setia sent."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import responses

from tests.deliveries import SHOP_DOMAIN

GRAPHQL_URL = f"https://{SHOP_DOMAIN}/admin/api/2026-07/graphql.json"
OPERATION = re.compile(r"\b(query|mutation)\s+(\w+)")


@dataclass(frozen=True)
class Call:
    operation: str
    query: str
    variables: dict[str, Any]
    token: str | None


class FakeShopify:
    def __init__(self, mock: responses.RequestsMock) -> None:
        self.calls: list[Call] = []
        self.unexpected: list[str] = []
        self._answers: dict[str, list[tuple[int, Any]]] = defaultdict(list)
        self._always: dict[str, tuple[int, Any]] = {}
        mock.add_callback(responses.POST, GRAPHQL_URL, callback=self._answer)

    def unavailable(self, operation: str, times: int) -> None:
        """Answer `operation` with 503 (Retry-After: 0) `times` times: an outage the client gives up on."""
        for _ in range(times):
            self._answers[operation].append((503, {"errors": "Service Unavailable"}))

    def answer(self, operation: str, data: Any, status: int = 200, always: bool = False) -> None:
        """Queue one answer for `operation`: a GraphQL `data` object, a whole body (with `errors`),
        or a function of the request's variables that returns the `data`."""
        body = data if isinstance(data, dict) and ("errors" in data or "data" in data) else {"data": data}
        if callable(data):
            body = data
        if always:
            self._always[operation] = (status, body)
        else:
            self._answers[operation].append((status, body))

    def calls_of(self, operation: str) -> list[Call]:
        return [call for call in self.calls if call.operation == operation]

    def _answer(self, request: Any) -> tuple[int, dict[str, str], str]:
        payload = json.loads(request.body)
        match = OPERATION.search(payload["query"])
        operation = match.group(2) if match else "?"
        token = request.headers.get("X-Shopify-Access-Token")
        self.calls.append(Call(operation, payload["query"], payload.get("variables") or {}, token))
        queued = self._answers.get(operation)
        if queued:
            status, body = queued.pop(0)
        elif operation in self._always:
            status, body = self._always[operation]
        else:
            self.unexpected.append(operation)
            status, body = 200, {"errors": [{"message": f"fake Shopify has no answer for {operation}"}]}
        if callable(body):
            body = {"data": body(payload.get("variables") or {})}
        headers = {"Content-Type": "application/json"}
        if status == 503:
            headers["Retry-After"] = "0"
        return status, headers, json.dumps(body)


THROTTLED = {
    "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
    "extensions": {
        "cost": {
            "requestedQueryCost": 10,
            "actualQueryCost": None,
            "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": 10, "restoreRate": 100.0},
        }
    },
}

ACCESS_DENIED = {
    "errors": [
        {
            "message": "Access denied for storeCreditAccountCredit field.",
            "extensions": {"code": "ACCESS_DENIED", "requiredAccess": "write_store_credit_account_transactions"},
        }
    ]
}


def fake_shopify() -> Any:
    """Context manager: a FakeShopify on a fresh RequestsMock (every other HTTP call fails)."""
    from contextlib import contextmanager

    @contextmanager
    def running() -> Any:
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            fake = FakeShopify(mock)
            yield fake
            assert fake.unexpected == [], f"operations Shopify was not expected to receive: {fake.unexpected}"

    return running()
