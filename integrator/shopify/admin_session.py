"""The merchant pages inside the Shopify admin: App Bridge's session token names the shop and staff
member; on a page load, a shop without a usable token is installed first by token exchange
(Shopify managed installation). Registered as the "embedded_admin" sign-in (integrator/admin/access.py)."""

from __future__ import annotations

from sqlalchemy import select

from connectors.base import PlatformError
from connectors.shopify import auth
from integrator.admin.access import Merchant, NotSignedIn
from integrator.loyalty.models import Shop, utcnow
from integrator.services import services
from integrator.shopify import tokens


def embedded_merchant(raw: str, install: bool) -> Merchant:
    """The merchant a session token names. On a page load (`install`), a shop without a usable token is
    installed first by token exchange (Shopify managed installation)."""
    config = services().config
    try:
        token = auth.verify_session_token(raw, config.shopify_api_key or "", config.shopify_api_secret or "")
    except auth.InvalidSessionToken as exc:
        raise NotSignedIn(f"invalid session token: {exc}") from exc
    db = services().db
    with db.session() as session:
        shop = session.execute(
            select(Shop).where(Shop.platform == "shopify", Shop.domain == token.shop)
        ).scalar_one_or_none()
        shop_id = shop.id if shop is not None else None
        must_install = tokens.needs_install(shop, utcnow())
    if must_install:
        if not install:
            raise NotSignedIn(f"{token.shop} has not installed the app")
        try:
            shop_id = tokens.install_with_session_token(db, config, services().box, token, raw)
        except (PlatformError, tokens.TokenUnavailable) as exc:
            raise NotSignedIn(f"the token exchange for {token.shop} failed: {exc}") from exc
        services().shop_secrets.forget(token.shop)
    if shop_id is None:
        raise NotSignedIn(f"{token.shop} is not installed")
    return Merchant(shop_id, token.shop, f"shopify:{token.user_id}", embedded=True)
