"""Preview links: staff see a draft or a scheduled article before it is public, with no login.

A link carries a token signed with HMAC (itsdangerous, which Flask itself uses for its
sessions) under a secret from the environment (NEWS_PREVIEW_SECRET). The token names the
article version and its content version, and it expires: a wrong, expired, tampered or
outdated token, or one for another article, is simply not found, so it tells nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from itsdangerous import BadData, URLSafeTimedSerializer

from webapp.content.model import Article

SALT = "article-preview"
MIN_SECRET_LENGTH = 32


class PreviewError(Exception):
    """Preview links cannot be made: the secret is missing or too short."""


def content_version(article: Article) -> str:
    """A hash of everything the page shows of this version: any edit changes it."""
    return hashlib.sha256(repr(replace(article, fingerprint="")).encode("utf-8")).hexdigest()[:20]


def _serializer(secret: str | None) -> URLSafeTimedSerializer:
    if not secret or len(secret) < MIN_SECRET_LENGTH:
        raise PreviewError(
            f"preview links need NEWS_PREVIEW_SECRET: a random secret of at least {MIN_SECRET_LENGTH} "
            "characters, the same for every web server (for example: openssl rand -hex 32)"
        )
    return URLSafeTimedSerializer(secret, salt=SALT)


def make_token(secret: str | None, article: Article) -> str:
    """A token that shows this version of `article`. Raises PreviewError without a secret."""
    return _serializer(secret).dumps([article.key, article.lang, content_version(article)])


def read_token(secret: str | None, token: str, max_age_seconds: int) -> tuple[str, str, str] | None:
    """(key, language, content version) of a valid, unexpired token; None for anything else."""
    try:
        key, lang, version = _serializer(secret).loads(token, max_age=max_age_seconds)
    except (PreviewError, BadData, ValueError, TypeError):
        return None
    if not all(isinstance(part, str) for part in (key, lang, version)):
        return None
    return key, lang, version
