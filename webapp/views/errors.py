"""Error pages in the reader's language, inside the site layout, with a way onward.

An address with a language prefix gets its page in that language; any other address gets
the language the reader's browser prefers, and then says `Vary: Accept-Language`, so no
cache hands one reader's language to another. Server errors are never kept by a cache.
"""

from __future__ import annotations

import html

from flask import Flask, Response, g, make_response, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError

from webapp import security
from webapp.i18n import LANGUAGES, language_from_path, preferred_language
from webapp.search import SearchError

TITLES = {
    400: lambda: _("The address is not valid"),
    404: lambda: _("Page not found"),
    410: lambda: _("The page has been removed"),
    405: lambda: _("The address is not valid"),
    413: lambda: _("The request is too large"),
    414: lambda: _("The address is too long"),
    500: lambda: _("Something went wrong"),
    503: lambda: _("The news are not available right now"),
}


# 5xx: a failure may pass in a second; no cache may repeat it (4xx: caching.ERRORS).
SERVER_ERRORS = "no-store"


def render_error(status: int, detail: str | None) -> Response:
    """The error page for `status` in the page's language, with `detail` saying what to do."""
    chosen_by_browser = not (g.get("lang") or language_from_path(request.path))
    # An address without a language prefix gets the reader's preferred language.
    g.lang = g.get("lang") or language_from_path(request.path) or preferred_language()
    title = TITLES.get(status, TITLES[500])()
    page = render_template("errors/error.html", status=status, title=title, detail=detail)
    response = make_response(page, status)
    if chosen_by_browser:
        response.vary.add("Accept-Language")
    return response


def server_refusal_pages(app: Flask) -> dict[int, bytes]:
    """For requests the server refuses before the app sees them (security.py): a small page
    per status with the title in every language, each marked with its language. Nothing
    from the request is in it."""
    pages = {}
    with app.test_request_context("/"):
        for status in (400, 413, 414, 500):
            titles = []
            for lang in LANGUAGES:
                with force_locale(lang):
                    titles.append((lang, html.escape(TITLES[status]())))
            first = titles[0][1]
            body = "".join(f'<p lang="{lang}">{title}</p>' for lang, title in titles[1:])
            pages[status] = (
                f'<!doctype html>\n<html lang="{titles[0][0]}"><head><meta charset="utf-8">'
                f'<meta name="robots" content="noindex"><title>{first}</title></head>\n'
                f"<body><h1>{first}</h1>{body}</body></html>\n"
            ).encode()
    pages[431] = pages[413]  # headers too large
    return pages


def init_app(app: Flask) -> None:
    security.answer_malformed_requests_safely(app, lambda: server_refusal_pages(app))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        default = error.description == type(error).description
        return render_error(error.code, None if default else error.description)

    @app.errorhandler(SearchError)
    def no_build(error: SearchError):
        app.logger.error("cannot read the build: %s", error)
        return render_error(503, _("Please try again in a few minutes."))

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError):
        return render_error(500, None)

    # Registered before caching.init_app, so it runs after caching's hook (Flask runs them
    # last-registered first) and has the last word on a server error's Cache-Control.
    @app.after_request
    def server_errors_are_not_kept(response: Response) -> Response:
        if response.status_code >= 500:
            response.headers["Cache-Control"] = SERVER_ERRORS
        return response
