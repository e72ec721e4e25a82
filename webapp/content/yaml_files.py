"""Reading the YAML files of content/: site.yaml, topics, partners, alerts and search.yaml.

Each reader takes one file and gives its value, or None and the file's problems.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from webapp import languages
from webapp.content.fields import (
    LANGUAGES,
    SHORT_TEXT_MAX,
    TEXT_MAX,
    TITLE_MAX,
    YAML_FILE_MAX_BYTES,
    Fields,
    FileReader,
    has_control_character,
    shown,
)
from webapp.content.model import SEVERITIES, Alert, BestBet, Partner, Problem, SearchSettings, Site, Topic
from webapp.content.yaml_reading import Unreadable, parse_yaml, read_text

SITE_FIELDS = frozenset(
    {
        "name", "short_name", "logo", "brand_colour", "timezone", "base_url", "visiting_address",
        "postal_address", "phone", "email", "organisation_number", "social", "accessibility",
        "historic_after_years", "languages",
    }
)  # fmt: skip
SOCIAL_FIELDS = frozenset({"name", "url"})
ACCESSIBILITY_FIELDS = frozenset({"email", "phone"})
TOPIC_FIELDS = frozenset({"name", "description"})
PARTNER_FIELDS = frozenset({"name", "description", "website"})
ALERT_FIELDS = frozenset({"severity", "title", "text", "link", "link_text", "from", "until"})
SEARCH_FIELDS = frozenset({"synonyms", "best_bets"})
BEST_BET_FIELDS = frozenset({"queries", "articles"})

DEFAULT_TIMEZONE, DEFAULT_COLOUR = "Europe/Stockholm", "#1b3a5c"
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
SOCIAL_MAX = 20
SYNONYM_GROUPS_MAX, WORDS_MAX, BEST_BETS_MAX, BEST_BET_ARTICLES_MAX = 1000, 50, 200, 20
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def read_yaml_file(reader: FileReader, known: frozenset[str]) -> Fields | None:
    """The fields of a YAML file, or None with its problem."""
    try:
        data = parse_yaml(read_text(reader.path, YAML_FILE_MAX_BYTES))
    except Unreadable as error:
        reader.problem("", str(error))
        return None
    if not isinstance(data, dict):
        example = ", ".join(f"{name}:" for name in sorted(known)[:2])
        reader.problem("", f"must contain fields such as {example}; it is empty or not fields")
        return None
    return reader.fields(data, known)


def file_id(reader: FileReader, kind: str) -> str | None:
    """The id a topic, partner or alert file's name gives it, or None with a problem."""
    stem = os.path.basename(reader.path).removesuffix(".yaml")
    if ID_PATTERN.match(stem):
        return stem
    reader.problem("", f"the file name must be <{kind}-id>.yaml, the id in a-z, 0-9 and hyphens")
    return None


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours (1 to 21)."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def read_site(path: str, name: str, images: dict[str, str]) -> tuple[Site | None, list]:
    """The site (content/site.yaml), or None and its problems."""
    reader = FileReader(path, name)
    fields = read_yaml_file(reader, SITE_FIELDS)
    if fields is None:
        return None, reader.problems
    logo = fields.text("logo", SHORT_TEXT_MAX)
    if logo is not None and logo not in images:
        fields.problem("logo", f"no image '{shown(logo)}' in content/images/")
    site = Site(
        name=fields.localized("name", SHORT_TEXT_MAX, required=True),
        short_name=fields.localized("short_name", SHORT_TEXT_MAX) or fields.localized("name", SHORT_TEXT_MAX),
        logo=logo,
        brand_colour=_brand_colour(fields),
        timezone=_timezone(fields),
        base_url=(fields.url("base_url") or "http://localhost").rstrip("/"),
        visiting_address=fields.localized("visiting_address", TEXT_MAX),
        postal_address=fields.text("postal_address", TEXT_MAX) or "",
        phone=fields.text("phone", SHORT_TEXT_MAX),
        email=fields.email("email"),
        organisation_number=fields.text("organisation_number", SHORT_TEXT_MAX) or "",
        social=_social(fields),
        accessibility=_accessibility(fields),
        historic_after_years=fields.whole_number("historic_after_years", 1, 100),
    )
    _check_languages(fields)
    return (None if reader.problems else site), reader.problems


