"""Signed values: the links in alert e-mails and the token in the subscription form.

A link names a subscription's random public id, signed (HMAC, itsdangerous) with the
alerts secret and the link's purpose, so an "unsubscribe" link cannot confirm and a
guessed id opens nothing. The form token is the page's signed language and time: with the
browser's Sec-Fetch-Site and Origin headers (webapp/alerts/views.py) it stops requests
forged by other sites without a cookie.
"""

from __future__ import annotations

from datetime import datetime

from itsdangerous import BadSignature, Signer, URLSafeSerializer

PURPOSES = ("confirm", "unsubscribe")
FORM_SALT = "alerts-form"


def link_token(secret: str, purpose: str, public_id: str) -> str:
    """The token in a link of `purpose` ("confirm" or "unsubscribe") to one subscription."""
    assert purpose in PURPOSES
    return Signer(secret, salt=f"alerts-{purpose}").sign(public_id).decode()


def read_link_token(secret: str, purpose: str, token: str) -> str | None:
    """The public id a link token of `purpose` names, or None if it was not signed by us."""
    if len(token) > 200:
        return None
    try:
        return Signer(secret, salt=f"alerts-{purpose}").unsign(token).decode()
    except (BadSignature, UnicodeDecodeError):
        return None


def form_token(secret: str, lang: str, now: datetime) -> str:
    """The subscription form's token: its language and when the page was made, signed."""
    return URLSafeSerializer(secret, salt=FORM_SALT).dumps([lang, int(now.timestamp())])


def read_form_token(secret: str, token: str, lang: str, now: datetime, max_age: int) -> bool:
    """Whether `token` is a form token of ours, for this language, at most `max_age`
    seconds old at `now` (the app's clock, as the page that made it)."""
    if not token or len(token) > 200:
        return False
    try:
        token_lang, made = URLSafeSerializer(secret, salt=FORM_SALT).loads(token)
    except (BadSignature, TypeError, ValueError):
        return False
    return token_lang == lang and isinstance(made, int) and 0 <= now.timestamp() - made <= max_age
