"""Searching the news. The query lives in the URL (?q=), so a search is a shareable link.

Searches that find nothing, and followed suggestions (links carry `from`, the words the
reader had typed), are counted for staff (webapp/search_log.py). They are counted from
what the page was rendered with, and such pages are not kept by the worker's page memo:
a memo would answer the same search again without it being counted.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from flask import Blueprint, current_app, g, request, template_rendered
from jinja2_fragments.flask import template_block_rendered

from webapp.search_log import SearchLog
from webapp.views.filters import describe
from webapp.views.lists import render_list

bp = Blueprint("search", __name__)


@bp.get("/search")
def search():
    """Results for ?q= with the same filters as every list, or guidance when it is empty."""
    return render_list(kind="search")


@bp.app_context_processor
def search_helpers() -> dict:
    return {"corrected_summary": corrected_summary}


def corrected_summary(results, filters, topic_names: dict, partner_names: dict) -> str:
    """The sentence that heads corrected results: what was found for the corrected words."""
    return describe(results.total, replace(filters, text=results.corrected), topic_names, partner_names)


def _count(sender, context: dict, **extra) -> None:
    """Count a rendered search page that found nothing, or that a suggestion led to."""
    results = context.get("results")
    if context.get("kind") != "search" or results is None or request.blueprint != "search":
        return
    log = _search_log()
    lang, text = context["query"].lang, context["filters"].text
    followed_from = request.args.get("from", "").strip()
    if followed_from and results.total:
        log.record("followed", lang, followed_from, text)
    elif results.corrected:
        log.record("corrected", lang, text, results.corrected)
    elif results.total == 0 and not context["filters"].active:
        log.record("nothing", lang, text)
    else:
        return
    g.search_counted = True


template_rendered.connect(_count)
template_block_rendered.connect(_count)


@bp.after_request
def _not_memoized_when_counted(response):
    """A counted page is rendered again next time (webapp/caching.py keeps a page in the
    worker's memos only when the request has a page ETag), so each such search is counted.
    Proxies may still keep it for the page's max-age (a minute): repeats within it count once."""
    if g.get("search_counted"):
        g.pop("page_etag", None)
    return response


def _search_log() -> SearchLog:
    """The app's search log, in SEARCH_LOG_DIR (default: search-log beside the builds)."""
    log = current_app.extensions.get("search_log")
    if log is None:
        log = current_app.extensions["search_log"] = SearchLog(search_log_folder(current_app.config))
    return log


def search_log_folder(config) -> Path:
    """Where counted searches are written (and `flask search report` reads)."""
    return Path(config.get("SEARCH_LOG_DIR") or Path(config["BUILDS_DIR"]).parent / "search-log")
