"""Searching the news. The query lives in the URL (?q=), so a search is a shareable link."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _

from webapp.i18n import current_language
from webapp.search import ArticleQuery
from webapp.views import live_build, page_number

bp = Blueprint("search", __name__)

MAX_QUERY_LENGTH = 200


@bp.get("/search")
def search():
    """Results for ?q=, or guidance when the query is empty."""
    text = " ".join(request.args.get("q", "").split())[:MAX_QUERY_LENGTH]
    if not text:
        return render_template("search/results.html", query_text="", results=None)
    query = ArticleQuery(
        lang=current_language(), text=text, page=page_number(), page_size=current_app.config["PAGE_SIZE"]
    )
    results = live_build().search.list_articles(query)
    if query.page > results.page_count:
        abort(404, description=_("There is no page %(page)s: this list has %(count)s page(s).", page=query.page, count=results.page_count))
    return render_template("search/results.html", query_text=text, results=results)
