"""Locale from the URL prefix, Babel selectors, and links to the other language.

The prefix (/sv/, /en/) decides the language of every page, so a shared link opens in the
language it was shared in. Accept-Language is used only to pick where `/` redirects to.
"""

from __future__ import annotations

import unicodedata

from flask import Flask, current_app, g, request, url_for
from flask_babel import Babel

from webapp import languages
from webapp.live import current_build

LANGUAGES = languages.SITE
DEFAULT_LANGUAGE = languages.DEFAULT
# Each language's name in that language, for the switch (read by screen readers in it).
LANGUAGE_NAMES = languages.NAMES
# Each language's direction (ltr, rtl): the page's dir, and that of its name in the switch.
LANGUAGE_DIRECTIONS = languages.DIRECTIONS


def current_language() -> str:
    """The language of the page being rendered."""
    return g.get("lang") or language_from_path(request.path) or DEFAULT_LANGUAGE


def language_from_path(path: str) -> str | None:
    """The language a URL path's prefix names, if any (used by error pages too)."""
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in LANGUAGES else None


def preferred_language() -> str:
    """The reader's preferred site language from Accept-Language; Swedish by default."""
    return request.accept_languages.best_match(LANGUAGES, DEFAULT_LANGUAGE)


def other_languages() -> list[str]:
    """The languages the language switch offers: every other one, or, on a page that exists
    in only some (an article: views set g.alternates), those it exists in."""
    offered = g.get("alternates") or LANGUAGES
    return [lang for lang in LANGUAGES if lang != current_language() and lang in offered]


def switch_url(lang: str) -> str:
    """The same page in `lang`: views may set g.alternates for pages whose URL differs.

    Other pages keep their path and arguments (topic, filters, search words, order), so a
    reader who switches language on a filtered list or a search keeps their place. The
    page number is left out: the other language's list may be shorter.
    """
    alternates = g.get("alternates")
    if alternates is not None:
        return alternates.get(lang) or url_for("news.news_list", lang_code=lang)
    endpoint = request.endpoint
    # _pull_language has taken lang_code out of view_args, so ask the URL map instead.
    if endpoint and current_app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
        args = {
            name: kept
            for name, values in request.args.to_dict(flat=False).items()
            # url_for reads "_anchor", "_external" and so on as its own options.
            if name not in ("page", "from")  # "from": a followed suggestion, counted once
            and not name.startswith("_")
            and (kept := [value for value in values if value])
        }
        return url_for(endpoint, **{**args, **(request.view_args or {}), "lang_code": lang})
    return url_for("news.news_list", lang_code=lang)


# Swedish sorts å, ä, ö after z in that order; code point order would put ä before å.
_SWEDISH_ORDER = str.maketrans(
    {"å": "z\u0001", "ä": "z\u0002", "ö": "z\u0003", "æ": "z\u0002", "ø": "z\u0003"}
)


def collation_key(text: str, lang: str | None = None) -> str:
    """A sort key that orders names as a reader of `lang` expects."""
    folded = text.casefold()
    if (lang or current_language()) == "sv":
        return folded.translate(_SWEDISH_ORDER)
    return unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode() + folded


def sort_by_name(pairs) -> list:
    """(value, name) pairs in the reader's alphabetical order of name."""
    return sorted(pairs, key=lambda pair: collation_key(str(pair[1])))


def _site_timezone() -> str:
    # Dates are shown in the authority's time zone, whatever the reader's.
    return current_build().site.timezone


def _pull_language(endpoint: str | None, values: dict | None) -> None:
    if values and "lang_code" in values:
        g.lang = values.pop("lang_code")


def _add_language(endpoint: str, values: dict) -> None:
    if "lang_code" in values or not g.get("lang"):
        return
    if current_app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
        values["lang_code"] = g.lang


def init_app(app: Flask) -> None:
    """Wire the locale into Flask-Babel and url_for."""
    Babel(
        app,
        locale_selector=current_language,
        timezone_selector=_site_timezone,
        default_translation_directories=str(app.config["TRANSLATIONS_DIR"]),
    )
    app.url_value_preprocessor(_pull_language)
    app.url_defaults(_add_language)
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        LANGUAGE_DIRECTIONS=LANGUAGE_DIRECTIONS,
        current_language=current_language,
        other_languages=other_languages,
        switch_url=switch_url,
    )
    app.jinja_env.filters["sort_by_name"] = sort_by_name
