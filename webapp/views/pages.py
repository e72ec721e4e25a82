"""Site-wide pages: the root redirect, fixed content pages, media and the theme."""

from __future__ import annotations

import os
import re

from flask import Blueprint, Response, abort, g, redirect, render_template, send_from_directory, url_for
from flask_babel import gettext as _
from werkzeug.security import safe_join

from webapp import languages
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
    version = versions.get(wanted) or versions.get(languages.DEFAULT) or next(iter(versions.values()))
    response = redirect(url_for("news.article", lang_code=version.lang, slug=version.slug), code=302)
    if not g.get("lang"):
        response.vary.add("Accept-Language")
    return response


# What /media/ sends, by extension: images, videos and captions only, each as its own
# type, so that no file in a build's media/ can be served as a page or a script from the
# site's origin.
MEDIA_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".svg": "image/svg+xml",
    # Videos and their captions (content/media/); the browser asks for a video in ranges,
    # which send_from_directory answers (206).
    ".webm": "video/webm",
    ".mp4": "video/mp4",
    ".vtt": "text/vtt",  # Flask adds charset=utf-8 to text types
}
# An SVG is a document that may hold script: opened on its own, it gets no script, no
# requests and a sandbox (inline styles only, as logos use them).
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'"


@bp.get("/media/<path:name>")
def media(name: str):
    """Images and videos from the live build: those types only, sent as their extension says, never
    through a symbolic link; an SVG can never run a script."""
    build = live_build()
    directory = build.media_dir
    mimetype = MEDIA_TYPES.get(os.path.splitext(name)[1].lower())
    path = safe_join(str(directory), name)  # None for "..", an absolute path and the like
    if mimetype is None or path is None or not build.media_public(name, now()):
        abort(404)
    # No part of the path may be a symbolic link: resolving links must not change it.
    if os.path.realpath(path) != os.path.join(os.path.realpath(directory), os.path.relpath(path, directory)):
        abort(404)
    response = send_from_directory(directory, name, mimetype=mimetype, max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    if mimetype == "image/svg+xml":
        response.headers["Content-Security-Policy"] = SVG_POLICY
    return response


@bp.get("/theme.css")
def theme():
    """The authority's colours from site.yaml, as CSS custom properties."""
    css = f":root {{ --brand: {live_build().site.brand_colour}; }}\n"
    return Response(css, mimetype="text/css", headers={"Cache-Control": "public, max-age=300"})


@localized_bp.get("/accessibility")
def accessibility():
    """The accessibility statement (content/pages/accessibility.<lang>.md); in a language
    with a fallback that has none of its own, the fallback's, marked as written in it."""
    build = live_build()
    versions = (build.page("accessibility", lang) for lang in languages.in_turn(current_language()))
    page = next((found for found in versions if found is not None), None)
    if page is None:
        abort(404, description=_("The accessibility statement has not been published yet."))
    return render_template("pages/page.html", page=page)
