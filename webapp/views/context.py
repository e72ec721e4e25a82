"""What every template can use: the authority, names of topics and partners, date helpers."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from babel import Locale
from flask import Flask, request, url_for
from flask_babel import format_date, format_number, format_time
from flask_babel import gettext as _
from markupsafe import Markup

from webapp import languages
from webapp.content.model import version_id
from webapp.i18n import current_language
from webapp.live import current_build, now
from webapp.search import SearchError
from webapp.views import localized_names
from webapp.views.filters import describe
from webapp.views.passages import article_body


def _build_or_none():
    try:
        return current_build()
    except SearchError:
        return None  # error pages still render without site data


def iso_local(moment: datetime) -> str:
    """Machine-readable date-time in the site's time zone, for <time datetime>."""
    build = _build_or_none()
    zone = ZoneInfo(build.site.timezone if build else "Europe/Stockholm")
    return moment.astimezone(zone).isoformat(timespec="minutes")


def long_date(moment: datetime, with_time: bool = False) -> str:
    """A date (and time) as the reader's locale writes it."""
    text = format_date(moment, "long")
    return f"{text} {format_time(moment, 'short')}" if with_time else text


def public_url(path: str | None = None) -> str:
    """The absolute public address of `path` (default: this page), from site.yaml's base_url."""
    build = _build_or_none()
    base = build.site.base_url if build else request.host_url.rstrip("/")
    return base + (path if path is not None else request.path)


def canonical_url() -> str:
    """This page's preferred address: the path, plus the page number of a long list."""
    page = request.args.get("page", "")
    return public_url() + (f"?page={page}" if page.isdigit() and page != "1" else "")


