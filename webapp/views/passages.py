"""Passages in another language inside an article: a heading in their own language, and
a link near the top that jumps to each, so a listener can find or skip them (WCAG 1.3.1,
2.4.6). The Markdown renderer marks a `::: lang en` passage as
`<div class="other-language" lang="en">`; the heading is added before it when the page is
rendered, so builds and the renderer stay as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from webapp.i18n import LANGUAGES, current_language

# The sanitizer keeps exactly this form (class and lang only, in this order).
PASSAGE = re.compile(r'<div class="other-language" lang="([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)">')


@dataclass(frozen=True)
class Passage:
    """One passage: its heading's id, and the words and language of its heading and link."""

    anchor: str
    lang: str
    heading: str
    link_text: str


@dataclass(frozen=True)
class ArticleBody:
    """An article's body with its passages headed, and the passages for the jump links."""

    html: Markup
    passages: tuple[Passage, ...]


def _words(code: str) -> tuple[str, str, str]:
    """(language, heading, link text): in the passage's language when the site has a
    catalogue for it ("In English", "På svenska"), else in the page's ("På tyska")."""
    base = code.split("-", 1)[0].lower()
    words_lang = base if base in LANGUAGES else current_language()
    try:
        name = Locale.parse(base).get_language_name(words_lang) or code
    except (UnknownLocaleError, ValueError):
        name = code
    with force_locale(words_lang):
        return words_lang, _("In %(language)s", language=name), _("Read in %(language)s", language=name)


def article_body(body_html: str, page_lang: str) -> ArticleBody:
    """`body_html` with an h2 before each passage in a language other than `page_lang`."""
    passages: list[Passage] = []
    seen: dict[str, int] = {}

    def head(match: re.Match) -> str:
        code = match.group(1)
        if code.split("-", 1)[0].lower() == page_lang:
            return match.group(0)
        lang, heading, link_text = _words(code)
        seen[code] = seen.get(code, 0) + 1
        anchor = f"passage-{code.lower()}" + (f"-{seen[code]}" if seen[code] > 1 else "")
        passages.append(Passage(anchor, lang, heading, link_text))
        # tabindex=-1: the jump link moves focus here, so reading goes on from the passage.
        return (
            f'<h2 class="passage-heading" id="{anchor}" lang="{lang}" tabindex="-1">{escape(heading)}</h2>\n'
            + match.group(0)
        )

    html = PASSAGE.sub(head, body_html)
    return ArticleBody(Markup(html), tuple(passages))
