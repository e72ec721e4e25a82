"""More than two languages, as their readers meet them: Finnish, Arabic (right to left) and
Northern Sami (no Snowball stemmer) beside Swedish and English, all configured in the demo
content's site.yaml. Each reader gets the page in their language and direction, the
switch offers only versions that exist, a language with few articles offers the Swedish
list, search understands each language, and a text missing in a language is the fallback
language's, marked as such."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from tests.conftest import make_app
from webapp import languages
from webapp.build import write_build
from webapp.config import PROJECT_ROOT
from webapp.content import ContentError

AR_ARTICLE = "/ar/news/water-and-shade-for-grazing-animals"  # in all five languages


def html_of(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def switch(html: str) -> dict[str, str]:
    """The language switch: language -> (dir, name)."""
    block = html.split('<div class="language-switch">', 1)[1].split("</div>", 1)[0]
    return {
        lang: (direction, name)
        for lang, direction, name in re.findall(
            r'<a href="[^"]+" lang="([a-z]+)" hreflang="[a-z]+" dir="(ltr|rtl)">([^<]+)</a>', block
        )
    }


@pytest.mark.parametrize("lang", languages.SITE)
def test_each_language_has_its_direction_and_offers_every_other_in_its_own_name(client, lang):
    html = html_of(client, f"/{lang}/")
    assert f'<html lang="{lang}" dir="{languages.DIRECTIONS[lang]}">' in html
    offered = switch(html)
    assert set(offered) == set(languages.SITE) - {lang}
    assert offered.get("ar", ("rtl", "العربية")) == ("rtl", "العربية")
    assert offered.get("fi", ("ltr", "Suomi")) == ("ltr", "Suomi")


def test_an_article_offers_only_the_languages_it_is_written_in(client, demo_content):
    versions: dict[str, dict[str, str]] = {}
    for article in demo_content.articles:
        versions.setdefault(article.key, {})[article.lang] = article.slug
    arabic = [key for key, found in versions.items() if "ar" in found]
    assert arabic, "the demo has Arabic articles"
    for key in arabic:
        html = html_of(client, f"/ar/news/{versions[key]['ar']}")
        assert '<html lang="ar" dir="rtl">' in html
        assert set(switch(html)) == set(versions[key]) - {"ar"}, key
    swedish_only = next(key for key, found in versions.items() if set(found) == {"sv"})
    assert switch(html_of(client, f"/sv/news/{versions[swedish_only]['sv']}")) == {}


def test_a_language_with_few_articles_offers_the_swedish_list_and_keeps_the_filters(client):
    finnish = html_of(client, "/fi/?topic=lantbruk")
    assert (
        '<p class="notice">Vain harvat uutisistamme on kirjoitettu tällä kielellä. Kaikki uutiset: '
        '<a href="/sv/?topic=lantbruk" lang="sv" hreflang="sv" dir="ltr">Svenska</a></p>'
    ) in finnish
    assert "Few of our news articles" not in html_of(client, "/en/") and 'class="notice">Få' not in html_of(
        client, "/sv/"
    )


@pytest.mark.parametrize(
    ("lang", "query", "slug"),
    [
        ("fi", "tulva", "rankkasateet-ja-tulvat-uusi-yhteistyo-auttaa-kuntia"),  # tulvat, stemmed
        ("fi", "yritys", "tutkimus-naisten-yrittajyydesta-maaseudulla"),  # yrityksiä
        ("ar", "حيوانات", "water-and-shade-for-grazing-animals"),  # للحيوانات
        ("ar", "امرأة", "study-on-womens-entrepreneurship-in-rural-areas"),  # النساء, by the lexicon
        ("se", "suoivvan", "ealliin-guohtumis-galga-leat-cahci-ja-suoivvan"),  # as written
        ("se", "cahci", "ealliin-guohtumis-galga-leat-cahci-ja-suoivvan"),  # čáhci typed without diacritics
    ],
)
def test_search_understands_each_language(client, lang, query, slug):
    html = html_of(client, f"/{lang}/search?{urlencode({'q': query})}")
    found = re.findall(rf'<h3 class="article-card__title"><a href="/{lang}/news/([^"]+)"', html)
    assert slug in found[:3]


def test_an_arabic_summary_keeps_a_latin_name_and_the_query_in_place(client):
    html = html_of(client, "/ar/search?q=SMHI")
    status = re.search(r'<h2 id="results-heading" tabindex="-1">([^<]*)', html).group(1)
    assert "\u2068SMHI\u2069" in status  # a bidi isolate, as <bdi> is in HTML


def test_numbers_and_addresses_keep_their_order_in_a_right_to_left_page(client):
    html = html_of(client, AR_ARTICLE)
    assert re.search(r'<a href="tel:0102244508" dir="ltr">010-224 45 08</a>', html)
    assert '<span dir="ltr">403 40 Göteborg</span>' in html


def test_a_text_missing_in_a_language_is_its_fallbacks_marked_with_that_language(content_tree, tmp_path):
    content_tree.article("regn", title="Regn i helgen")
    builds = tmp_path / "builds"
    write_build(content_tree.load(), builds)  # the topic has no Finnish or Arabic name
    client = make_app(builds).test_client()
    finnish = html_of(client, "/fi/topics/klimat")
    assert '<h1 id="list-heading"><span lang="sv">Klimat</span></h1>' in finnish
    assert '<span class="brand__name"><span lang="sv">Testmyndigheten</span></span>' in finnish
    arabic = html_of(client, "/ar/topics/klimat")
    assert '<h1 id="list-heading"><bdi lang="sv" dir="ltr">Klimat</bdi></h1>' in arabic
    english = html_of(client, "/en/topics/klimat")
    assert '<h1 id="list-heading">Climate</h1>' in english  # written in English: no mark


def test_a_languages_list_other_than_the_running_sites_is_refused_with_the_remedy(content_tree):
    site = (content_tree.root / "site.yaml").read_text(encoding="utf-8")
    content_tree.write("site.yaml", site + "languages:\n  - code: sv\n  - code: en\n")
    with pytest.raises(
        ContentError, match="languages: lists sv, en, but this process started with .*restart"
    ):
        content_tree.load()


def test_our_css_uses_logical_properties_only():
    """Right to left, margins, borders and positions follow the writing direction."""
    css = (PROJECT_ROOT / "static" / "css" / "site.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert re.findall(r"[^{};]*\b(?:left|right)\b[^;]*;", css) == []


def test_the_accessibility_statement_is_reachable_in_every_language(client):
    """The footer links to it on every page (a legal duty): a language without its own
    statement shows the Swedish one, says so in the reader's language, and marks it."""
    finnish = html_of(client, "/fi/accessibility")
    assert (
        '<p class="notice">Tätä sivua ei ole kirjoitettu tällä kielellä. Tässä se on kielellä ruotsi.</p>'
        in finnish
    )
    assert '<article class="article" lang="sv" dir="ltr">' in finnish
    arabic = html_of(client, "/ar/accessibility")
    assert (
        '<html lang="ar" dir="rtl">' in arabic and '<article class="article" lang="sv" dir="ltr">' in arabic
    )
    english = html_of(client, "/en/accessibility")
    assert 'class="notice"' not in english and '<article class="article">' in english
