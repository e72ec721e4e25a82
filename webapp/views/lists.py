"""Every article list: the news list, topic and partner pages and search results.

They are one view with a different preset, so they share links, filters, counts and
behaviour. One template renders both the full page and, for htmx, just its `results`
block, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import replace

from flask import current_app, make_response, render_template, request
from jinja2_fragments.flask import render_block

from webapp import languages
from webapp.caching import VARIANT_HEADERS, page_variant
from webapp.i18n import current_language
from webapp.live import now
from webapp.views import live_build, localized_names, page_number, results_page
from webapp.views.filters import describe, parse_filters

TEMPLATE = "news/list.html"


def is_fragment_request() -> bool:
    """htmx asked for the results region only (not a history restore, which wants a page)."""
    return page_variant(request.headers) == "fragment"


def render_list(*, kind: str, topic=None, partner=None):
    """Render a list page of `kind` ("news", "topic", "partner" or "search")."""
    build = live_build()
    lang = current_language()
    filters = parse_filters(request, build)
    if topic is not None:
        filters.topics = (topic.id,)
    if partner is not None:
        filters.partners = (partner.id,)
    query = filters.query(lang, page=page_number(), page_size=current_app.config["PAGE_SIZE"], now=now())
    if kind == "search":  # search finds easy-to-read versions too, marked as such
        query = replace(query, easy_read=None)
    guidance_only = kind == "search" and not filters.text
    results = None if guidance_only else results_page(query)
    topic_names, partner_names = localized_names(build, lang)
    # Fewer than a page of articles in a language that falls back: offer that one's list.
    fallback = languages.BY_CODE[lang].fallback
    few = results is not None and results.total < query.page_size
    context = {
        "fallback_offer": fallback if fallback and few else None,
        "kind": kind,
        "topic": topic,
        "partner": partner,
        "filters": filters,
        "query": query,
        "results": results,
        "summary": describe(results.total, filters, topic_names, partner_names) if results else "",
        "fragment": is_fragment_request(),
        "query_text": filters.text,
    }
    if context["fragment"]:
        html = render_block(TEMPLATE, "results", **context)
    else:
        html = render_template(TEMPLATE, **context)
    response = make_response(html)
    # The same URL gives a page or a fragment depending on these headers: caches must know.
    for header in VARIANT_HEADERS:
        response.vary.add(header)
    return response
