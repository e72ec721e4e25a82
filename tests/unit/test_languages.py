"""The site's languages are one list (webapp/languages.py) that routing, the catalogues,
content validation, search and templates all read."""

from __future__ import annotations

import re

import yaml

from webapp import config, i18n, languages
from webapp.config import PROJECT_ROOT
from webapp.content import fields
from webapp.search import lexicon, whoosh_analysis, whoosh_backend, whoosh_index_writer


def test_every_part_reads_the_one_list_from_site_yaml():
    site = languages.SITE
    listed = yaml.safe_load((PROJECT_ROOT / "content" / "site.yaml").read_text(encoding="utf-8"))["languages"]
    assert site == tuple(entry["code"] for entry in listed)
    settings = config.from_environment()
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