def share_links(url: str, title: str) -> list[tuple[str, str]]:
    """(service, href) pairs for sharing without any third-party script."""
    return [
        ("email", "mailto:?" + urlencode({"subject": title, "body": url}, quote_via=quote)),
        ("linkedin", "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})),
        ("facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        ("x", "https://x.com/intent/post?" + urlencode({"url": url, "text": title})),
    ]


def page_window(current: int, last: int, spread: int = 2) -> list[int | None]:
    """Page numbers to link: first, last and `spread` around the current; None for a gap."""
    numbers = sorted({1, last, *range(max(1, current - spread), min(last, current + spread) + 1)})
    window: list[int | None] = []
    for number in numbers:
        if window and number - window[-1] > 1:
            window.append(None)
        window.append(number)
    return window


# Arguments that describe one request, not the list: `from` marks a followed suggestion
# (counted once, webapp/views/search.py), so links onward from that page leave it out.
ONE_OFF_ARGS = ("from",)


def _list_args() -> dict[str, list[str]]:
    """This list's arguments (filters, words, order, page) as the URL has them."""
    args = request.args.to_dict(flat=False)
    for name in ONE_OFF_ARGS:
        args.pop(name, None)
    return args


def page_url(number: int) -> str:
    """This page's URL with ?page= set to `number`, other arguments kept."""
    args = {**(request.view_args or {}), **_list_args(), "page": number}
    return url_for(request.endpoint, **args)


def search_again_url(words: str, **extra) -> str:
    """A search for other `words` (a suggestion, or the reader's own words in quotes) with
    this search's filters, order and languages kept, from its first page."""
    args = {name: values for name, values in _list_args().items() if name not in ("q", "page")}
    return url_for("search.search", **args, q=words, _anchor="results-heading", **extra)


def filter_url(without: tuple[str, str] | None = None, clear: bool = False) -> str:
    """This list's URL with one filter value removed, or with every filter cleared.

    The search words and sort order stay: clearing filters should not lose the search.
    """
    args = _list_args()
    args.pop("page", None)
    if clear:
        args = {name: values for name, values in args.items() if name in ("q", "sort", "other")}
    elif without:
        name, value = without
        args[name] = [v for v in args.get(name, []) if v != value]
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def _filter_args(*names: str) -> dict[str, list[str]]:
    """This page's query arguments among `names`, as url_for takes them."""
    return {k: v for k, v in request.args.to_dict(flat=False).items() if k in names}


def feed_url(kind: str, topic=None, partner=None) -> str:
    """The Atom feed of the list on this page, with the same filters."""
    args = _filter_args("q", "topic", "partner", "year")
    if kind == "topic" and topic is not None:
        return url_for("feeds.topic_feed", topic_id=topic.id, **args)
    if kind == "partner" and partner is not None:
        return url_for("feeds.partner_feed", partner_id=partner.id, **args)
    return url_for("feeds.news_feed", **args)


def alerts_url(kind: str, topic=None, partner=None) -> str:
    """The page that subscribes to e-mails about the list on this page, with its filters
    (years and order left out: new articles are this year's, and e-mails list newest first)."""
    args = _filter_args("q", "topic", "partner")
    if kind == "topic" and topic is not None:
        args["topic"] = [topic.id]
    if kind == "partner" and partner is not None:
        args["partner"] = [partner.id]
    return url_for("alerts.subscribe", **args)


def report_problem_url() -> str:
    """A pre-filled e-mail to the authority about an accessibility problem on this page."""
    build = _build_or_none()
    address = build.site.accessibility.get("email", "") if build else ""
    lang = current_language()
    subject = _("Accessibility problem on %(site)s", site=build.site.name[lang] if build else "")
    body = _("Page: %(url)s", url=public_url(request.full_path.rstrip("?"))) + "\n"
    body += _("Language: %(language)s", language=language_name(lang)) + "\n\n"
    body += _("What did not work?") + "\n"
    return f"mailto:{address}?" + urlencode({"subject": subject, "body": body}, quote_via=quote)


def language_name(lang: str) -> str:
    """The name of language `lang` in the reader's language: "engelska", "Swedish"."""
    return Locale.parse(lang).get_language_name(current_language())


def list_heading(kind: str, topic=None, partner=None, text: str = "") -> str:
    """The h1 of a list page. The htmx update sends it again (out of band), so a new search
    from the form renames the page as a full page load would."""
    lang = current_language()
    if kind == "topic" and topic is not None:
        return topic.name[lang]
    if kind == "partner" and partner is not None:
        return partner.name[lang]
    if kind == "search":
        return _("Search results for “%(query)s”", query=text) if text else _("Search the news")
    return _("News")


def sort_label(kind: str, sort: str) -> str:
    """The name of a list's order, as the order field's options write it."""
    if sort == "oldest":
        return _("Oldest first")
    if kind == "search" and sort != "newest":
        return _("Best match first")
    return _("Newest first")


def list_title(kind: str, heading: str, results, filters) -> str:
    """A list page's <title>: what the list shows, not only which list it is.

    The title is the first thing a screen reader says after Back or Forward, and the
    htmx update sends it too, so it must name the filters, order and page:
    "Nyheter (3 artiklar om Vatten och hav, äldst först, sida 2)". A topic or partner
    page's own topic or partner is in its heading already, so only other choices count.
    """
    if results is None:
        return heading
    chosen = dataclasses.replace(
        filters,
        text="",
        topics=() if kind == "topic" else filters.topics,
        partners=() if kind == "partner" else filters.partners,
    )
    state = []
    if kind == "search" or chosen.active:
        topic_names, partner_names = localized_names(current_build(), current_language())
        state.append(describe(results.total, chosen, topic_names, partner_names))
    if filters.sort == "oldest" or (kind == "search" and filters.sort == "newest"):
        state.append(sort_label(kind, filters.sort).lower())
    if results.page > 1:
        state.append(_("page %(page)s", page=results.page))
    base = _("Search: %(query)s", query=filters.text) if kind == "search" else heading
    return f"{base} ({', '.join(state)})" if state else base


def phone_text(number: str) -> str:
    """A Swedish phone number as pages in this language write it, so a page never writes
    the same number two ways: 010-224 40 00 in Swedish, +46 10-224 40 00 in English (the
    form the English content uses, which a reader abroad can dial)."""
    number = number.strip()
    if current_language() == "sv":
        return "0" + number[3:].lstrip(" -") if number.startswith("+46") else number
    if number.startswith("0") and not number.startswith("00"):
        return "+46 " + number[1:]
    return number


def phone_href(number: str) -> str:
    """A tel: link that works from any country: +46 and digits only."""
    digits = re.sub(r"[^0-9+]", "", number)
    if digits.startswith("0") and not digits.startswith("00"):
        digits = "+46" + digits[1:]
    return "tel:" + digits


def article_url(article) -> str:
    """The address of an article version (an easy-to-read one has its own)."""
    endpoint = "news.easy_read_article" if article.easy_read else "news.article"
    return url_for(endpoint, lang_code=article.lang, slug=article.slug)


def in_its_language(text: str) -> Markup | str:
    """A text as element content, marked with the language it is written in where that is
    not the page's (a fallback: a topic with no Finnish name shows its Swedish one), so a
    screen reader reads it in that language (WCAG 3.1.2). Not for attributes or <title>."""
    lang = text.lang if isinstance(text, languages.Written) else None
    if lang is None or lang == current_language():
        return text
    direction = languages.DIRECTIONS[lang]
    if direction == languages.DIRECTIONS[current_language()]:
        return Markup('<span lang="{}">{}</span>').format(lang, text)
    return Markup('<bdi lang="{}" dir="{}">{}</bdi>').format(lang, direction, text)


def init_app(app: Flask) -> None:
    @app.context_processor
    def site_context() -> dict:
        build = _build_or_none()
        lang = current_language()
        topic_names, partner_names = localized_names(build, lang) if build else ({}, {})
        return {
            "build": build,
            "alerts": build.alerts_at(now()) if build else [],
            "site": build.site if build else None,
            "site_name": build.site.name[lang] if build else "News",
            "topic_names": topic_names,
            "partner_names": partner_names,
        }

    app.jinja_env.globals.update(
        public_url=public_url,
        canonical_url=canonical_url,
        article_url=article_url,
        article_id=version_id,
        share_links=share_links,
        page_window=page_window,
        page_url=page_url,
        filter_url=filter_url,
        search_again_url=search_again_url,
        feed_url=feed_url,
        alerts_url=alerts_url,
        report_problem_url=report_problem_url,
        language_name=language_name,
        article_body=article_body,
        list_heading=list_heading,
        phone_href=phone_href,
        phone_text=phone_text,
        list_title=list_title,
        now=now,
        default_language=languages.DEFAULT,
        og_locales=languages.OG_LOCALES,
    )
    app.jinja_env.filters.update(
        iso_local=iso_local,
        long_date=long_date,
        number=format_number,
        pair=lambda value: (value, value),
        in_its_language=in_its_language,
    )
