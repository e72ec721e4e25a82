"""Security headers on every response and limits on what a request may carry.

The pages need no inline script or style (htmx is configured not to inject any), so the
Content-Security-Policy allows only the site's own files. JSON-LD is a data block, which
CSP does not execute or block.
"""

from __future__ import annotations

from flask import Flask, Response, abort, request
from flask_babel import gettext as _

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
MAX_QUERY_STRING = 8192  # bytes; a reader's filters and words fit many times over


def _limit_request() -> None:
    if len(request.query_string) > MAX_QUERY_STRING:
        abort(414, description=_("The address is too long. Remove some filters or search words."))


def _add_headers(response: Response, hsts: bool) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if hsts:
        # Only when the site is served over HTTPS; set NEWS_HSTS=1 there.
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


def init_app(app: Flask) -> None:
    """Limit request sizes and add the security headers to every response."""
    app.config.setdefault("MAX_CONTENT_LENGTH", 16 * 1024)
    app.config.setdefault("MAX_FORM_MEMORY_SIZE", 16 * 1024)
    app.before_request(_limit_request)

    @app.after_request
    def security_headers(response: Response) -> Response:
        return _add_headers(response, app.config["HSTS"])
