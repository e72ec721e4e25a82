"""Following and finding the news: Atom feeds for any list, the sitemap and robots.txt."""

from __future__ import annotations

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _

from webapp.i18n import LANGUAGES, current_language
from webapp.live import now
from webapp.search import ArticleQuery
from webapp.views import live_build, localized_names
from webapp.views.context import public_url
from webapp.views.filters import describe, parse_filters

FEED_SIZE = 20
feeds_bp = Blueprint("feeds", __name__)
site_bp = Blueprint("site_files", __name__)


def _atom(title: str, self_url: str, page_url: str, articles: list, lang: str) -> Response:
    build = live_build()
    topic_names, _partners = localized_names(build, lang)
    feed = FeedGenerator()
    feed.id(public_url(self_url))
    feed.title(title)
    feed.author({"name": build.site.name[lang]})
    feed.link(href=public_url(self_url), rel="self", type="application/atom+xml")
    feed.link(href=public_url(page_url), rel="alternate", type="text/html")
    feed.language(lang)
    feed.updated(max((a.last_changed_at for a in articles), default=None) or _newest_change(build, lang))
    for article in articles:
        entry = feed.add_entry(order="append")
        # The short link never changes, so readers' feed software never sees a duplicate.
        entry.id(public_url(url_for("localized_pages.short_link", lang_code=article.lang, key=article.key)))
        entry.title(article.title)
        entry.link(href=public_url(url_for("news.article", lang_code=article.lang, slug=article.slug)))
        entry.published(article.published_at)
        entry.updated(article.last_changed_at)
        entry.summary(article.lead)
        entry.content(article.body_html, type="html")
        for topic in article.topics:
            entry.category(term=topic, label=topic_names[topic])
    return Response(feed.atom_str(pretty=True), mimetype="application/atom+xml")


def _newest_change(build, lang: str):
    newest = build.search.list_articles(ArticleQuery(lang=lang, page_size=1, now=now())).articles
    return newest[0].last_changed_at if newest else None


def _feed(topic_id: str | None = None, partner_id: str | None = None) -> Response:
    build = live_build()
    lang = current_language()
    filters = parse_filters(request, build)
    if topic_id is not None:
        if topic_id not in build.topics:
            abort(404, description=_("There is no topic called “%(name)s”.", name=topic_id))
        filters.topics = (topic_id,)
    if partner_id is not None:
        if partner_id not in build.partners:
            abort(404, description=_("There is no partner called “%(name)s”.", name=partner_id))
        filters.partners = (partner_id,)
    results = build.search.list_articles(filters.query(lang, sort="newest", page_size=FEED_SIZE, now=now()))
    topic_names, partner_names = localized_names(build, lang)
    title = f"{build.site.name[lang]}: {_('News')}"
    if filters.active or filters.text:
        # The list's own description without its count: "News about Water from SMHI".
        title += " " + describe(results.total, filters, topic_names, partner_names).split(" ", 2)[-1]
    # Addresses are rebuilt from the validated filters, never copied from the request.
    args = {
        "q": filters.text or None,
        "topic": [t for t in filters.topics if t != topic_id],
        "partner": [p for p in filters.partners if p != partner_id],
        "year": list(filters.years),
    }
    if topic_id:
        page_url = url_for("news.topic", topic_id=topic_id, **args)
    elif partner_id:
        page_url = url_for("news.partner", partner_id=partner_id, **args)
    else:
        page_url = url_for("news.news_list", **args)
    self_url = url_for(request.endpoint, **(request.view_args or {}), **args)
    return _atom(title, self_url, page_url, results.articles, lang)


@feeds_bp.get("/feed.atom")
def news_feed():
    """The newest news, with the same filters as the list (?topic=, ?partner=, ?year=, ?q=)."""
    return _feed()


@feeds_bp.get("/topics/<topic_id>/feed.atom")
def topic_feed(topic_id: str):
    return _feed(topic_id=topic_id)


@feeds_bp.get("/partners/<partner_id>/feed.atom")
def partner_feed(partner_id: str):
    return _feed(partner_id=partner_id)


@site_bp.get("/sitemap.xml")
def sitemap():
    """Every article version with its other-language alternates, and the list pages."""
    build = live_build()
    by_key: dict[str, dict] = {}
    for lang in LANGUAGES:
        everything = build.search.list_articles(ArticleQuery(lang=lang, page_size=1_000_000, now=now()))
        for article in everything.articles:
            by_key.setdefault(article.key, {})[article.lang] = article
    xml = render_template(
        "sitemap.xml", versions=list(by_key.values()), topics=build.topics, partners=build.partners
    )
    return Response(xml, mimetype="application/xml")


@site_bp.get("/robots.txt")
def robots():
    lines = ["User-agent: *", "Allow: /"]
    lines.append(f"Sitemap: {public_url(url_for('site_files.sitemap'))}")
    return Response("\n".join(lines) + "\n", mimetype="text/plain")