def _check_languages(fields: Fields) -> None:
    """The `languages:` list must be usable and the one this process started with: the
    server and the watcher read it once, at start (webapp/languages.py)."""
    if "languages" not in fields.data:
        return
    try:
        listed = languages.parse(fields.data["languages"])
    except languages.LanguageError as error:
        fields.problem("languages", str(error).removeprefix("languages").lstrip(":, "))
        return
    if listed != languages.ALL:
        codes = ", ".join(language.code for language in listed)
        fields.problem(
            "languages",
            f"lists {codes}, but this process started with {', '.join(languages.SITE)} and its "
            "settings: restart the server and the watcher (make run) to use the new list",
        )


def _timezone(fields: Fields) -> str:
    zone = fields.text("timezone", SHORT_TEXT_MAX) or DEFAULT_TIMEZONE
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        fields.problem("timezone", f"unknown time zone '{shown(zone)}' (use e.g. Europe/Stockholm)")
        return DEFAULT_TIMEZONE
    return zone


def _brand_colour(fields: Fields) -> str:
    colour = fields.text("brand_colour", SHORT_TEXT_MAX) or DEFAULT_COLOUR
    if not HEX_COLOUR.match(colour):
        fields.problem("brand_colour", f"'{shown(colour)}' must be a colour like \"#1b3a5c\"")
        return DEFAULT_COLOUR
    contrast = contrast_ratio(colour, "#ffffff")
    if contrast < 7:
        fields.problem(
            "brand_colour",
            f"'{colour}' gives white text a contrast of only {contrast:.1f}:1; "
            "choose a darker colour (at least 7:1)",
        )
    return colour


def _social(fields: Fields) -> tuple[dict[str, str], ...]:
    links = []
    for number, item in enumerate(fields.items("social", SOCIAL_MAX), start=1):
        link = fields.reader.fields(item, SOCIAL_FIELDS, f"social[{number}]")
        if link is not None:
            name, url = link.text("name", SHORT_TEXT_MAX, required=True), link.url("url")
            if url is None and link.data.get("url") is None:
                link.problem("url", "is missing; it is required")
            if name and url:
                links.append({"name": name, "url": url})
    return tuple(links)


def _accessibility(fields: Fields) -> dict[str, str]:
    contact = fields.group("accessibility", ACCESSIBILITY_FIELDS)
    if contact is None:
        return {}
    found = {"email": contact.email("email"), "phone": contact.text("phone", SHORT_TEXT_MAX)}
    return {name: text for name, text in found.items() if text}


def read_topic(path: str, name: str) -> tuple[Topic | None, list]:
    """The topic in content/topics/<id>.yaml, or None and its problems."""
    reader = FileReader(path, name)
    topic_id = file_id(reader, "topic")
    fields = read_yaml_file(reader, TOPIC_FIELDS) if topic_id else None
    if fields is None:
        return None, reader.problems
    topic = Topic(
        id=topic_id,
        name=fields.localized("name", SHORT_TEXT_MAX, required=True),
        description=fields.localized("description", TEXT_MAX),
    )
    return (None if reader.problems else topic), reader.problems


def read_partner(path: str, name: str) -> tuple[Partner | None, list]:
    """The partner in content/partners/<id>.yaml, or None and its problems."""
    reader = FileReader(path, name)
    partner_id = file_id(reader, "partner")
    fields = read_yaml_file(reader, PARTNER_FIELDS) if partner_id else None
    if fields is None:
        return None, reader.problems
    partner = Partner(
        id=partner_id,
        name=fields.localized("name", SHORT_TEXT_MAX, required=True),
        description=fields.localized("description", TEXT_MAX),
        website=fields.url("website"),
    )
    return (None if reader.problems else partner), reader.problems


