"""A shop's WhatsApp Cloud API sender, switched on per shop: the phone number id, the token
(encrypted by the caller with the secret box), the template language and the approved template
name for each email kind (settings.EMAIL_KINDS) it should send on WhatsApp too."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import InvalidSettings
from .models import WhatsAppAccount, utcnow
from .settings import EMAIL_KINDS

PHONE_NUMBER_ID = re.compile(r"[0-9]{5,32}\Z")
TEMPLATE_NAME = re.compile(r"[a-z0-9_]{1,512}\Z")
LANGUAGE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?\Z")


def account_of(session: Session, shop_id: int) -> WhatsAppAccount | None:
    return session.execute(select(WhatsAppAccount).where(WhatsAppAccount.shop_id == shop_id)).scalar_one_or_none()


def save_account(
    session: Session,
    shop_id: int,
    phone_number_id: str,
    token_enc: bytes | None,
    language: str,
    templates: dict[str, str],
    enabled: bool,
) -> WhatsAppAccount:
    """Create or change the shop's account (a None token keeps the stored one); InvalidSettings with
    field errors, nothing changed."""
    errors: dict[str, list[str]] = {}
    if not PHONE_NUMBER_ID.match(phone_number_id):
        errors["phone_number_id"] = ["String does not match expected pattern."]
    if not LANGUAGE.match(language):
        errors["language"] = ["String does not match expected pattern."]
    for kind, name in templates.items():
        if kind not in EMAIL_KINDS or (name and not TEMPLATE_NAME.match(name)):
            errors[f"template_{kind}"] = ["String does not match expected pattern."]
    account = account_of(session, shop_id)
    if account is None and token_enc is None:
        errors["token"] = ["Missing data for required field."]
    if errors:
        raise InvalidSettings("invalid settings", errors)
    if account is None:
        account = WhatsAppAccount(shop_id=shop_id, created_at=utcnow(), access_token_enc=token_enc)
        session.add(account)
    elif token_enc is not None:
        account.access_token_enc = token_enc
    account.phone_number_id, account.language, account.enabled = phone_number_id, language, enabled
    account.templates = {kind: name for kind, name in templates.items() if name}
    session.flush()
    return account
