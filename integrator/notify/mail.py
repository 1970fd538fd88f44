"""Composing and sending shopper emails with the standard library (email.message.EmailMessage and
smtplib: well kept, and all SMTP needs here).

SMTP_URL `smtp://[user:pass@]host[:port]` upgrades with STARTTLS whenever the server offers it and
refuses to send credentials over a connection that did not; `smtps://` speaks TLS from the start.
Every header value is checked for CR and LF (a shop name is the merchant's text): a header cannot
be smuggled into a message."""

from __future__ import annotations

import email.policy
import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from urllib.parse import unquote, urlsplit

from integrator.loyalty.models import utcnow

TIMEOUT = 30.0
# RFC 5322's hard line limit: long headers (the unsubscribe URL) stay on one line, unfolded.
POLICY = email.policy.default.clone(max_line_length=998)


class HeaderInjection(ValueError):
    """A header value holding a line break."""


class MailRefused(Exception):
    """The server (or our own rule) refused the message for good: trying again will not help."""


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str
    message_id: str
    unsubscribe_url: str
    sender_name: str = ""


def _clean(name: str, value: str) -> str:
    if "\r" in value or "\n" in value:
        raise HeaderInjection(f"line break in the {name} header")
    return value


def compose(mail: Mail, mail_from: str) -> EmailMessage:
    """The message with its headers: From (the shop's name before MAIL_FROM's address), To,
    Subject, Date, a stable Message-ID, and RFC 8058 one-click unsubscribe (RFC 2369 header plus
    List-Unsubscribe-Post)."""
    default_name, address = parseaddr(mail_from)
    name = _clean("From", mail.sender_name or default_name)
    message = EmailMessage(policy=POLICY)
    message["From"] = str(Address(display_name=name, addr_spec=address)) if name else address
    message["To"] = _clean("To", mail.to)
    message["Subject"] = _clean("Subject", mail.subject)
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = _clean("Message-ID", mail.message_id)
    message["List-Unsubscribe"] = f"<{_clean('List-Unsubscribe', mail.unsubscribe_url)}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


def send(smtp_url: str, message: EmailMessage) -> None:
    """Hand the message to the SMTP server. MailRefused when it is refused for good (a 5xx answer,
    or credentials that would go unencrypted); other errors (OSError, 4xx) are worth a retry."""
    parts = urlsplit(smtp_url)
    host, user = parts.hostname or "localhost", unquote(parts.username or "")
    password = unquote(parts.password or "")
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if parts.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(host, parts.port or 465, timeout=TIMEOUT, context=context)
    else:
        smtp = smtplib.SMTP(host, parts.port or 587, timeout=TIMEOUT)
    try:
        smtp.ehlo()
        secure = parts.scheme == "smtps"
        if not secure and smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
            secure = True
        if user:
            if not secure:
                raise MailRefused("the SMTP server offers no STARTTLS: credentials are never sent unencrypted")
            smtp.login(user, password)
        smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        if all(code >= 500 for code in codes):
            raise MailRefused(f"recipient refused: {exc.recipients}") from exc
        raise
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code >= 500:
            raise MailRefused(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
        raise
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
