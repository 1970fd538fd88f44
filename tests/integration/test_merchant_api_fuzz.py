"""Schemathesis against the merchant API's own OpenAPI document (/api/v1/openapi.json), signed in
with a real API key: generated valid and invalid requests to every operation must never answer 5xx,
and every answer must be one the document describes (status code, content type, body schema)."""

from __future__ import annotations

from typing import Any

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from integrator.loyalty.models import Shop
from integrator.loyalty.referrals import friend_code_of
from tests.conftest import Api
from tests.deliveries import fake30, with_changes

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 25  # per operation and mode: bounded, so the run stays well under a minute
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


def _exercise(
    operation: Any, mode: GenerationMode, headers: dict[str, str], failures: list[str], ids: dict[str, int] | None
) -> None:
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=ids))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,  # the same requests on every run and both databases
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except (AssertionError, FailureGroup) as exc:  # every failure, not just the first: one report
            request = f"{case.method} {case.formatted_path} query={case.query!r} body={case.body!r}"
            failures.append(f"{operation.label} [{mode.value}] {request}\n    {str(exc).strip()[:600]}")

    run()


def _existing_rows(app: Flask, shop_id: int, api: Api, deliver: Any) -> dict[str, int]:
    """A member, a reward, a data request, a referral in review, a webhook endpoint and one of its
    deliveries, a tier and a campaign, so generated requests also reach real rows. The endpoint is on
    a documentation address (192.0.2.1): the guard refuses every delivery there without a packet sent."""
    from integrator.loyalty.models import Delivery
    from integrator.loyalty.webhook_endpoints import create_endpoint

    with app.extensions["setia_db"].session() as session:
        secret = app.extensions["setia_box"].encrypt("whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB")
        endpoint_id = create_endpoint(session, shop_id, "https://192.0.2.1/hook", ["points.earned"], secret).id
    assert deliver("orders/paid", fake30()).status_code == 200
    member = api.get("/members").json["items"][0]
    reward = api.post("/rewards", {"name": "Tote", "points_cost": 100, "kind": "percentage", "value": "10"}).json
    request = api.post("/data-requests", {"kind": "data_request", "email": member["email"]}).json
    action = api.post("/actions", {"name": "product_review", "points": 5, "limit": 3}).json
    api.patch("/settings", {"referrals": {"enabled": True}})
    with app.extensions["setia_db"].session() as session:  # the code stays pending: no store is asked
        shop = session.execute(select(Shop)).scalar_one()
        link, _ = friend_code_of(session, shop, member["platform_customer_id"])
    own = with_changes(fake30(), id=1, updated_at="2026-01-01T00:00:00Z", discount_codes=[{"code": link.code}])
    deliver("orders/paid", own)  # the advocate's own code: in review
    referral = api.get("/referrals", query_string={"status": "review"}).json["items"][0]
    with app.extensions["setia_db"].session() as session:
        delivery_id = session.execute(select(Delivery.id).order_by(Delivery.id).limit(1)).scalar_one()
    tier = api.post("/tiers", {"name": "Gold", "threshold": "1000", "multiplier": "2"}).json
    window = {"starts_at": "2026-11-01T00:00:00+07:00", "ends_at": "2026-11-03T00:00:00+07:00"}
    campaign = api.post("/campaigns", {"name": "Double", "multiplier": "2", **window}).json
    return {
        "member_id": member["id"],
        "reward_id": reward["id"],
        "request_id": request["id"],
        "action_id": action["id"],
        "referral_id": referral["id"],
        "endpoint_id": endpoint_id,
        "delivery_id": delivery_id,
        "tier_id": tier["id"],
        "campaign_id": campaign["id"],
    }


def test_the_merchant_api_answers_every_generated_request_as_documented(
    app: Flask, shop: dict[str, Any], api: Api, deliver: Any
) -> None:
    rows = _existing_rows(app, shop["id"], api, deliver)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15  # every operation of the document, whatever is added later
    for operation in operations:
        names = {parameter.name for parameter in operation.path_parameters}
        # Any id (mostly unknown ones), then, for an operation on one row, that row's real id.
        for ids in [None] + ([{name: rows[name] for name in names}] if names else []):
            for mode in MODES:
                _exercise(operation, mode, api.headers, failures, ids)
    assert not failures, f"{len(failures)} answers broke the document:\n" + "\n".join(failures[:40])


def test_the_document_describes_decimals_as_the_strings_the_api_answers(client: Any) -> None:
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    rate = schemas["SettingsPatch"]["properties"]["points_per_unit"]
    assert (rate["type"], rate["description"]) == ("string", "at least 0, at most 1000000, at most 6 decimals")
    assert "minimum" not in rate  # JSON Schema bounds are for numbers: "1000000" is not one
    assert "more than 0" in schemas["RewardIn"]["properties"]["min_order"]["description"]
    assert set(schemas["Error"]["properties"]) == {"error", "details"}
