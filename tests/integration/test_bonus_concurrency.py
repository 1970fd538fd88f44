"""The ways to earn under real concurrency on PostgreSQL: twenty workers processing distinct
deliveries of one account's customers/create at once credit the sign-up bonus once; twenty calls of
one custom action with distinct keys and a limit of 3 a day credit three times; twenty social clicks
at once credit once. The limit is the ledger's unique key, taken under the member's lock."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask

from integrator import jobs
from integrator.inbox import Incoming, store_delivery
from integrator.loyalty import ledger
from tests.conftest import requires_postgres
from tests.deliveries import SHOP_DOMAIN, fake30, fixture, with_changes
from tests.integration.test_concurrency_and_recovery import all_at_once
from tests.integration.test_widget_api import signed, widget_secret

BOB = "706405506930370084"
JANE = "1073339475"


def verify(app: Flask) -> None:
    with app.extensions["setia_db"].session() as session:
        assert ledger.verify(session) == []


@requires_postgres
def test_twenty_parallel_customers_create_deliveries_credit_the_signup_bonus_once(
    app: Flask, shop: Any, api: Any
) -> None:
    assert api.patch("/settings", {"bonus": {"signup_points": 50}}).status_code == 200
    created = json.dumps(with_changes(fixture("customers_create__guest_checkout_record"), state="enabled")).encode()
    with app.extensions["setia_db"].session() as session:
        ids = [
            store_delivery(
                session,
                Incoming("shopify", SHOP_DOMAIN, shop["id"], "customers/create", f"c-{i}", None, None, created),
                "received",
            )
            for i in range(20)
        ]
    all_at_once(20, lambda i: jobs.process_event(ids[i]))
    member = api.member(BOB)
    assert (member["points_available"], member["lifetime_points"]) == (50, 50)
    verify(app)


@requires_postgres
def test_parallel_custom_actions_stop_at_the_limit(app: Flask, shop: Any, api: Any, deliver: Any, client: Any) -> None:
    deliver("orders/paid", fake30())
    member = api.member(JANE)
    api.post("/actions", {"name": "quiz", "points": 10, "limit": 3, "period": "day"})
    headers = api.headers

    def credit(i: int) -> int:
        body = {"action": "quiz", "idempotency_key": f"quiz-{i}"}
        return app.test_client().post(f"/api/v1/members/{member['id']}/actions", json=body, headers=headers).status_code

    codes = all_at_once(20, credit)
    assert sorted(codes) == [201] * 3 + [409] * 17
    assert api.member(JANE)["points_available"] == 181 + 30
    verify(app)


@requires_postgres
def test_parallel_social_clicks_credit_once(app: Flask, shop: Any, api: Any, deliver: Any) -> None:
    deliver("orders/paid", fake30())
    settings = {"bonus": {"social_points": 15}, "social": {"facebook_url": "https://www.facebook.com/tokobudi"}}
    assert api.patch("/settings", settings).status_code == 200
    query = signed(JANE, widget_secret(app, shop["id"]))
    url = f"/widget/v1/{shop['public_id']}/social/facebook"
    answers = all_at_once(20, lambda _: app.test_client().post(url, query_string=query).json)
    assert sum(1 for answer in answers if answer["credited"]) == 1
    assert api.member(JANE)["points_available"] == 181 + 15
    verify(app)