def read_alert(path: str, name: str, zone: ZoneInfo) -> tuple[Alert | None, list]:
    """The alert in content/alerts/<id>.yaml, or None and its problems."""
    reader = FileReader(path, name)
    alert_id = file_id(reader, "alert")
    fields = read_yaml_file(reader, ALERT_FIELDS) if alert_id else None
    if fields is None:
        return None, reader.problems
    link = fields.url("link", site_path=True)
    link_text = fields.localized("link_text", SHORT_TEXT_MAX, required=link is not None)
    if fields.data.get("link_text") is not None and fields.data.get("link") is None:
        fields.problem("link_text", "is given, but 'link' is missing; add the link or remove the text")
    starts_at = fields.moment("from", zone, required=False)
    ends_at = fields.moment("until", zone, required=False)
    if starts_at and ends_at and ends_at <= starts_at:
        fields.problem("until", "must be after 'from'")
    alert = Alert(
        id=alert_id,
        severity=fields.choice("severity", SEVERITIES, required=True) or "",
        title=fields.localized("title", TITLE_MAX, required=True),
        text=fields.localized("text", TEXT_MAX, required=True),
        link=link,
        link_text=link_text,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    return (None if reader.problems else alert), reader.problems


def read_search_settings(path: str, name: str) -> tuple[SearchSettings | None, list]:
    """The settings in content/search.yaml, or None and its problems. Best bets may name
    any key here; `with_known_articles` checks them against the articles."""
    reader = FileReader(path, name)
    fields = read_yaml_file(reader, SEARCH_FIELDS)
    if fields is None:
        return None, reader.problems
    settings = SearchSettings(synonyms=_synonyms(fields), best_bets=_best_bets(fields))
    return (None if reader.problems else settings), reader.problems


def _words(reader: FileReader, value: object, where: str, limit: int) -> tuple[str, ...]:
    """A list of words or searches (or one), in lower case with single spaces."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or len(items) > limit:
        reader.problem(where, f"must be a list of at most {limit} words or searches, like [eld, brand]")
        return ()
    words = []
    for item in items:
        if (
            not isinstance(item, str)
            or not item.strip()
            or len(item) > SHORT_TEXT_MAX
            or has_control_character(item)
        ):
            reader.problem(
                where, f"must be a list of words or searches, like [eld, brand], not '{shown(item)}'"
            )
        else:
            words.append(" ".join(item.lower().split()))
    return tuple(words)


def _synonyms(fields: Fields) -> dict[str, tuple[tuple[str, ...], ...]]:
    languages = fields.group("synonyms", frozenset(LANGUAGES))
    if languages is None:
        return {}
    synonyms = {}
    for lang in LANGUAGES:
        groups = []
        for number, group in enumerate(languages.items(lang, SYNONYM_GROUPS_MAX), start=1):
            where = f"synonyms.{lang}[{number}]"
            words = _words(fields.reader, group, where, WORDS_MAX)
            if len(words) < 2:
                fields.reader.problem(where, "needs at least two words, like [eld, brand]")
            groups.append(words)
        if lang in languages.data:
            synonyms[lang] = tuple(groups)
    return synonyms


def _best_bets(fields: Fields) -> tuple[BestBet, ...]:
    bets = []
    for number, item in enumerate(fields.items("best_bets", BEST_BETS_MAX), start=1):
        where = f"best_bets[{number}]"
        bet = fields.reader.fields(item, BEST_BET_FIELDS, where)
        if bet is None:
            continue
        value = bet.data.get("queries")
        languages = (
            fields.reader.fields(value, frozenset(LANGUAGES), f"{where}.queries")
            if value is not None
            else None
        )
        queries = {}
        for lang in LANGUAGES if languages is not None else ():
            words = _words(fields.reader, languages.data.get(lang), f"{where}.queries.{lang}", WORDS_MAX)
            if words:
                queries[lang] = words
        keys = _words(fields.reader, bet.data.get("articles"), f"{where}.articles", BEST_BET_ARTICLES_MAX)
        if not queries or not keys:
            fields.reader.problem(where, "needs 'queries:' (per language) and 'articles:' (article keys)")
        bets.append(BestBet(queries=queries, keys=keys))
    return tuple(bets)


def with_known_articles(settings: SearchSettings, name: str, keys: set[str]) -> tuple[SearchSettings, list]:
    """The settings with best bets naming only articles that exist, and a problem for each
    key that does not: an article left out must not take the search settings with it."""
    problems, bets = [], []
    for number, bet in enumerate(settings.best_bets, start=1):
        missing = [key for key in bet.keys if key not in keys]
        where = f"best_bets[{number}].articles"
        problems += [Problem(name, where, f"no article with the key '{shown(key)}'") for key in missing]
        bets.append(replace(bet, keys=tuple(key for key in bet.keys if key in keys)) if missing else bet)
    return (replace(settings, best_bets=tuple(bets)) if problems else settings), problems
