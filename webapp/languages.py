"""The site's languages, in one place.

Everything that depends on which languages the site has reads them from here: routing
(the URL prefix), the catalogues (Flask-Babel), content validation (file suffixes such as
.sv.md, and {sv: ..., en: ...} fields), search (one analyzer, stemmer and vocabulary per
language) and templates (the language switch). A language the site gains is added to
KNOWN with what search needs to know of it, to SITE, and to translations/.

This module imports nothing of the project's own: every layer may read it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str  # URL prefix, catalogue folder, content file suffix (.sv.md), lang attribute
    name: str  # its name in itself, for the language switch (read in that language)
    snowball: str  # the Snowball (PyStemmer) algorithm that stems its words for search
    og_locale: str  # Open Graph's og:locale for link previews
    compounds: bool = False  # writes compounds as one word (search splits them into parts)


KNOWN = {
    language.code: language
    for language in (
        Language("sv", "Svenska", "swedish", "sv_SE", compounds=True),
        Language("en", "English", "english", "en_GB"),
    )
}

# The site's languages, the default (where / leads without a preference) first.
SITE: tuple[str, ...] = ("sv", "en")
DEFAULT = SITE[0]
NAMES = {code: KNOWN[code].name for code in SITE}
SNOWBALL_ALGORITHMS = {code: KNOWN[code].snowball for code in SITE}
OG_LOCALES = {code: KNOWN[code].og_locale for code in SITE}
COMPOUNDING = tuple(code for code in SITE if KNOWN[code].compounds)
