"""Composing and sending shopper emails (integrator/notify/mail.py): no header can be injected
through a line break, and credentials never go over a connection STARTTLS did not protect. The
server is a real aiosmtpd on 127.0.0.1 that offers no STARTTLS."""

from __future__ import annotations

import pytest

from integrator.notify import mail
from tests.notify_servers import smtp_server

MAIL = mail.Mail(
    to="jane@example.com",
    subject="You earned 5 points",
    text="text",
    html="<p>html</p>",
    message_id="<setia.1.abc@example.com>",
    unsubscribe_url="https://setia.test/unsubscribe/t",
    sender_name="Toko Maju",
)


@pytest.mark.parametrize(
    "field",
    [
        {"sender_name": "Toko\r\nBcc: victim@example.com"},
        {"subject": "Hi\nBcc: victim@example.com"},
        {"to": "jane@example.com\r\nBcc: victim@example.com"},
        {"unsubscribe_url": "https://setia.test/u\r\nX-Evil: 1"},
    ],
)
def test_a_line_break_in_any_header_value_is_refused(field):
    from dataclasses import replace

    with pytest.raises(mail.HeaderInjection):
        mail.compose(replace(MAIL, **field), "Setia <no-reply@example.com>")


def test_the_message_carries_the_one_click_headers_and_the_shop_as_sender():
    message = mail.compose(MAIL, "Setia <no-reply@example.com>")
    assert message["From"] == "Toko Maju <no-reply@example.com>"
    assert message["List-Unsubscribe"] == "<https://setia.test/unsubscribe/t>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"] == "<setia.1.abc@example.com>"


def test_credentials_are_never_sent_without_starttls():
    with smtp_server() as (inbox, port):
        message = mail.compose(MAIL, "Setia <no-reply@example.com>")
        with pytest.raises(mail.MailRefused, match="STARTTLS"):
            mail.send(f"smtp://user:secret@127.0.0.1:{port}", message)
        assert inbox.wait_for(1, seconds=0.3) == []
        mail.send(f"smtp://127.0.0.1:{port}", message)  # no credentials: plain SMTP is allowed
        assert len(inbox.wait_for(1)) == 1
