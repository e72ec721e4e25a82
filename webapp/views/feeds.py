"""Following and finding the news: Atom feeds for any list, the sitemaps and robots.txt.

A feed holds the newest FEED_SIZE entries, each with its lead as the summary and a link to
the page, never the article's body: its size does not depend on how long articles are. The
sitemaps are files the build wrote (webapp/sitemaps.py), sent as they are; only the recent
sitemap, what was published since the build, is made per request.
"""

from __future__ import annotations

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort, request, send_from_directory, url_for
from flask_babel import gettext as _

from webapp import sitemaps
from webapp.i18n import current_language
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
        # The lead only (the loader keeps it short), not the body: the link goes to the page,
        # and Atom needs no content then.
        entry.summary(article.lead)
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
    """The sitemap index: the build's sitemap files and the recent sitemap."""
    return _sitemap_file(sitemaps.INDEX_NAME)


@site_bp.get("/sitemap-<part>.xml")
def sitemap_file(part: str):
    """One of the build's sitemap files (the list pages, or a year's articles)."""
    return _sitemap_file(f"sitemap-{part}.xml")


@site_bp.get("/sitemap-recent.xml")
def sitemap_recent():
    """The front pages and what was published since the build (a scheduled article whose
    minute came): the build's files cannot list it."""
    xml = sitemaps.recent_sitemap(live_build(), now())
    return Response(xml, mimetype="application/xml")


def _sitemap_file(name: str) -> Response:
    # Only names a build writes are sent, whatever else the folder might hold; webapp/caching.py
    # gives the Cache-Control and ETag (from the build), so the file's own are not sent.
    if not sitemaps.FILE_NAME.match(name):
        abort(404)
    directory = live_build().sitemaps_dir
    return send_from_directory(directory, name, mimetype="application/xml", conditional=False, etag=False)


@site_bp.get("/robots.txt")
def robots():
    lines = ["User-agent: *", "Allow: /"]
    lines.append(f"Sitemap: {public_url(url_for('site_files.sitemap'))}")
    return Response("\n".join(lines) + "\n", mimetype="text/plain")
