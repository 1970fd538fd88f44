"""What every platform's `flask --app wsgi shops add-<platform>` command shares: the exit with a
message on a refusal, and the store's facts read before anything is stored."""

from __future__ import annotations

import sys
from typing import NoReturn, Protocol

import click

from connectors.base import PlatformError, ShopInfo


def fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


class ShopSource(Protocol):
    def fetch_shop(self) -> ShopInfo: ...


def shop_info(client: ShopSource, where: str, refused: str) -> ShopInfo | None:
    """The store's name and currency; a refusal exits 1 before anything is stored, an unreachable
    store is connected anyway (with a warning) and None is returned."""
    try:
        return client.fetch_shop()
    except PlatformError as exc:
        if not exc.retryable:
            fail(f"{refused}: {exc}")
        click.echo(f"warning: could not reach {where} ({exc}); connecting anyway", err=True)
        return None
