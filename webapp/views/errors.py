"""Error pages in the reader's language, inside the site layout, with a way onward."""

from __future__ import annotations

from flask import Flask, g, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError

from webapp.i18n import language_from_path, preferred_language
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


def _render(status: int, detail: str | None):
    # An address without a language prefix gets the reader's preferred language.
    g.lang = g.get("lang") or language_from_path(request.path) or preferred_language()
    title = TITLES.get(status, TITLES[500])()
    return render_template("errors/error.html", status=status, title=title, detail=detail), status


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        default = error.description == type(error).description
        return _render(error.code, None if default else error.description)

    @app.errorhandler(SearchError)
    def no_build(error: SearchError):
        app.logger.error("cannot read the build: %s", error)
        return _render(503, _("Please try again in a few minutes."))

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError):
        return _render(500, None)
