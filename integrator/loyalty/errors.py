"""Errors the domain raises; each blueprint maps them to an HTTP answer."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class UnknownShop(DomainError):
    status = 404
    code = "unknown_shop"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class InsufficientPoints(DomainError):
    status = 409
    code = "insufficient_points"


class IdempotencyConflict(DomainError):
    status = 409
    code = "idempotency_conflict"


class InvalidSettings(DomainError):
    status = 422
    code = "invalid_settings"


class InvalidBirthday(DomainError):
    status = 422
    code = "invalid_birthday"


class BirthdayLocked(DomainError):
    status = 409
    code = "birthday_locked"


class InvalidAction(DomainError):
    status = 422
    code = "invalid_action"


class ActionLimitReached(DomainError):
    status = 409
    code = "action_limit_reached"
