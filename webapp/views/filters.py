"""Reading and describing the list filters that live in the URL.

Every list (news, topic, partner, search) takes the same arguments, so a copied link shows
what the sender saw: q, topic, partner, year (each may repeat), sort, other=1, page.
Unknown or malformed values are ignored with a note the page shows, never an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from babel.lists import format_list
from flask import Request
from flask_babel import format_number, get_locale, ngettext
from flask_babel import gettext as _

from webapp import languages
from webapp.i18n import current_language
from webapp.live import Build
from webapp.search import SORTS, ArticleQuery

MAX_VALUES = 20  # per group; more is not a reader's choice
MAX_QUERY_LENGTH = 200
# ASCII digits only: str.isdigit() also accepts "²²²²" (int() then fails) and "٢٠٢٤".
YEAR = re.compile(r"[0-9]{4}")


@dataclass
class Filters:
    """The reader's choices, validated against the live build."""

    text: str = ""
    topics: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    sort: str = ""
    include_other_languages: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(self.topics or self.partners or self.years)

    def query(self, lang: str, **overrides) -> ArticleQuery:
        """These choices as a backend query in `lang`; `overrides` set page, sort and so on."""
        fields = {
            "text": self.text,
            "topics": self.topics,
            "partners": self.partners,
            "years": self.years,
            "sort": self.sort,
            "include_other_languages": self.include_other_languages,
        }
        return ArticleQuery(lang=lang, **{**fields, **overrides})


def _known(values: list[str], known, kind: str, notes: list[str]) -> tuple[str, ...]:
    kept: list[str] = []
    for value in values[:MAX_VALUES]:
        if value in known and value not in kept:
            kept.append(value)
        elif value not in known:
            notes.append(kind.format(value=value[:60]))
    return tuple(kept)


def parse_filters(request: Request, build: Build, sorts: tuple[str, ...] = SORTS) -> Filters:
    """The filters in the request's query string, unknown values dropped with a note."""
    args = request.args
    notes: list[str] = []
    topics = _known(args.getlist("topic"), build.topics, _("Unknown topic “{value}” was ignored."), notes)
    partners = _known(
        args.getlist("partner"), build.partners, _("Unknown partner “{value}” was ignored."), notes
    )
    years: list[int] = []
    for value in args.getlist("year")[:MAX_VALUES]:
        if not YEAR.fullmatch(value):
            notes.append(_("“%(value)s” is not a year and was ignored.", value=value[:60]))
        elif int(value) not in years:
            years.append(int(value))
    sort = args.get("sort", "")
    if sort and sort not in sorts:
        notes.append(_("Unknown sort order “%(value)s” was ignored.", value=sort[:60]))
        sort = ""
    text = " ".join("".join(ch for ch in args.get("q", "") if ch.isprintable()).split())
    return Filters(
        text=text[:MAX_QUERY_LENGTH],
        topics=topics,
        partners=partners,
        years=tuple(sorted(years, reverse=True)),
        sort=sort,
        include_other_languages=args.get("other") == "1",
        notes=notes,
    )


def describe(total: int, filters: Filters, topic_names: dict, partner_names: dict) -> str:
    """What the list shows, in one sentence: "12 articles about Climate from Chalmers".

    The same words head the results and are announced to screen readers after a change.
    """
    sentence = ngettext("%(count)s article", "%(count)s articles", total, count=format_number(total))
    return sentence + describe_filters(
        filters.topics, filters.partners, filters.years, filters.text, topic_names, partner_names
    )


def describe_filters(topics, partners, years, text: str, topic_names: dict, partner_names: dict) -> str:
    """The words a list's filters add after what it lists (" about Climate from Chalmers"),
    here and in e-mail alerts' "News about ...". In a right-to-left language each name,
    year and search is a bidi isolate (FSI ... PDI, what <bdi> is in HTML), so a Latin name
    or a number keeps its place in the sentence. A name no longer in the build is given as
    its id."""
    locale = str(get_locale())
    rtl = languages.DIRECTIONS.get(current_language()) == "rtl"

    def isolated(texts) -> list[str]:
        return [f"\u2068{text}\u2069" if rtl else str(text) for text in texts]

    words = ""
    if topics:
        names = isolated(topic_names.get(t, t) for t in topics)
        words += " " + _("about %(topics)s", topics=format_list(names, style="or", locale=locale))
    if partners:
        names = isolated(partner_names.get(p, p) for p in partners)
        words += " " + _("from %(partners)s", partners=format_list(names, style="or", locale=locale))
    if years:
        names = isolated(str(y) for y in years)
        words += " " + _("published in %(years)s", years=format_list(names, style="or", locale=locale))
    if text:
        words += " " + _("matching “%(query)s”", query=isolated([text])[0])
    return words
