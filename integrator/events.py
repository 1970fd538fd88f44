"""What each stored delivery means: its body read (and, where its platform says so, what the platform
must be asked first, before any row is locked), then its topic's handler, as the delivery's platform
registered them."""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy.orm import Session

from connectors.base import PayloadError
from integrator.loyalty import orders
from integrator.loyalty.models import Shop
from integrator.platform_registry import Connect, handler_for, platform

log = logging.getLogger(__name__)


def parse_body(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError as exc:  # not UTF-8, not JSON, or an integer of over 4,300 digits
        raise PayloadError(f"body is not valid JSON: {str(exc)[:200]}") from exc
    except RecursionError as exc:
        raise PayloadError("body is not valid JSON: nested too deeply") from exc


def needs_platform(platform_name: str, topic: str, payload: Any) -> bool:
    """Whether the delivery needs platform calls (its platform's read_ahead) before it is applied."""
    found = platform(platform_name)
    return found is not None and found.read_ahead is not None and found.needs_read_ahead(topic, payload)


def read_ahead(shop: Shop, platform_name: str, topic: str, payload: Any, connect: Connect) -> Any:
    """The payload the handler gets, made with the platform's own calls. No transaction is open."""
    found = platform(platform_name)
    if found is None or found.read_ahead is None:
        return payload
    return found.read_ahead(shop, topic, payload, connect)


def handle(session: Session, shop: Shop, platform_name: str, topic: str, payload: Any) -> orders.Outcome | None:
    """Apply one delivery to the domain; returns what the handler left for jobs to do after the commit."""
    handler = handler_for(platform_name, topic)
    if handler is None:
        log.info("no handler for %s %s; acknowledged", platform_name, topic)
        return None
    return handler(session, shop, payload)
