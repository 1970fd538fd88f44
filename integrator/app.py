"""The application factory: the app exists only through create_app()."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Request, Response, abort, jsonify, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_migrate import Migrate
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from integrator.admin.i18n import init_i18n
from integrator.api import init_api
from integrator.config import ROOT, Config, load_config
from integrator.db import Database
from integrator.http_errors import JSON_PREFIXES, register_domain_errors
from integrator.id_converter import RowIdConverter
from integrator.platform_registry import register as register_platform
from integrator.platform_registry import register_stand_in
from integrator.secretbox import SecretBox
from integrator.services import install as install_services
from integrator.shop_cache import ShopSecrets, StoreSecrets

migrate = Migrate()


class CookieSessionsForPages(SecureCookieSessionInterface):
    """Cookie sessions only where pages use them: machine endpoints (webhooks, APIs, widget, proxy)
    get a null session instead of decoding and signing a cookie on every request."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(JSON_PREFIXES):
            return None  # Flask then uses make_null_session
        return super().open_session(app, request)


def create_app(config: Config | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    config = config or load_config()
    app = Flask(__name__, instance_path=str(ROOT / "instance"))
    app.config.update(SECRET_KEY=config.secret_key, JSON_SORT_KEYS=False, MAX_CONTENT_LENGTH=8 * 1024 * 1024)
    app.config.update(overrides or {})
    app.session_interface = CookieSessionsForPages()
    app.url_map.converters["int"] = RowIdConverter  # before any rule is added: every <int:...>
    if config.trusted_proxy_count:
        # The client address (rate limits), scheme and host as the proxies in front saw them; with
        # no trusted proxy, X-Forwarded-* is anyone's to forge and is ignored.
        n = config.trusted_proxy_count
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    db = Database()
    db.configure(config.database_url)
    box = SecretBox(config.token_encryption_key, config.secret_key)
    install_services(app, db, config, box, ShopSecrets(), StoreSecrets())
    from integrator.notify.jobs import kick

    db.after_commit.append(kick)

    app.config["SQLALCHEMY_DATABASE_URI"] = config.database_url
    migrate.init_app(app, db=None, directory=str(ROOT / "migrations"))

    from integrator import admin, demo_store, health, storefront_demo, unboxing_scan, widget_api, widget_assets
    from integrator.notify import views as notify_views
    from integrator.shopify.registration import PLATFORM as SHOPIFY
    from integrator.woocommerce.registration import PLATFORM as WOOCOMMERCE

    platforms = (SHOPIFY, WOOCOMMERCE)
    for platform in platforms:
        register_platform(platform)
    # make run's demo shop only: its codes are made on the demo store.
    register_stand_in(demo_store.INSTALL_KIND, demo_store.stand_in, demo_store.DemoStore.supports_store_credit)
    blueprints = (
        health.bp,
        *(platform.webhook_blueprint for platform in platforms),
        *(blueprint for platform in platforms for blueprint in platform.blueprints),
        admin.bp,
        widget_api.bp,
        widget_api.referral_links.bp,
        widget_assets.bp,
        storefront_demo.bp,
        notify_views.bp,
        unboxing_scan.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    from integrator.widget_api.limits import init_limits

    # The widget API's limits; webhook deliveries have none (a platform must never be refused).
    limiter = init_limits(app, config.redis_url, frozenset(platform.webhook_blueprint.name for platform in platforms))
    widget_api.referral_links.register_limits(limiter)
    for platform in platforms:
        if platform.rate_limits is not None:
            platform.rate_limits(limiter)
    unboxing_scan.register_limits(limiter)
    init_api(app)
    init_i18n(app)
    _json_errors(app)
    register_domain_errors(app)  # DomainError → its status: JSON, or the error page on a merchant page
    # First of all hooks (the rate limits' too): a NUL in the path names nothing, and PostgreSQL
    # text cannot even compare it (a shop's public id, an order id, a webhook token).
    app.before_request_funcs.setdefault(None, []).insert(0, _nul_in_path_is_not_found)

    from integrator.analytics_jobs import analytics_cli
    from integrator.cli import register_cli
    from integrator.demo import demo_cli

    register_cli(app, [command for platform in platforms for command in platform.shop_commands])
    app.cli.add_command(demo_cli)
    app.cli.add_command(analytics_cli)
    return app


def _nul_in_path_is_not_found() -> None:
    if "\x00" in request.path:
        abort(404)


def _json_errors(app: Flask) -> None:
    """Under the JSON prefixes every error is JSON, unexpected ones included."""

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Any:
        if isinstance(error, HTTPException):
            return error
        app.logger.exception("unhandled error")
        if request.path.startswith(JSON_PREFIXES):
            response: Response = jsonify({"error": "internal error", "details": None})
            response.status_code = 500
            return response
        return "Internal Server Error", 500
