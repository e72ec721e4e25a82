"""Every visible string exists in every site language: the catalogues cover what the code uses."""

from __future__ import annotations

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from webapp import languages
from webapp.config import PROJECT_ROOT

METHODS = [
    ("webapp/**.py", "python"),
    ("webapp/templates/**.html", "jinja2"),
    ("webapp/templates/**.txt", "jinja2"),  # the plain-text part of alert e-mails
]
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None}


def messages_in_code() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PROJECT_ROOT), METHODS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("lang", languages.SITE)
def test_every_string_in_the_code_is_translated(lang):
    with open(PROJECT_ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalogue = read_po(po, locale=lang)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalogue
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = sorted(messages_in_code() - translated)
    assert missing == [], f"run 'make translations' and translate these in {lang}: {missing}"
