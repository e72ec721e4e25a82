"""Reading news: the news list, articles, topic and partner pages."""

from __future__ import annotations

from babel import Locale
from flask import Blueprint, abort, current_app, g, make_response, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from webapp import languages
from webapp.content.model import EASY_READ_EDITION, EASY_READ_LANGUAGE
from webapp.i18n import LANGUAGES, collation_key, current_language
from webapp.live import now
from webapp.preview import content_version, read_token
from webapp.search import ArticleQuery
from webapp.views import is_historic, live_build, page_number, results_page
from webapp.views.context import public_url
from webapp.views.lists import render_list

bp = Blueprint("news", __name__)


@bp.get("/")
def news_list():
    """All news, newest first, with filters."""
    return render_list(kind="news")


@bp.get("/news/<slug>")
def article(slug: str):
    """One article; a slug from the other language redirects to this language's version."""
    build = live_build()
    lang = current_language()
    found = build.search.article(lang, slug, now())
    if found is None:
        renamed = build.search.by_old_slug(lang, slug, now())
        if renamed is not None:
            return redirect(url_for("news.article", slug=renamed.slug), code=301)
        return _article_in_other_language(slug)
    return render_article(found, build)


@bp.get("/lattlast/")
def easy_read_list():
    """Every article with an easy-to-read (lättläst) version, newest first. The versions are
    Swedish whatever the page's language; in another language the page says so."""
    query = ArticleQuery(
        lang=EASY_READ_LANGUAGE,
        easy_read=True,
        page=page_number(),
        page_size=current_app.config["PAGE_SIZE"],
        now=now(),
    )
    results = results_page(query)
    return render_template("news/easy_read.html", results=results)


@bp.get("/lattlast/<slug>")
def easy_read_article(slug: str):
    """An easy-to-read version: Swedish, so its page is Swedish (from another language's
    address, it is sent there)."""
    if current_language() != EASY_READ_LANGUAGE:
        return redirect(url_for("news.easy_read_article", lang_code=EASY_READ_LANGUAGE, slug=slug), code=301)
    build = live_build()
    found = build.search.easy_read_article(slug, now())
    if found is None:
        if build.removed(f"{EASY_READ_EDITION}:{slug}", now()):
            abort(410, description=_("This news article has been removed from the site."))
        abort(404, description=_("There is no news article at this address."))
    return render_article(found, build)


@bp.get("/preview/<token>")
def preview(token: str):
    """A draft or scheduled version for staff holding a valid preview link (see webapp/preview.py).

    Anything wrong with the link is a plain 404 that names no article."""
    config = current_app.config
    found = None
    read = read_token(config["PREVIEW_SECRET"], token, config["PREVIEW_DAYS"] * 86400)
    if read is not None and read[1] == current_language():
        key, lang, version = read
        candidate = live_build().search.preview(key, lang)
        if candidate is not None and content_version(candidate) == version:
            found = candidate
    if found is None:
        abort(
            404,
            description=_("This preview link is not valid: it may have expired or the article has changed."),
        )
    response = make_response(render_article(found, live_build(), preview=True))
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def render_article(found, build, preview: bool = False):
    """The article page of version `found`; a preview shows it whatever its state. Every
    version links its easy-to-read (lättläst) version, which links back to the article."""
    versions = build.search.versions(found.key, now())
    regular_version, easy_version = None, None
    if found.easy_read:  # its own page: links back to the article; the switch offers nothing
        regular_version, versions = versions.get(found.lang), {}
        g.alternates = {found.lang: url_for("news.easy_read_article", lang_code=found.lang, slug=found.slug)}
    else:
        easy_version = build.search.easy_read(found.key, now())
        if preview:
            versions = {**versions, found.lang: found}
        # The language switch offers the versions that exist, and only those.
        g.alternates = {
            other: url_for("news.article", lang_code=other, slug=versions[other].slug)
            for other in LANGUAGES
            if other in versions
        }
    return render_template(
        "news/article.html",
        article=found,
        versions=versions,
        missing_notes=[] if found.easy_read else _missing_translation_notes(found.lang, versions),
        easy_version=easy_version,
        regular_version=regular_version,
        newer_versions=[v for v in versions.values() if v.last_changed_at > found.last_changed_at],
        related=[] if found.easy_read else build.search.related(found, now=now()),
        structured_data=_news_article_data(found, versions, build),
        historic=is_historic(found, build),
        preview=preview,
    )


