"""Searching the news. The query lives in the URL (?q=), so a search is a shareable link."""

from __future__ import annotations

from flask import Blueprint

from webapp.views.lists import render_list

bp = Blueprint("search", __name__)


@bp.get("/search")
def search():
    """Results for ?q= with the same filters as every list, or guidance when it is empty."""
    return render_list(kind="search")
