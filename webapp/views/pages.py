"""Site-wide pages: the root redirect, fixed content pages, media and the theme."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, g, redirect, render_template, send_from_directory, url_for
from flask_babel import gettext as _

from webapp.i18n import current_language, preferred_language
from webapp.live import now
from webapp.views import live_build

KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

bp = Blueprint("pages", __name__)
localized_bp = Blueprint("localized_pages", __name__)


@bp.get("/")
def root():
    """Send the reader to the news in the language their browser prefers."""
    response = redirect(url_for("news.news_list", lang_code=preferred_language()), code=302)
    response.vary.add("Accept-Language")
    return response


@bp.get("/a/<key>")
@localized_bp.get("/a/<key>")
def short_link(key: str):
    """A link that never changes: the article in the asked-for or the reader's language.

    The key is looked up, never echoed into the Location, so no input can send a reader
    to another site.
    """
    versions = live_build().search.versions(key, now()) if KEY.match(key) else {}
    if not versions:
        if KEY.match(key) and live_build().removed(f"key:{key}", now()):
            abort(410, description=_("This news article has been removed from the site."))
        abort(404, description=_("There is no news article at this address."))
    wanted = g.get("lang") or preferred_language()
    version = versions.get(wanted) or versions.get("sv") or next(iter(versions.values()))
    response = redirect(url_for("news.article", lang_code=version.lang, slug=version.slug), code=302)
    if not g.get("lang"):
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
