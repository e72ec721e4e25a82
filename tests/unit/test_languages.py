"""The site's languages are one list (webapp/languages.py) that routing, the catalogues,
content validation, search and templates all read."""

from __future__ import annotations

import pickle
import re
import sqlite3

import pytest
import yaml

from webapp import create_app, i18n, languages
from webapp.config import PROJECT_ROOT
from webapp.content import fields
from webapp.search import lexicon, whoosh_analysis, whoosh_backend, whoosh_index_writer


def test_every_part_reads_the_one_list_from_site_yaml():
    site = languages.SITE
    listed = yaml.safe_load((PROJECT_ROOT / "content" / "site.yaml").read_text(encoding="utf-8"))["languages"]
    assert site == tuple(entry["code"] for entry in listed)
    settings = create_app().config
    assert i18n.LANGUAGES == settings["LANGUAGES"] == fields.LANGUAGES == site
    assert whoosh_backend.LANGUAGES == whoosh_index_writer.LANGUAGES == site
    assert i18n.DEFAULT_LANGUAGE == settings["BABEL_DEFAULT_LOCALE"] == site[0]
    assert set(whoosh_analysis.STEMMERS) == set(whoosh_analysis.SNOWBALL) == set(site)
    assert set(lexicon.LANGUAGES) <= set(site)
    assert set(i18n.LANGUAGE_NAMES) == set(i18n.LANGUAGE_DIRECTIONS) == set(site)
    for code in site:  # a catalogue per language
        assert (PROJECT_ROOT / "translations" / code / "LC_MESSAGES" / "messages.po").exists(), code


def test_no_module_writes_its_own_list_of_languages():
    written = re.compile(
        r"""\(\s*["']sv["']\s*,\s*["']en["']\s*\)|\[\s*["']sv["']\s*,\s*["']en["']\s*\]|sv,\s*en|en,\s*sv"""
    )
    found = [
        str(path.relative_to(PROJECT_ROOT))
        for path in (PROJECT_ROOT / "webapp").rglob("*.py")
        if path.name != "languages.py" and written.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_each_language_stems_with_its_own_snowball():
    assert whoosh_analysis.SNOWBALL["sv"]("bränderna") == "bränd"
    assert whoosh_analysis.SNOWBALL["en"]("forests") == "forest"
    assert whoosh_analysis.SNOWBALL["fi"]("metsissä") == whoosh_analysis.SNOWBALL["fi"]("metsä")
    assert whoosh_analysis.SNOWBALL["ar"]("المكتبات") == whoosh_analysis.SNOWBALL["ar"]("مكتبة")


def test_every_site_language_has_a_front_page_and_others_do_not(client):
    for code in languages.SITE:
        response = client.get(f"/{code}/")
        assert response.status_code == 200 and f'<html lang="{code}"' in response.get_data(as_text=True)
    assert client.get("/de/").status_code == 404


@pytest.mark.parametrize(
    ("entries", "problem"),
    [
        ("sv", "must be a list of languages"),
        ([], "must be a list of languages"),
        ([{"name": "Svenska"}], "entry 1: needs a code"),
        ([{"code": "SV"}], "'SV' is not a language code"),
        ([{"code": "sv"}, {"code": "xq"}], "entry 2: 'xq' is not a language Babel (CLDR) knows"),
        ([{"code": "sv", "colour": "blue"}], "unknown field colour"),
        ([{"code": "sv", "stemmer": "klingon"}], "no Snowball stemmer 'klingon'"),
        ([{"code": "sv", "direction": "up"}], "direction must be ltr or rtl, not 'up'"),
        ([{"code": "sv", "compounds": "often"}], "compounds must be true or false"),
        ([{"code": "sv"}, {"code": "fi", "fallback": "de"}], "fallback 'de' is not one of"),
        (
            [{"code": "sv", "fallback": "fi"}, {"code": "fi", "fallback": "sv"}],
            "go round in a circle: sv -> fi -> sv",
        ),
        ([{"code": "sv"}, {"code": "sv"}], "sv is listed twice"),
    ],
)
def test_a_languages_list_that_cannot_be_used_says_which_entry_and_why(entries, problem):
    with pytest.raises(languages.LanguageError, match=re.escape(problem)):
        languages.parse(entries)


def test_what_a_language_leaves_out_comes_from_cldr():
    finnish, arabic, sami = languages.parse(
        [{"code": "fi"}, {"code": "ar"}, {"code": "se", "fallback": "fi"}]
    )
    assert (finnish.name, finnish.direction, finnish.stemmer, finnish.og_locale) == (
        "Suomi",
        "ltr",
        "finnish",
        "fi_FI",
    )
    assert (arabic.name, arabic.direction, arabic.stemmer) == ("العربية", "rtl", "arabic")
    assert (sami.name, sami.stemmer, sami.fallback) == ("Davvisámegiella", None, "fi")
    assert languages.parse(None) == languages.parse(
        [{"code": "sv", "compounds": True}, {"code": "en", "og_locale": "en_GB"}]
    )


def test_a_text_left_out_in_a_language_with_a_fallback_is_its_fallbacks_and_says_so():
    texts = languages.Localized({"sv": "Vatten", "en": "Water"})
    assert texts["en"] == "Water" and not isinstance(texts["en"], languages.Written)
    finnish = texts["fi"]  # the demo site: Finnish falls back to Swedish
    assert finnish == "Vatten" and finnish.lang == "sv"
    assert texts == {"sv": "Vatten", "en": "Water"}  # what was written, nothing more
    assert pickle.loads(pickle.dumps(finnish)).lang == "sv"


def test_the_language_without_a_snowball_stemmer_searches_by_the_lexicons_base_forms():
    """Northern Sami has no Snowball stemmer: a word's term is its base form where simplemma's
    dictionary knows one, else the word as written (never cut to a guessed stem)."""
    assert languages.BY_CODE["se"].stemmer is None
    path = lexicon.table_path()
    with sqlite3.connect(path) as db:
        form, base = db.execute("SELECT form, base FROM se WHERE base IS NOT NULL LIMIT 1").fetchone()
    table = lexicon.Lexicon(path)
    assert whoosh_analysis.term_of(form, "se", table) == base != form
    assert whoosh_analysis.term_of("guohtumiidda", "se", table) in (
        "guohtumiidda",
        table.base("se", "guohtumiidda"),
    )
    assert whoosh_analysis.term_of("vänernxyz", "se", table) == "vänernxyz"
