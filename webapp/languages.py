"""The site's languages, in one place, read from the `languages:` list of content/site.yaml.

Everything that depends on which languages the site has reads them from here: routing
(the URL prefix), the catalogues (Flask-Babel), content validation (file suffixes such as
.sv.md, and {sv: ..., en: ...} fields), search (one analyzer, stemmer and vocabulary per
language) and templates (the language switch, `dir`). A language the site gains is a few
lines in site.yaml and a catalogue in translations/; no code changes (docs/content.md).

The list is read once, when the process starts, from the site.yaml of the content folder
the environment names (NEWS_CONTENT_DIR; else content/): the server, the watcher and the
CLI of one deployment all read the same file, and a change to it takes a restart
(`make run` does one). A site.yaml without the list has Swedish and English. What a
language does not say is taken from CLDR through Babel: its name in itself, its
direction, its Snowball stemmer (by its English name), its og:locale.

This module imports nothing of the project's own but the one setting it needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import Stemmer
import yaml
from babel import Locale, UnknownLocaleError
from babel.core import get_global

from webapp.config import content_dir


class LanguageError(ValueError):
    """The `languages:` list of site.yaml cannot be used; says which entry and why."""


@dataclass(frozen=True)
class Language:
    code: str  # URL prefix, catalogue folder, content file suffix (.sv.md), lang attribute
    name: str  # its name in itself, for the language switch (read in that language)
    direction: str  # "ltr" or "rtl": the page's dir attribute
    stemmer: str | None  # the Snowball (PyStemmer) algorithm; None: words are indexed as written
    og_locale: str  # Open Graph's og:locale for link previews
    compounds: bool = False  # writes compounds as one word (search splits them into parts)
    # Where this language has no text of its own (a topic's name, an article), the reader
    # gets this language's (None: every text must exist in this language).
    fallback: str | None = None


CODE = re.compile(r"[a-z]{2,3}\Z")
FIELDS = {"code", "name", "direction", "stemmer", "og_locale", "compounds", "fallback"}
WITHOUT_LIST = ({"code": "sv", "compounds": True}, {"code": "en", "og_locale": "en_GB"})


def parse(entries: object) -> tuple[Language, ...]:
    """The languages of a site.yaml `languages:` list, the default first; LanguageError
    naming the entry and the problem if one cannot be used."""
    if entries is None:
        entries = WITHOUT_LIST
    if not isinstance(entries, list | tuple) or not entries:
        raise LanguageError("languages: must be a list of languages, each with a code (- code: sv)")
    found: list[Language] = []
    for number, entry in enumerate(entries, start=1):
        where = f"languages, entry {number}"
        if not isinstance(entry, dict) or not isinstance(entry.get("code"), str):
            raise LanguageError(f"{where}: needs a code, such as 'code: fi'")
        code = entry["code"]
        if not CODE.match(code):
            raise LanguageError(f"{where}: '{code}' is not a language code of two or three small letters")
        if unknown := sorted(set(entry) - FIELDS):
            known = ", ".join(sorted(FIELDS))
            raise LanguageError(f"{where} ({code}): unknown field {unknown[0]}; known: {known}")
        try:
            locale = Locale.parse(code)
        except (UnknownLocaleError, ValueError) as error:
            raise LanguageError(f"{where}: '{code}' is not a language Babel (CLDR) knows") from error
        stemmer = entry.get("stemmer", _snowball_for(locale))
        if stemmer is not None and stemmer not in Stemmer.algorithms():
            known = ", ".join(Stemmer.algorithms())
            raise LanguageError(f"{where} ({code}): no Snowball stemmer '{stemmer}'; known: {known}")
        direction = entry.get("direction", locale.text_direction)
        if direction not in ("ltr", "rtl"):
            raise LanguageError(f"{where} ({code}): direction must be ltr or rtl, not '{direction}'")
        for name in ("name", "og_locale", "fallback"):
            if name in entry and not isinstance(entry[name], str):
                raise LanguageError(f"{where} ({code}): {name} must be text")
        compounds = entry.get("compounds", False)
        if isinstance(compounds, str) and compounds.lower() in ("true", "false"):
            compounds = compounds.lower() == "true"  # content files keep every scalar as text
        if not isinstance(compounds, bool):
            raise LanguageError(f"{where} ({code}): compounds must be true or false")
        found.append(
            Language(
                code=code,
                name=entry.get("name") or _capitalized(locale.get_display_name(code)),
                direction=direction,
                stemmer=stemmer,
                og_locale=entry.get("og_locale") or _likely_locale(code),
                compounds=compounds,
                fallback=entry.get("fallback"),
            )
        )
    codes = [language.code for language in found]
    if len(set(codes)) < len(codes):
        twice = sorted({code for code in codes if codes.count(code) > 1})
        raise LanguageError(f"languages: {twice[0]} is listed twice")
    by_code = {language.code: language for language in found}
    for language in found:
        seen, step = [language.code], language.fallback
        while step is not None:
            if step not in by_code:
                raise LanguageError(f"languages ({language.code}): fallback '{step}' is not one of {codes}")
            if step in seen:
                circle = " -> ".join([*seen, step])
                raise LanguageError(f"languages ({language.code}): fallbacks go round in a circle: {circle}")
            seen.append(step)
            step = by_code[step].fallback
    return tuple(found)


class Written(str):
    """A text a reader gets in another language than the one asked for (a fallback): `lang`
    is the language it is written in, so a page can mark it up as such (WCAG 3.1.2)."""

    lang: str

    def __new__(cls, text: str, lang: str):
        made = super().__new__(cls, text)
        made.lang = lang
        return made

    def __reduce__(self):
        return (Written, (str(self), self.lang))


class Localized(dict):
    """Texts by language code as written. A language left out (one with a fallback) reads
    its fallback's text: texts["fi"] is the Swedish text, as a Written("...", "sv"), where
    no Finnish one was written."""

    def __missing__(self, lang: str) -> str:
        source = self.written_in(lang)
        return Written(dict.__getitem__(self, source), source)

    def written_in(self, lang: str) -> str:
        """The language of the text a reader of `lang` gets (KeyError if there is none)."""
        found = next((step for step in in_turn(lang) if dict.__contains__(self, step)), None)
        if found is None:
            raise KeyError(lang)
        return found


def in_turn(lang: str) -> list[str]:
    """`lang`, then its fallback, then that one's: where a text missing in `lang` is found."""
    chain = [lang]
    while chain[-1] in BY_CODE and (step := BY_CODE[chain[-1]].fallback) is not None:
        chain.append(step)
    return chain


