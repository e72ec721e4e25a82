"""Every page type in both languages, through the Flask test client, on the demo build."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from webapp import create_app

SEED_SV = "/sv/news/partnerskap-starker-samverkan-for-hallbar-utveckling"
SEED_EN = "/en/news/partnership-strengthens-collaboration-for-sustainable-development"


class Page(HTMLParser):
    """Just enough of a page to assert what a reader would notice."""

    def __init__(self, html: str):
        super().__init__()
        self.html = html
        self.lang = None
        self.h1: list[str] = []
        self.alternates: dict[str, str] = {}
        self._in_h1 = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "h1":
            self._in_h1 = True
            self.h1.append("")
        elif tag == "link" and attrs.get("rel") == "alternate" and "hreflang" in attrs:
            self.alternates[attrs["hreflang"]] = attrs["href"]

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.h1[-1] += data

    def text(self) -> str:
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", self.html))


def get(client, url, status=200) -> Page:
    response = client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    return Page(response.get_data(as_text=True))


PAGES = [
    # (url, language, h1)
    ("/sv/", "sv", "Nyheter"),
    ("/en/", "en", "News"),
    (SEED_SV, "sv", "Partnerskap stärker samverkan för hållbar utveckling"),
    (SEED_EN, "en", "Partnership strengthens collaboration for sustainable development"),
    ("/sv/topics/", "sv", "Ämnen"),
    ("/en/topics/", "en", "Topics"),
    ("/sv/topics/hallbar-utveckling", "sv", "Hållbar utveckling"),
    ("/en/topics/hallbar-utveckling", "en", "Sustainable development"),
    ("/sv/partners/", "sv", "Samarbetspartner"),
    ("/en/partners/", "en", "Partners"),
    ("/sv/partners/goteborgs-universitet", "sv", "Göteborgs universitet"),
    ("/en/partners/goteborgs-universitet", "en", "University of Gothenburg"),
    ("/sv/accessibility", "sv", "Tillgänglighetsredogörelse"),
    ("/en/accessibility", "en", "Accessibility statement"),
    ("/sv/search?q=Wexsus", "sv", "Sökresultat för ”Wexsus”"),
    ("/en/search?q=Wexsus", "en", "Search results for “Wexsus”"),
]


@pytest.mark.parametrize(("url", "lang", "h1"), PAGES)
def test_every_page_type_has_its_language_and_one_h1(client, url, lang, h1):
    page = get(client, url)
    assert page.lang == lang
    assert page.h1 == [h1]


@pytest.mark.parametrize(("url", "lang", "h1"), PAGES)
def test_every_page_has_the_layout_in_its_language(client, url, lang, h1):
    page = get(client, url)
    expected = {
        "sv": ["Hoppa till huvudinnehållet", "Organisationsnummer", "Följ oss", "Tillgänglighetsredogörelse"],
        "en": ["Skip to main content", "Organisation number", "Follow us", "Accessibility statement"],
    }[lang]
    for text in expected:
        assert text in page.text()
    assert '<main id="main"' in page.html and "202100-2361" in page.html


def test_root_redirects_by_accept_language_and_swedish_by_default(client):
    assert client.get("/").headers["Location"] == "/sv/"
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert english.status_code == 302 and english.headers["Location"] == "/en/"
    assert "Accept-Language" in english.headers["Vary"]
    # Accept-Language never overrides the prefix: a shared link opens in its language.
    assert get(client.application.test_client(), "/sv/").lang == "sv"


def test_the_seed_article_shows_every_element_of_the_original_page(client):
    page = get(client, SEED_SV)
    text = page.text()
    assert "Publicerad" in text and "Senast uppdaterad" in text
    assert '<time datetime="2024-02-20T10:00+01:00">20 februari 2024 10:00</time>' in page.html
    assert 'alt="Logotypen för samverkansarenan Wexsus."' in page.html
    assert "partnerskapet med Wesxus" in text, "the published typo is kept"
    # The English text under the Swedish is marked as English (WCAG 3.1.2).
    assert re.search(
        r'<div class="other-language" lang="en">\s*<p>The County Administrative Board', page.html
    )
    assert "Om Wexsus" in text and "Västsveriges nexus för hållbar utveckling" in text
    assert re.search(
        r'Wexsus<span class="visually-hidden"> \(länk till annan webbplats\)</span></a>', page.html
    )
    assert "Kontakt" in text and "Landshövding" in text and "Sten Tolgfors" in text
    assert "Dela sidan" in text and "Dela på LinkedIn" in text
    for partner in ["Chalmers", "Göteborgs universitet", "Högskolan Väst", "Högskolan i Borås",
                    "Högskolan i Skövde", "Jönköping University"]:  # fmt: skip
        assert f">{partner}</a>" in page.html
    assert 'href="/sv/topics/hallbar-utveckling"' in page.html
    assert 'aria-label="Brödsmulor"' in page.html and 'aria-current="page"' in page.html
    assert "Relaterade nyheter" in text


def test_the_english_seed_has_dates_in_english_format(client):
    page = get(client, SEED_EN)
    assert ">February 20, 2024" in page.html
    assert "About Wexsus" in page.text() and "(link to another website)" in page.text()


def test_language_switch_and_hreflang_point_to_the_same_article(client):
    page = get(client, SEED_SV)
    assert f'href="{SEED_EN}" lang="en" hreflang="en" dir="ltr">English</a>' in page.html
    assert page.alternates == {
        "sv": "https://nyheter.example.se" + SEED_SV,
        "en": "https://nyheter.example.se" + SEED_EN,
        "x-default": "https://nyheter.example.se" + SEED_SV,
    }
    english = get(client, SEED_EN)
    assert f'href="{SEED_SV}" lang="sv" hreflang="sv" dir="ltr">Svenska</a>' in english.html


def test_a_slug_from_the_other_language_redirects_to_this_languages_version(client):
    response = client.get("/en/news/partnerskap-starker-samverkan-for-hallbar-utveckling")
    assert response.status_code == 301 and response.headers["Location"] == SEED_EN


def swedish_only(demo_content):
    english = {a.key for a in demo_content.articles if a.lang == "en"}
    return next(
        a for a in demo_content.articles if a.lang == "sv" and not a.easy_read and a.key not in english
    )


def test_a_swedish_only_article_says_so_instead_of_a_dead_switch(client, demo_content):
    article = swedish_only(demo_content)
    swedish = get(client, f"/sv/news/{article.slug}")
    assert list(swedish.alternates) == ["sv", "x-default"]
    assert 'hreflang="en"' not in swedish.html  # the switch offers only versions that exist
    assert '<p class="notice" lang="en">This article is only available in Swedish.</p>' in swedish.html
    english = get(client, f"/en/news/{article.slug}")
    assert english.lang == "en" and english.h1 == ["Not available in English"]
    assert f'lang="sv" hreflang="sv">{article.title}</a>' in english.html


def test_news_list_is_newest_first_with_count_and_pagination(client, demo_content):
    swedish = sorted(
        (a for a in demo_content.articles if a.lang == "sv" and not a.easy_read),
        key=lambda a: a.published_at,
        reverse=True,
    )
    page = get(client, "/sv/")
    assert f"{len(swedish)} artiklar" in page.text()
    titles = re.findall(r'<h3 class="article-card__title"><a href="[^"]+">([^<]+)</a>', page.html)
    assert titles == [a.title for a in swedish[:10]]
    assert 'aria-label="Sidor"' in page.html
    assert (
        '<a href="/sv/?page=1#results-heading" aria-current="page">'
        '<span class="visually-hidden">Sida </span>1</a>' in page.html
    )
    second = get(client, "/sv/?page=2")
    titles = re.findall(r'<h3 class="article-card__title"><a href="[^"]+">([^<]+)</a>', second.html)
    assert titles == [a.title for a in swedish[10:20]]
    assert (
        'rel="prev"' in second.html
        and 'aria-current="page"><span class="visually-hidden">Sida </span>2<' in second.html
    )


def test_topic_page_lists_only_that_topic(client, demo_content):
    expected = [a for a in demo_content.articles if a.lang == "en" and "kulturmiljo" in a.topics]
    page = get(client, "/en/topics/kulturmiljo")
    assert page.h1 == ["Cultural heritage"]
    word = "article" if len(expected) == 1 else "articles"
    assert f"{len(expected)} {word}" in page.text()
    for article in expected[:10]:
        assert article.title in page.text()


def test_partner_page_shows_the_description_and_website(client):
    page = get(client, "/sv/partners/wexsus")
    assert "Om Wexsus" in page.text() and "Västsveriges nexus" in page.text()
    assert 'href="https://www.example.org/wexsus"' in page.html
    assert "Partnerskap stärker samverkan för hållbar utveckling" in page.text()


@pytest.mark.parametrize(
    ("url", "status", "lang", "message"),
    [
        ("/sv/news/finns-inte", 404, "sv", "Det finns ingen nyhetsartikel på den här adressen."),
        ("/en/news/no-such-article", 404, "en", "There is no news article at this address."),
        ("/sv/topics/okant", 404, "sv", "Det finns inget ämne som heter ”okant”."),
        ("/en/partners/unknown", 404, "en", "There is no partner called “unknown”."),
        ("/sv/?page=999999", 404, "sv", "Det finns ingen sida 999999"),
        ("/en/?page=abc", 400, "en", "The page number must be a whole number from 1 upwards."),
        ("/en/?page=-1", 400, "en", "The page number must be a whole number"),
        ("/sv/?page=0", 400, "sv", "Sidnumret måste vara ett heltal"),
        ("/de/", 404, "sv", "Sidan finns inte"),
        ("/en/nothing-here", 404, "en", "Page not found"),
    ],
)
def test_bad_addresses_get_a_localized_page_naming_the_problem(client, url, status, lang, message):
    page = get(client, url, status=status)
    assert page.lang == lang
    assert message in page.text()
    assert 'href="/' + lang + '/"' in page.html, "a way onward"


def test_an_english_reader_gets_english_error_pages_without_a_prefix(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert Page(response.get_data(as_text=True)).lang == "en"


def test_search_finds_the_seed_by_partner_name_and_guides_on_empty_query(client):
    page = get(client, "/sv/search?q=Wexsus")
    assert "Partnerskap stärker samverkan för hållbar utveckling" in page.text()
    empty = get(client, "/sv/search?q=")
    assert empty.h1 == ["Sök bland nyheterna"] and "Skriv ett eller flera ord" in empty.text()
    assert "artiklar" not in empty.h1[0]


@pytest.mark.parametrize(
    "query", ['"', "AND OR NOT (", "title:x*", "\x00\x01", "ä" * 1_000, "a" * 5_000, "*:*"]
)
def test_any_search_input_gets_a_normal_page(client, query):
    response = client.get("/en/search", query_string={"q": query})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("url", "gaps_heading", "manual_check"),
    [
        ("/sv/accessibility", "Kända brister", "skärmläsare"),
        ("/en/accessibility", "Known gaps", "screen readers"),
    ],
)
def test_the_statement_lists_what_the_automated_audit_cannot_check(client, url, gaps_heading, manual_check):
    html = client.get(url).get_data(as_text=True)
    gaps = re.search(rf"<h2>{gaps_heading}</h2>(.*?)<h2>", html, re.S).group(1)
    assert manual_check in gaps, "real assistive-technology testing is listed as not yet done"
    assert "Digg" in html and "mailto:webb.tillganglighet@lansstyrelsen.example" in html


@pytest.mark.parametrize(
    ("lang", "message"), [("sv", "Adressen är för lång"), ("en", "The address is too long")]
)
def test_an_overlong_address_gets_a_clear_localized_answer(client, lang, message):
    response = client.get(f"/{lang}/search", query_string={"q": "x" * 10_000})
    assert response.status_code == 414
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize(("lang", "title"), [("sv", "Något gick fel"), ("en", "Something went wrong")])
def test_an_unexpected_error_gets_a_localized_500_page_with_a_way_onward(demo_builds, lang, title):
    from tests.conftest import make_app

    app = make_app(demo_builds, TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.get("/<any(sv,en):lang_code>/broken")
    def broken():
        raise RuntimeError("a bug")

    response = app.test_client().get(f"/{lang}/broken")
    assert response.status_code == 500
    page = Page(response.get_data(as_text=True))
    assert page.lang == lang and page.h1 == [title]
    assert f'href="/{lang}/"' in page.html


def test_media_is_served_from_builds_given_as_a_relative_folder(demo_builds, monkeypatch):
    """NEWS_BUILDS_DIR=var/builds, as a shell user writes it: the logo and images must load."""
    monkeypatch.chdir(demo_builds.parent)
    monkeypatch.setenv("NEWS_BUILDS_DIR", demo_builds.name)
    client = create_app().test_client()
    logo = re.search(r'src="(/media/site-logo\.svg[^"]*)"', client.get("/sv/").get_data(as_text=True))
    response = client.get(html.unescape(logo.group(1)))
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
