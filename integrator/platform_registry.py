"""The platforms the app serves, as each one registers itself at app start (create_app): its topic
handlers, its connector factory, its blueprints, CLI group and periodic jobs. The shared machinery
(jobs, widget API, merchant pages) reaches a platform only through these lookups, so it never
imports integrator.shopify or integrator.woocommerce: every import arrow points down."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from connectors.base import Connector
from integrator.loyalty.models import Shop

if TYPE_CHECKING:
    import click
    from flask import Blueprint
    from flask_limiter import Limiter

    from integrator.config import Config
    from integrator.loyalty.orders import Outcome
    from integrator.secretbox import SecretBox


class NotConnected(RuntimeError):
    """The shop has no usable credentials (uninstalled, or never given a token)."""


# A handler returns what jobs must do after the commit (an order's Outcome: its new coupon, its
# cashback to move to store credit), or None. `payload` is what the platform's `read_ahead` made of
# the delivery's body (by default the parsed JSON itself).
Handler = Callable[[Session, Shop, Any], "Outcome | None"]
# The shop's connector, or None when it has none (jobs.connect).
Connect = Callable[[Shop], Connector | None]
# Platform calls a delivery needs, made before its transaction opens (no row is locked while the
# platform answers): (shop, topic, parsed body, connect) -> the payload the handler gets. Only
# deliveries its `needs_read_ahead(topic, parsed body)` picks go through it.
ReadAhead = Callable[[Shop, str, Any, Connect], Any]
# A platform's connector for a shop, built from its stored credentials; raises NotConnected.
ConnectorFactory = Callable[["Config", "SecretBox", Shop], Connector]


@dataclass(frozen=True)
class WebhookTarget:
    """Where a shop's webhooks deliver (a path under APP_URL) and the topics they carry."""

    path: str
    topics: tuple[str, ...]


def _no_webhooks_to_restore(shop: Shop) -> WebhookTarget | None:
    return None


def _never(topic: str, payload: Any) -> bool:
    return False


@dataclass(frozen=True)
class Platform:
    """What one platform plugs into the app."""

    name: str
    handlers: Mapping[str, Handler]
    connector: ConnectorFactory
    # Facts the domain takes as plain values: the storefront path applying a code ("{code}"), and
    # whether cashback may move to the platform's store credit (both as the connector declares them).
    apply_path: str
    store_credit: bool
    # Whether a shop row holds the credentials its connector needs.
    has_credentials: Callable[[Shop], bool]
    # The view taking the platform's deliveries (no rate limit: a platform must never be refused).
    webhook_blueprint: Blueprint
    blueprints: tuple[Blueprint, ...] = ()
    # Commands added to `flask --app wsgi shops` (add-<platform>).
    shop_commands: tuple[click.Command, ...] = ()
    # Topics processed even for an uninstalled shop (Shopify's compliance topics).
    after_uninstall: frozenset[str] = frozenset()
    read_ahead: ReadAhead | None = None
    needs_read_ahead: Callable[[str, Any], bool] = _never
    # The webhooks reconciliation puts back for a shop (Shopify custom apps), or None.
    restored_webhooks: Callable[[Shop], WebhookTarget | None] = _no_webhooks_to_restore
    # Rate limits on its blueprints, counted by the app's limiter (create_app, once it exists).
    rate_limits: Callable[[Limiter], None] | None = None
    # Sign-ins the platform adds to the merchant pages ("embedded_admin": Shopify's session token).
    extras: Mapping[str, Any] = field(default_factory=dict)


_platforms: dict[str, Platform] = {}
# Stores standing in for a platform, by the install kind of the shops they serve (make run's demo
# store: install kind "demo"), with whether they keep store credit. A shop of any other kind always
# reaches its platform.
_stand_ins: dict[str, tuple[Callable[[Shop], Connector], bool]] = {}


def register(platform: Platform) -> None:
    """Make `platform` known (create_app; registering the same name again replaces it)."""
    _platforms[platform.name] = platform


def register_stand_in(install_kind: str, factory: Callable[[Shop], Connector], store_credit: bool) -> None:
    """Shops installed as `install_kind` get `factory(shop)` as their connector (create_app);
    `store_credit`: whether that store keeps store credit (its connector's supports_store_credit)."""
    _stand_ins[install_kind] = (factory, store_credit)


def registered() -> tuple[Platform, ...]:
    return tuple(_platforms.values())


def platform(name: str) -> Platform | None:
    return _platforms.get(name)


def handler_for(platform_name: str, topic: str) -> Handler | None:
    found = _platforms.get(platform_name)
    return found.handlers.get(topic) if found is not None else None


def accepts(shop: Shop | None, platform_name: str, topic: str) -> bool:
    """Whether a delivery will be processed; otherwise it is stored as ignored."""
    found = _platforms.get(platform_name)
    if shop is None or found is None or topic not in found.handlers:
        return False
    return shop.uninstalled_at is None or topic in found.after_uninstall


def connector_for(config: Config, box: SecretBox, shop: Shop) -> Connector:
    """The shop's connector (an OAuth shop's expiring token refreshed first); NotConnected when it
    has no usable credentials or its platform is not registered."""
    stand_in = _stand_ins.get(shop.install_kind)
    if stand_in is not None:
        return stand_in[0](shop)
    found = _platforms.get(shop.platform)
    if found is None:
        raise NotConnected(f"no connector for {shop.platform}")
    return found.connector(config, box, shop)


def platform_of(shop: Shop) -> Platform:
    found = _platforms.get(shop.platform)
    if found is None:
        raise LookupError(f"no platform {shop.platform!r} is registered")
    return found


def apply_path(shop: Shop) -> str:
    return platform_of(shop).apply_path


def store_credit_supported(shop: Shop) -> bool:
    stand_in = _stand_ins.get(shop.install_kind)
    return stand_in[1] if stand_in is not None else platform_of(shop).store_credit


def webhooks_to_restore(shop: Shop) -> WebhookTarget | None:
    return platform_of(shop).restored_webhooks(shop)


def store_credit_platforms() -> tuple[str, ...]:
    """The registered platforms that keep store credit."""
    return tuple(found.name for found in _platforms.values() if found.store_credit)


def has_credentials(shop: Shop) -> bool:
    """Installed, with the credentials its connector needs."""
    if shop.uninstalled_at is not None:
        return False
    return shop.install_kind in _stand_ins or platform_of(shop).has_credentials(shop)


def extra(name: str) -> Any | None:
    """The first registered platform's extra called `name` (e.g. "embedded_admin"), or None."""
    for found in _platforms.values():
        if name in found.extras:
            return found.extras[name]
    return None
