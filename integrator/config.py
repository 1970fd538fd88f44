"""Settings read from the environment: the only module that looks at os.environ (CONTRACT.md)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


@dataclass(frozen=True)
class Config:
    database_url: str
    redis_url: str | None
    secret_key: str
    app_url: str
    shopify_api_key: str | None
    shopify_api_secret: str | None
    shopify_scopes: str | None
    shopify_api_base_url: str | None
    token_encryption_key: str | None
    allow_private_store_urls: bool
    # How many proxies in front of the app set X-Forwarded-*; 0 ignores those headers.
    trusted_proxy_count: int = 0
    # Bodies of processed and ignored deliveries older than this are pruned (their rows stay).
    webhook_retention_days: int = 30
    # Shopper emails: smtp://[user:pass@]host:port (STARTTLS) or smtps:// (TLS); None records them.
    smtp_url: str | None = None
    mail_from: str = "Setia <no-reply@localhost>"


class ConfigError(ValueError):
    """An environment variable has a value the app cannot run with."""


def _whole_number(env: dict[str, str], name: str, default: int, minimum: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) < minimum:
        raise ConfigError(f"{name} must be a whole number of at least {minimum}, not {raw!r}")
    return int(raw)


def _secret_key(env: dict[str, str]) -> str:
    """SECRET_KEY, or one generated once and kept in instance/secret_key for development."""
    if env.get("SECRET_KEY"):
        return env["SECRET_KEY"]
    INSTANCE.mkdir(exist_ok=True)
    path = INSTANCE / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _smtp_url(env: dict[str, str]) -> str | None:
    raw = (env.get("SMTP_URL") or "").strip()
    if not raw:
        return None
    if not raw.startswith(("smtp://", "smtps://")):
        raise ConfigError("SMTP_URL must start with smtp:// (STARTTLS) or smtps:// (TLS)")
    return raw


def _mail_from(env: dict[str, str]) -> str:
    from email.headerregistry import Address
    from email.utils import parseaddr

    raw = (env.get("MAIL_FROM") or "").strip() or "Setia <no-reply@localhost>"
    name, address = parseaddr(raw)
    if "\r" in raw or "\n" in raw or "@" not in address:
        raise ConfigError(f"MAIL_FROM must be an address such as 'Shop <no-reply@example.com>', not {raw!r}")
    return str(Address(name, addr_spec=address)) if name else address


def load_config(env: dict[str, str] | None = None) -> Config:
    env = dict(os.environ if env is None else env)
    database_url = env.get("DATABASE_URL") or f"sqlite:///{INSTANCE / 'setia.db'}"
    if database_url.startswith("sqlite:///") and not env.get("DATABASE_URL"):
        INSTANCE.mkdir(exist_ok=True)
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    return Config(
        database_url=database_url,
        redis_url=env.get("REDIS_URL") or None,
        secret_key=_secret_key(env),
        app_url=(env.get("APP_URL") or "http://127.0.0.1:5000").rstrip("/"),
        shopify_api_key=env.get("SHOPIFY_API_KEY") or None,
        shopify_api_secret=env.get("SHOPIFY_API_SECRET") or None,
        shopify_scopes=env.get("SHOPIFY_SCOPES") or None,
        shopify_api_base_url=(env.get("SHOPIFY_API_BASE_URL") or "").rstrip("/") or None,
        token_encryption_key=env.get("TOKEN_ENCRYPTION_KEY") or None,
        allow_private_store_urls=env.get("ALLOW_PRIVATE_STORE_URLS") == "1",
        trusted_proxy_count=_whole_number(env, "TRUSTED_PROXY_COUNT", 0, minimum=0),
        webhook_retention_days=_whole_number(env, "WEBHOOK_RETENTION_DAYS", 30, minimum=1),
        smtp_url=_smtp_url(env),
        mail_from=_mail_from(env),
    )
