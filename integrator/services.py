"""The app's services, reached one way: `services()` in views, jobs and CLI alike. create_app()
installs them on the app; code running outside a request or CLI context (a job in a worker thread,
make run's timer) gets those of the app create_app() made last in this process."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app, has_app_context

if TYPE_CHECKING:
    from flask_limiter import Limiter
    from redis import Redis

    from integrator.config import Config
    from integrator.db import Database
    from integrator.secretbox import SecretBox
    from integrator.shop_cache import ShopSecrets, StoreSecrets

# Where each service lives in app.extensions; only this module reads or writes those keys (tests may
# read them through app.extensions, and replace one with monkeypatch.setitem).
_DB, _CONFIG, _BOX = "setia_db", "setia_config", "setia_box"
_SHOP_SECRETS, _STORE_SECRETS, _LIMITER = "setia_shop_secrets", "setia_store_secrets", "setia_limiter"
_QUEUE_REDIS, _WIDGET_BUNDLE = "setia_queue_redis", "setia_widget"

_last_app: Flask | None = None


@dataclass(frozen=True)
class Services:
    """Typed views of one app's services. Each read goes to the app, so a test that swaps a service
    on the app sees its swap everywhere."""

    app: Flask

    @property
    def db(self) -> Database:
        return self.app.extensions[_DB]

    @property
    def config(self) -> Config:
        return self.app.extensions[_CONFIG]

    @property
    def box(self) -> SecretBox:
        return self.app.extensions[_BOX]

    @property
    def shop_secrets(self) -> ShopSecrets:
        return self.app.extensions[_SHOP_SECRETS]

    @property
    def store_secrets(self) -> StoreSecrets:
        return self.app.extensions[_STORE_SECRETS]

    @property
    def limiter(self) -> Limiter:
        return self.app.extensions[_LIMITER]

    def set_limiter(self, limiter: Limiter) -> None:
        self.app.extensions[_LIMITER] = limiter

    @property
    def queue_redis(self) -> Redis | None:
        """The request path's Redis connection for enqueueing, once made (jobs.redis_connection)."""
        return self.app.extensions.get(_QUEUE_REDIS)

    def set_queue_redis(self, connection: Redis | None) -> None:
        self.app.extensions[_QUEUE_REDIS] = connection

    @property
    def widget_bundle(self) -> Any:
        """The widget bundle built once per process (widget_assets)."""
        return self.app.extensions.get(_WIDGET_BUNDLE)

    def set_widget_bundle(self, bundle: Any) -> None:
        self.app.extensions[_WIDGET_BUNDLE] = bundle


def install(
    app: Flask,
    db: Database,
    config: Config,
    box: SecretBox,
    shop_secrets: ShopSecrets,
    store_secrets: StoreSecrets,
) -> Services:
    """Put the services on `app` (create_app); the app becomes the one jobs outside a context use."""
    global _last_app
    app.extensions.update(
        {_DB: db, _CONFIG: config, _BOX: box, _SHOP_SECRETS: shop_secrets, _STORE_SECRETS: store_secrets}
    )
    _last_app = app
    return Services(app)


def services() -> Services:
    """The services of the current app, or of the last app made in this process."""
    if has_app_context():
        return Services(current_app)
    if _last_app is None:
        raise RuntimeError("no app: create it first (flask --app wsgi ..., or create_app())")
    return Services(_last_app)


def services_of(app: Flask) -> Services:
    return Services(app)
