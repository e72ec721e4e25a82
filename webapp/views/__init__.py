"""Views: one blueprint per reader task. Thin: parse args, ask the build, render."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import abort, request
from flask_babel import gettext as _

from webapp.content.model import Article
from webapp.live import Build, current_build, now
from webapp.search import ArticleQuery, ResultPage


def live_build() -> Build:
    """The build this request reads (raises SearchError when none exists yet)."""
    return current_build()


def localized_names(build: Build, lang: str) -> tuple[dict[str, str], dict[str, str]]:
    """Topic and partner names by id, in `lang`."""
    topics = {topic.id: topic.name[lang] for topic in build.topics.values()}
    partners = {partner.id: partner.name[lang] for partner in build.partners.values()}
    return topics, partners


# ASCII digits only: str.isdigit() also accepts "²" or "①", which int() refuses (a 500),
# and int() accepts "٣", "１" or "1_0", which are no page numbers a link of ours contains.
PAGE_NUMBER = re.compile(r"[0-9]{1,9}")


def page_number() -> int:
    """The ?page= argument as a positive integer; a bad value is the reader's 400."""
    raw = request.args.get("page", "1")
    if not PAGE_NUMBER.fullmatch(raw) or int(raw) < 1:
        abort(400, description=_("The page number must be a whole number from 1 upwards."))
    return int(raw)


def results_page(query: ArticleQuery) -> ResultPage:
    """The backend's answer to `query`, or a 404 naming the last page if it is past the end."""
    results = live_build().search.list_articles(query)
    if query.page > results.page_count:
        abort(
            404,
            description=_(
                "There is no page %(page)s: this list has %(count)s page(s).",
                page=query.page,
                count=results.page_count,
            ),
        )
    return results


def is_historic(article: Article, build: Build) -> bool:
    """Whether the article is shown as older news: marked so, or older than the site's limit."""
    years = build.site.historic_after_years
    return article.historic or bool(years and article.published_at < now() - timedelta(days=365.25 * years))