def _news_article_data(article, versions: dict, build) -> dict:
    """schema.org NewsArticle for search engines and link previews (JSON-LD)."""
    lang = article.lang
    site = build.site
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.lead,
        "inLanguage": lang,
        "url": public_url(),
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.last_changed_at.isoformat(),
        "publisher": {
            "@type": "Organization",
            "name": site.name[lang],
            "url": site.base_url,
            **({"logo": public_url(url_for("pages.media", name=site.logo))} if site.logo else {}),
        },
        "about": [
            {"@type": "Organization", "name": build.partners[p].name[lang], "url": build.partners[p].website}
            for p in article.partners
        ],
        "accountablePerson": [
            {
                "@type": "Person",
                "name": contact.name,
                **({"jobTitle": contact.role} if contact.role else {}),
                **({"email": contact.email} if contact.email else {}),
                **({"telephone": contact.phone} if contact.phone else {}),
            }
            for contact in article.contacts
        ],
        "keywords": [build.topics[t].name[lang] for t in article.topics],
    }
    if article.image:
        data["image"] = public_url(url_for("pages.media", name=article.image.src))
    translations = [v for v in versions.values() if v.lang != lang]
    if translations:
        data["workTranslation"] = [
            {
                "@type": "NewsArticle",
                "inLanguage": v.lang,
                "url": public_url(url_for("news.article", lang_code=v.lang, slug=v.slug)),
            }
            for v in translations
        ]
    return data


def _missing_translation_notes(available: str, versions: dict) -> list[tuple[str, str]]:
    """(lang, note) for each language the article lacks, written in that language; not for
    a language with a fallback (webapp/languages.py), whose readers know that most news is
    written in another.

    The note is for a reader of that language who landed here, so it is in their language
    and marked with lang (WCAG 3.1.2).
    """
    notes = []
    for lang in languages.REQUIRED:
        if lang not in versions:
            with force_locale(lang):
                name = Locale.parse(available).get_language_name(lang)
                notes.append((lang, _("This article is only available in %(language)s.", language=name)))
    return notes


def _article_in_other_language(slug: str):
    """A link whose slug belongs to another language: redirect, or say it is not translated."""
    build = live_build()
    lang = current_language()
    others = build.search.by_slug_in_any_language(slug, now())
    if not others:
        if build.removed(f"{lang}:{slug}", now()):
            abort(410, description=_("This news article has been removed from the site."))
        abort(404, description=_("There is no news article at this address."))
    versions = build.search.versions(others[0].key, now())
    if lang in versions:
        return redirect(url_for("news.article", slug=versions[lang].slug), code=301)
    g.alternates = {v.lang: url_for("news.article", lang_code=v.lang, slug=v.slug) for v in versions.values()}
    return render_template("news/untranslated.html", versions=list(versions.values()))


def _index(kind: str, heading: str, items: dict, endpoint: str, id_argument: str):
    """Every topic or partner with its number of articles in this language, by name."""
    lang = current_language()
    facets = live_build().search.list_articles(ArticleQuery(lang=lang, now=now())).facets
    return render_template(
        "news/index.html",
        kind=kind,
        heading=heading,
        items=sorted(items.values(), key=lambda item: collation_key(item.name[lang])),
        counts=getattr(facets, kind),
        endpoint=endpoint,
        id_argument=id_argument,
    )


@bp.get("/topics/")
def topics():
    """Every topic with its number of articles in this language."""
    return _index("topics", _("Topics"), live_build().topics, "news.topic", "topic_id")


@bp.get("/topics/<topic_id>")
def topic(topic_id: str):
    """News about one topic."""
    found = live_build().topics.get(topic_id)
    if found is None:
        abort(404, description=_("There is no topic called “%(name)s”.", name=topic_id))
    return render_list(kind="topic", topic=found)


@bp.get("/partners/")
def partners():
    """Every partner with its number of articles in this language."""
    return _index("partners", _("Partners"), live_build().partners, "news.partner", "partner_id")


@bp.get("/partners/<partner_id>")
def partner(partner_id: str):
    """A partner's description and the news it features in."""
    found = live_build().partners.get(partner_id)
    if found is None:
        abort(404, description=_("There is no partner called “%(name)s”.", name=partner_id))
    return render_list(kind="partner", partner=found)
