"""A fake Shopify Admin GraphQL API on `responses` that refuses what Shopify refuses.

Every request is judged first as Shopify judges it (tests/shopify_admin_schema.py): the document and
its variables against the real 2026-07 schema, the requested cost (at most 1,000 points) and the
scopes the shop granted (`scopes`, by default everything shopify.app.toml asks for). A refused request
gets Shopify's answer (HTTP 200 with `errors`) and is remembered; unless the test took scopes away,
a refusal fails the test. An accepted request is answered from the answers queued for its operation
(by name), shaped by running the document on them: the answer holds exactly the fields Setia asked
for, and a queued answer that lacks a non-null field the query asks for fails the test. Abstract
values (unions, interfaces) carry their `__typename`. Every request body is recorded, so tests check
what Setia sent."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import responses
from graphql import execute, parse

from tests.deliveries import SHOP_DOMAIN
from tests.fake_shopify_orders import ShopState
from tests.shopify_admin_schema import Refused, admin_schema, app_scopes, check_request, parse_scopes

API_PATH = "/admin/api/2026-07/graphql.json"
GRAPHQL_URL = f"https://{SHOP_DOMAIN}{API_PATH}"
OPERATION = re.compile(r"\b(query|mutation)\s+(\w+)")
BUCKET = 2000.0


@dataclass(frozen=True)
class Call:
    operation: str
    query: str
    variables: dict[str, Any]
    token: str | None
    content_type: str | None


@dataclass(frozen=True)
class Refusal:
    operation: str
    errors: list[dict[str, Any]]
    restricted: bool  # the shop had granted less than the app asks for

    @property
    def codes(self) -> set[str]:
        return {str((error.get("extensions") or {}).get("code")) for error in self.errors}


class FakeShopify:
    def __init__(self, mock: responses.RequestsMock, domain: str = SHOP_DOMAIN, url: str | None = None) -> None:
        self.mock = mock
        self.calls: list[Call] = []
        self.unexpected: list[str] = []
        self.refused: list[Refusal] = []
        self.misshapen: list[str] = []
        self.scopes = app_scopes()
        self.failing: int | None = None  # every request answered with this status (401, 503)
        self._answers: dict[str, list[tuple[int, Any, dict[str, str]]]] = defaultdict(list)
        self._always: dict[str, tuple[int, Any, dict[str, str]]] = {}
        # What the shop holds of Setia's own writes, for the operations the fake answers by itself as
        # Shopify does (tests/fake_shopify_orders.py): order metafields, notes and note attributes,
        # metafield definitions. A queued answer still wins.
        self.store = ShopState()
        mock.add_callback(responses.POST, url or f"https://{domain}{API_PATH}", callback=self._answer)

    def grant(self, scopes: str | None = None) -> None:
        """The shop granted only `scopes` (comma-separated), as a custom app's merchant may; None:
        everything the app asks for."""
        self.scopes = app_scopes() if scopes is None else parse_scopes(scopes)

    def revoke(self, scope: str) -> None:
        """The shop granted everything the app asks for but `scope`."""
        self.scopes = self.scopes - {scope}

    def unavailable(self, operation: str, times: int) -> None:
        """Answer `operation` with 503 (Retry-After: 0) `times` times: an outage the client gives up on."""
        for _ in range(times):
            self.answer(operation, {"errors": "Service Unavailable"}, status=503, headers={"Retry-After": "0"})

    def answer(
        self, operation: str, data: Any, status: int = 200, always: bool = False, headers: dict[str, str] | None = None
    ) -> None:
        """Queue one answer for `operation`: a GraphQL `data` object, a whole body (with `errors`), a
        function of the request's variables that returns the `data`, or an exception to raise."""
        body = data if isinstance(data, dict) and ("errors" in data or "data" in data) else {"data": data}
        if callable(data) or isinstance(data, BaseException):
            body = data
        queued = (status, body, headers or {})
        if always:
            self._always[operation] = queued
        else:
            self._answers[operation].append(queued)

    def calls_of(self, operation: str) -> list[Call]:
        return [call for call in self.calls if call.operation == operation]

    def violations(self) -> list[str]:
        """What Shopify would have refused although the shop granted every scope the app asks for."""
        return [
            f"{refusal.operation}: {refusal.errors}"
            for refusal in self.refused
            if not (refusal.restricted and refusal.codes == {"ACCESS_DENIED"})
        ] + self.misshapen

    def _answer(self, request: Any) -> tuple[int, dict[str, str], str]:
        payload = json.loads(request.body)
        match = OPERATION.search(payload["query"])
        operation = match.group(2) if match else "?"
        variables = payload.get("variables") or {}
        headers = request.headers
        self.calls.append(
            Call(
                operation,
                payload["query"],
                variables,
                headers.get("X-Shopify-Access-Token"),
                headers.get("Content-Type"),
            )
        )
        try:
            cost = check_request(payload["query"], variables, self.scopes)
        except Refused as refused:
            self.refused.append(Refusal(operation, refused.errors, self.scopes != app_scopes()))
            return 200, {"Content-Type": "application/json"}, json.dumps({"errors": refused.errors})
        status, body, extra = self._next(operation)
        if isinstance(body, BaseException):
            raise body
        if callable(body):
            body = {"data": body(variables)}
        if status == 200 and isinstance(body, dict) and "data" in body and not body.get("errors"):
            body = {**body, "data": self._shaped(operation, payload["query"], variables, body["data"])}
            body.setdefault("extensions", {"cost": cost_extension(cost)})
        return status, {"Content-Type": "application/json", **extra}, json.dumps(body)

    def _next(self, operation: str) -> tuple[int, Any, dict[str, str]]:
        if self.failing is not None:
            # Retry-After: 0 keeps the client's retries of a 5xx instant
            return self.failing, {"errors": "[API] Invalid API key or access token"}, {"Retry-After": "0"}
        queued = self._answers.get(operation)
        if queued:
            return queued.pop(0)
        if operation in self._always:
            return self._always[operation]
        if operation in self.store.operations:
            return 200, self.store.operations[operation], {}  # called with the request's variables
        self.unexpected.append(operation)
        return 200, {"errors": [{"message": f"fake Shopify has no answer for {operation}"}]}, {}

    def _shaped(self, operation: str, query: str, variables: dict[str, Any], data: Any) -> Any:
        """The queued data cut to the document's selection, as Shopify's executor would return it."""
        result = execute(admin_schema().schema, parse(query), root_value=data, variable_values=variables)
        if result.errors:
            self.misshapen.append(f"the test's answer for {operation} does not fit the query: {result.errors}")
            return data
        return result.data


def cost_extension(cost: int) -> dict[str, Any]:
    """`extensions.cost` as Shopify sends it with every answer."""
    return {
        "requestedQueryCost": cost,
        "actualQueryCost": cost,
        "throttleStatus": {"maximumAvailable": BUCKET, "currentlyAvailable": BUCKET - cost, "restoreRate": 100.0},
    }


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


@contextmanager
def fake_shopify(domain: str = SHOP_DOMAIN, url: str | None = None, **mock_options: Any) -> Iterator[FakeShopify]:
    """A FakeShopify on a fresh RequestsMock (every other HTTP call fails); after the test, no request
    may have gone unanswered or been refused by Shopify's rules."""
    with responses.RequestsMock(assert_all_requests_are_fired=False, **mock_options) as mock:
        fake = FakeShopify(mock, domain, url)
        yield fake
        assert fake.unexpected == [], f"operations Shopify was not expected to receive: {fake.unexpected}"
        assert fake.violations() == [], "requests Shopify would refuse:\n" + "\n".join(fake.violations())