def _capitalized(name: str) -> str:
    """CLDR writes svenska, suomi: a name alone in a menu starts with a capital."""
    return name[:1].upper() + name[1:]


def _snowball_for(locale: Locale) -> str | None:
    """Snowball's algorithm for the language, by its English name (Finnish: finnish)."""
    name = (locale.english_name or "").lower()
    return name if name in Stemmer.algorithms() else None


def _likely_locale(code: str) -> str:
    """sv_SE, fi_FI: the language with its likeliest territory (CLDR's likely subtags)."""
    parts = get_global("likely_subtags").get(code, code).split("_")
    return f"{code}_{parts[-1]}" if len(parts) > 1 else code


def read(site_yaml: Path) -> tuple[Language, ...]:
    """The languages site.yaml lists (Swedish and English where it lists none, or where
    there is no site.yaml yet)."""
    try:
        text = site_yaml.read_text(encoding="utf-8")
    except FileNotFoundError:
        return parse(None)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise LanguageError(f"{site_yaml}: cannot be read as YAML: {error}") from error
    return parse(data.get("languages") if isinstance(data, dict) else None)


ALL = read(content_dir() / "site.yaml")
BY_CODE = {language.code: language for language in ALL}
# The site's languages, the default (where / leads without a preference) first.
SITE: tuple[str, ...] = tuple(BY_CODE)
DEFAULT = SITE[0]
NAMES = {code: BY_CODE[code].name for code in SITE}
DIRECTIONS = {code: BY_CODE[code].direction for code in SITE}
SNOWBALL_ALGORITHMS = {code: BY_CODE[code].stemmer for code in SITE if BY_CODE[code].stemmer}
OG_LOCALES = {code: BY_CODE[code].og_locale for code in SITE}
COMPOUNDING = tuple(code for code in SITE if BY_CODE[code].compounds)
# Languages every text must be written in (those without a fallback).
REQUIRED = tuple(code for code in SITE if BY_CODE[code].fallback is None)
