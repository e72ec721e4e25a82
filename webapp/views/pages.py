"""Site-wide pages: the root redirect, fixed content pages, media and the theme."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, send_from_directory, url_for
from flask_babel import gettext as _

from webapp.i18n import current_language, preferred_language
from webapp.views import live_build

bp = Blueprint("pages", __name__)
localized_bp = Blueprint("localized_pages", __name__)


@bp.get("/")
def root():
    """Send the reader to the news in the language their browser prefers."""
    response = redirect(url_for("news.news_list", lang_code=preferred_language()), code=302)
    response.vary.add("Accept-Language")
    return response


@bp.get("/media/<path:name>")
def media(name: str):
    """Images from the live build."""
    return send_from_directory(live_build().media_dir, name, max_age=3600)


@bp.get("/theme.css")
def theme():
    """The authority's colours from site.yaml, as CSS custom properties."""
    css = f":root {{ --brand: {live_build().site.brand_colour}; }}\n"
    return Response(css, mimetype="text/css", headers={"Cache-Control": "public, max-age=300"})


@localized_bp.get("/accessibility")
def accessibility():
    """The accessibility statement (content/pages/accessibility.<lang>.md)."""
    page = live_build().page("accessibility", current_language())
    if page is None:
        abort(404, description=_("The accessibility statement has not been published yet."))
    return render_template("pages/page.html", page=page)
