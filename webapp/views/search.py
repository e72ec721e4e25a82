"""Searching the news. The query lives in the URL (?q=), so a search is a shareable link."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from webapp.views import results_page

bp = Blueprint("search", __name__)

MAX_QUERY_LENGTH = 200


@bp.get("/search")
def search():
    """Results for ?q=, or guidance when the query is empty."""
    text = " ".join(request.args.get("q", "").split())[:MAX_QUERY_LENGTH]
    results = results_page(text=text) if text else None
    return render_template("search/results.html", query_text=text, results=results)
