"""Fixtures: one app per test session on real PostgreSQL + Redis (when DATABASE_URL / REDIS_URL are
set) or a temporary SQLite file with inline jobs; every test starts from empty tables."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from integrator.app import create_app
from integrator.config import load_config
from integrator.loyalty.models import Base
from integrator.loyalty.shops import connect_shop, issue_api_key

from .deliveries import APP_SECRET, SHOP_DOMAIN, sign
from .frozen_dates import on_several_dates  # noqa: F401 (a fixture: the dates tests/frozen_dates.py lists)

DATABASE_URL = os.environ.get("DATABASE_URL")
REDIS_URL = os.environ.get("REDIS_URL")
ON_POSTGRES = bool(DATABASE_URL and DATABASE_URL.startswith("postgres"))

requires_postgres = pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL)")
requires_redis = pytest.mark.skipif(not REDIS_URL, reason="needs Redis (REDIS_URL)")


def env_for(database_url: str, **extra: str) -> dict[str, str]:
    env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "SHOPIFY_API_KEY": "test-api-key",
        "SHOPIFY_API_SECRET": APP_SECRET,
        "APP_URL": "https://setia.test",
    }
    if REDIS_URL:
        env["REDIS_URL"] = REDIS_URL
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    if DATABASE_URL:
        yield DATABASE_URL
        return
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{Path(folder) / 'test.db'}"


@pytest.fixture(scope="session")
def app(database_url: str) -> Flask:
    flask_app = create_app(load_config(env_for(database_url)))
    db = flask_app.extensions["setia_db"]
    if ON_POSTGRES:
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    from flask_migrate import upgrade

    with flask_app.app_context():
        upgrade()  # the real migrations, as production runs them
    return flask_app


def _empty_tables(app: Flask) -> None:
    db = app.extensions["setia_db"]
    names = [table.name for table in reversed(Base.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.is_sqlite:
            for name in names:
                conn.execute(text(f"DELETE FROM {name}"))  # noqa: S608 (our own table names)
        else:
            # TRUNCATE costs per table (new files on disk) whether it holds rows or not: only the
            # tables a test wrote to, found in one round trip; then every sequence starts again at 1.
            probe = " UNION ALL ".join(f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM {name})" for name in names)  # noqa: S608
            written = [row[0] for row in conn.execute(text(probe))]
            if written:
                conn.execute(text(f"TRUNCATE {', '.join(written)} CASCADE"))
            conn.execute(
                text(
                    "SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE c.relkind = 'S' AND n.nspname = current_schema()"
                )
            )


@pytest.fixture(autouse=True)
def clean_app(app: Flask) -> Iterator[Flask]:
    _empty_tables(app)
    app.extensions["setia_shop_secrets"].forget()
    app.extensions["setia_store_secrets"].forget()
    if REDIS_URL:
        from redis import Redis

        Redis.from_url(REDIS_URL).flushdb()
    with app.app_context():
        yield app


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def drain() -> None:
    """Run every stored delivery and queued job to the end when Redis is in use, with the worker
    `flask --app wsgi jobs worker --burst` runs (integrator/worker.py: deliveries claimed from
    PostgreSQL, a real non-forking RQ worker); inline mode has already run them."""
    if not REDIS_URL:
        return
    from redis import Redis

    from integrator import worker

    worker.run(Redis.from_url(REDIS_URL), burst=True)


class Shops:
    def __init__(self, app: Flask) -> None:
        self.app = app

    def make(
        self,
        domain: str = SHOP_DOMAIN,
        currency: str = "USD",
        settings: dict[str, Any] | None = None,
        webhook_secret: str | None = None,
    ) -> dict[str, Any]:
        db = self.app.extensions["setia_db"]
        box = self.app.extensions["setia_box"]
        with db.session() as session:
            shop, _ = connect_shop(session, box, "shopify", domain, "shpat_test", webhook_secret, "custom_app")
            shop.currency = currency
            shop.settings = settings or {}
            key = issue_api_key(session, shop)
            return {"id": shop.id, "public_id": shop.public_id, "api_key": key, "domain": domain}


@pytest.fixture()
def shops(app: Flask) -> Shops:
    return Shops(app)


@pytest.fixture()
def shop(shops: Shops) -> dict[str, Any]:
    """A connected USD shop at rate 1 point per 1.00, 2% cashback, points available at once."""
    return shops.make(settings={"points_per_unit": "1", "cashback_percent": "2"})


class Api:
    def __init__(self, client: FlaskClient, api_key: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {api_key}"}

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(f"/api/v1{path}", headers=self.headers, **kwargs)

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(f"/api/v1{path}", headers=self.headers, json=body)

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(f"/api/v1{path}", headers=self.headers, json=body)

    def member(self, platform_customer_id: str | int) -> dict[str, Any] | None:
        """The member with this platform customer id, through the API (None if not a member)."""
        page = 1
        while True:
            items = self.get("/members", query_string={"page": page, "page_size": 100}).json["items"]
            for item in items:
                if item["platform_customer_id"] == str(platform_customer_id):
                    return item
            if len(items) < 100:
                return None
            page += 1


@pytest.fixture()
def api(client: FlaskClient, shop: dict[str, Any]) -> Api:
    return Api(client, shop["api_key"])


class Deliverer:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.count = 0

    def __call__(
        self,
        topic: str,
        payload: Any,
        webhook_id: str | None = None,
        event_id: str | None = None,
        domain: str = SHOP_DOMAIN,
        secret: str = APP_SECRET,
        process: bool = True,
    ) -> Any:
        import json

        self.count += 1
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Shop-Domain": domain,
            "X-Shopify-Webhook-Id": webhook_id or f"wh-{self.count}-{os.urandom(4).hex()}",
            "X-Shopify-Hmac-Sha256": sign(body, secret),
            "X-Shopify-API-Version": "2026-07",
            "X-Shopify-Triggered-At": "2026-11-20T10:00:00.000000Z",
        }
        if event_id:
            headers["X-Shopify-Event-Id"] = event_id
        response = self.client.post("/webhooks/shopify", data=body, headers=headers)
        if process:
            drain()
        return response


@pytest.fixture()
def deliver(client: FlaskClient) -> Deliverer:
    return Deliverer(client)


@pytest.fixture()
def ledger_checked(app: Flask) -> Iterator[None]:
    """After the test, every balance still equals the sum of its entries (`ledger verify`)."""
    yield
    from integrator.loyalty import ledger

    with app.extensions["setia_db"].session() as session:
        assert ledger.verify(session) == []


@pytest.fixture()
def shopify() -> Iterator[Any]:
    """Shopify's Admin API faked with `responses` (tests/fake_shopify.py), request bodies recorded."""
    from tests.fake_shopify import fake_shopify

    with fake_shopify() as fake:
        yield fake
