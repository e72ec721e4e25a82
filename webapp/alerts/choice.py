"""What a subscriber asks for: which news (language, topics, partners, words) and how often.

The choice comes from the list the reader was on: the same query arguments as every list
(webapp/views/filters.py), so "Get emails" on a filtered view subscribes to what it shows.
Years and page numbers are left out (new articles are this year's); an unknown topic or
partner is dropped with the same note the list shows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext

from webapp.content.model import Article
from webapp.views.context import language_name
from webapp.views.filters import describe_filters

# How often, in the order the form offers them, with the window between two e-mails.
FREQUENCIES = {
    "immediately": 0,
    "daily": 24 * 3600,
    "weekly": 7 * 24 * 3600,
}
FREQUENCY_LABELS = {
    "immediately": lazy_gettext("As soon as they are published"),
    "daily": lazy_gettext("At most once a day"),
    "weekly": lazy_gettext("At most once a week"),
}


@dataclass(frozen=True)
class Choice:
    """The news one subscription follows, in one language."""

    lang: str
    topics: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    text: str = ""

    def to_json(self) -> str:
        """The stored form: canonical, so the same choice is always the same string."""
        data = {"topics": sorted(self.topics), "partners": sorted(self.partners), "q": self.text}
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, lang: str, stored: str) -> Choice:
        data = json.loads(stored)
        return cls(lang, tuple(data["topics"]), tuple(data["partners"]), data["q"])

    def query_args(self) -> dict[str, list[str] | str]:
        """The list's query arguments that show this choice (for links back to it)."""
        args: dict[str, list[str] | str] = {"topic": list(self.topics), "partner": list(self.partners)}
        if self.text:
            args["q"] = self.text
        return args

    def matches(self, article: Article) -> bool:
        """Whether `article` is news this choice follows, leaving the words aside (the search
        engine decides those: see webapp/alerts/sender.py)."""
        return (
            article.lang == self.lang
            and not article.easy_read
            and (not self.topics or bool(set(self.topics) & set(article.topics)))
            and (not self.partners or bool(set(self.partners) & set(article.partners)))
        )

    def describe(self, topic_names: dict[str, str], partner_names: dict[str, str]) -> str:
        """In words, in the current locale: "News about Water and sea from SMHI, in Swedish"."""
        news = _("News") + describe_filters(
            self.topics, self.partners, (), self.text, topic_names, partner_names
        )
        return _("%(news)s, in %(language)s", news=news, language=language_name(self.lang))
