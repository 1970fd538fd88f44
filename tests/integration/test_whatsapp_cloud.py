"""The WhatsApp Cloud API adapter against a fake Graph API that checks the real request shape and
refuses a wrong token; the shop's credentials are stored encrypted and switched on per shop."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from integrator.loyalty.errors import InvalidSettings
from integrator.loyalty.models import WhatsAppAccount
from integrator.loyalty.whatsapp_accounts import account_of, save_account
from integrator.notify.whatsapp import Template, WhatsAppError, send_template
from tests.fake_whatsapp import fake_whatsapp

TOKEN, PHONE_ID = "EAAG-test-token", "106540352242922"  # noqa: S105 (the fake's own token)


def TEXT(text: str) -> dict[str, str]:  # noqa: N802 (reads as the API's shape)
    return {"type": "text", "text": text}


def test_a_template_message_has_the_documented_shape():
    with fake_whatsapp(TOKEN, PHONE_ID) as fake:
        template = Template("points_earned", "id", ("Toko Maju", "120"))
        message_id = send_template(PHONE_ID, TOKEN, "0812-3456-7890", template)
    assert message_id == "wamid.HBgM0001"
    assert fake.sent == [
        {
            "messaging_product": "whatsapp",
            "to": "6281234567890",
            "type": "template",
            "template": {
                "name": "points_earned",
                "language": {"code": "id"},
                "components": [
                    {
                        "type": "body",
                        "parameters": [{"type": "text", "text": "Toko Maju"}, {"type": "text", "text": "120"}],
                    }
                ],
            },
        }
    ]


def test_a_wrong_token_is_refused_and_not_retried():
    with (
        fake_whatsapp(TOKEN, PHONE_ID) as fake,
        pytest.raises(WhatsAppError, match="Invalid OAuth access token") as refused,
    ):
        send_template(PHONE_ID, "EAAG-other", "6281234567890", Template("points_earned", "id", ("1",)))
    assert refused.value.status == 401 and refused.value.retryable is False
    assert fake.sent == []


def test_bad_inputs_never_reach_the_api():
    with fake_whatsapp(TOKEN, PHONE_ID) as fake:
        with pytest.raises(WhatsAppError):
            send_template("106/../me", TOKEN, "6281234567890", Template("points_earned", "id", ()))
        with pytest.raises(ValueError):
            send_template(PHONE_ID, TOKEN, "6281234567890", Template("Points Earned!", "id", ()))
        with pytest.raises(ValueError):
            send_template(PHONE_ID, TOKEN, "12", Template("points_earned", "id", ()))
    assert fake.sent == []


def test_the_account_is_switched_on_per_shop_and_its_token_kept_encrypted(app, shop):
    box = app.extensions["setia_box"]
    with app.extensions["setia_db"].session() as session:
        save_account(session, shop["id"], PHONE_ID, box.encrypt(TOKEN), "id", {"points_earned": "points_earned"}, True)
    with app.extensions["setia_db"].session() as session:
        [row] = session.execute(select(WhatsAppAccount)).scalars()
        assert TOKEN.encode() not in bytes(row.access_token_enc) and box.decrypt(row.access_token_enc) == TOKEN
        assert row.enabled and row.templates == {"points_earned": "points_earned"}
        save_account(session, shop["id"], PHONE_ID, None, "en_US", {}, False)  # the token kept
    with app.extensions["setia_db"].session() as session:
        account = account_of(session, shop["id"])
        assert account is not None and not account.enabled and box.decrypt(account.access_token_enc) == TOKEN
        with pytest.raises(InvalidSettings):
            save_account(session, shop["id"], "not-digits", None, "id", {"nope": "x"}, True)
