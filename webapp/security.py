"""Security headers on every response and limits on what a request may carry.

The pages need no inline script or style (htmx is configured not to inject any), so the
Content-Security-Policy allows only the site's own files. JSON-LD is a data block, which
CSP does not execute or block.

Redirects say where to go as a path (`Location: /sv/`), never with the Host header the
request happened to carry, so no cache can keep a redirect to another site and a proxy on
another port or scheme keeps readers on it.

The few requests the server (gunicorn) refuses itself, before the app sees them (a request
line over its limit, malformed headers), get the same headers and a fixed page in both
languages instead of the server's page that quotes the request; see
`answer_malformed_requests_safely`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from urllib.parse import quote, urlsplit, urlunsplit

from flask import Flask, Response, abort, request
from flask_babel import gettext as _
from werkzeug.routing import RequestRedirect

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
# Bytes of an address (path and query as sent). A reader's filters and words fit twice over
# (20 topics, 20 partners, 20 years and 200 characters of search, percent-encoded). Kept
# well below the server's request-line limit (gunicorn: at most 8,190 bytes; nginx: 8 KiB),
# so an over-long address gets this app's localized 414, not the server's bare one.
MAX_URL_BYTES = 6 * 1024


def _address_length() -> int:
    """The address's length as sent: gunicorn gives it (RAW_URI); else path and query."""
    environ = request.environ
    path = quote(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""), safe="/")
    rebuilt = len(path) + 1 + len(environ.get("QUERY_STRING", ""))
    return max(rebuilt, len(environ.get("RAW_URI") or ""))


def _limit_request() -> None:
    if _address_length() > MAX_URL_BYTES:
        abort(414, description=_("The address is too long. Remove some filters or search words."))


def _relative_location(response: Response) -> None:
    """Make a redirect to this site say only the path.

    Werkzeug's own redirects (/sv to /sv/, merged slashes) name the host from the request's
    Host header; `redirect(url_for(...))` is relative already.
    """
    location = response.headers.get("Location")
    if not location:
        return
    target = urlsplit(location)
    ours = isinstance(request.routing_exception, RequestRedirect) or target.netloc == request.host
    if target.netloc and ours:
        # One leading slash: "//host/..." would be another site again.
        path = "/" + target.path.lstrip("/\\")
        response.headers["Location"] = urlunsplit(("", "", path, target.query, target.fragment))


def _add_headers(response: Response, hsts: bool) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if hsts:
        # Only when the site is served over HTTPS; set NEWS_HSTS=1 there.
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


def server_refusal(status: int, reason: str, pages: dict[int, bytes], hsts: bool) -> bytes:
    """The whole HTTP response for a request the server refuses before the app sees it:
    the page for `status` (or for 400), the security headers, never stored."""
    body = pages.get(status, pages[400])
    headers = {
        **HEADERS,
        "Content-Type": "text/html; charset=utf-8",
        "Content-Length": str(len(body)),
        "Cache-Control": "no-store",
        "Connection": "close",
    }
    if hsts:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    reason = "".join(ch for ch in reason if ch.isascii() and ch.isprintable()) or "Error"
    head = f"HTTP/1.1 {int(status)} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return (head + "\r\n").encode("latin-1") + body


def answer_malformed_requests_safely(app: Flask, make_pages: Callable[[], dict[int, bytes]]) -> None:
    """In a gunicorn worker, replace gunicorn's answer to requests it refuses itself.

    gunicorn answers those (a request line over --limit-request-line, malformed or too many
    headers, a bad method) from `gunicorn.util.write_error`: an HTML page without our
    security headers that quotes the request (escaped). The app is loaded in each worker
    after gunicorn, so it swaps that function for one that sends `server_refusal` with one
    of the pages `make_pages` returns (status -> HTML, from views/errors.py). Checked
    against the real server in tests/web/test_hostile_http_server.py. Elsewhere (the test
    client, `flask run`) there is no gunicorn and nothing to do.
    """
    server = sys.modules.get("gunicorn.util")
    if server is None or not hasattr(server, "write_error"):
        return
    pages, hsts = make_pages(), app.config["HSTS"]

    def write_error(sock, status_int, reason, mesg):  # gunicorn's signature; mesg is logged
        server.write_nonblock(sock, server_refusal(status_int, reason, pages, hsts))

    server.write_error = write_error


def init_app(app: Flask) -> None:
    """Limit request sizes, add the security headers to every response and keep redirects
    on this site."""
    app.config.setdefault("MAX_CONTENT_LENGTH", 16 * 1024)
    app.config.setdefault("MAX_FORM_MEMORY_SIZE", 16 * 1024)
    app.before_request(_limit_request)

    @app.after_request
    def security_headers(response: Response) -> Response:
        _relative_location(response)
        return _add_headers(response, app.config["HSTS"])
