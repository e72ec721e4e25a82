"""Subscribers' e-mail addresses: checked by a maintained library (email-validator, RFC
5321/5322 syntax, no DNS lookups from the web tier), with our own localized words for what
is wrong. An address is stored as the library writes it (the domain in lower case)."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from webapp.alerts.schema import MAX_ADDRESS


def problem(address: str) -> str | None:
    """What is wrong with `address`, in the reader's language, or None if it can be used."""
    if not address.strip():
        return _("Enter your e-mail address.")
    if len(address) > MAX_ADDRESS:
        return _("An e-mail address can be at most %(count)s characters long.", count=MAX_ADDRESS)
    if any(ch in address for ch in "\r\n\0") or not address.isprintable():
        return _("The e-mail address contains characters an address cannot have.")
    try:
        validate_email(address.strip(), check_deliverability=False)
    except EmailNotValidError:
        return _("Enter an e-mail address in the form name@example.se.")
    return None


def normalized(address: str) -> str:
    """The address as stored and sent to (call `problem` first)."""
    return validate_email(address.strip(), check_deliverability=False).normalized
