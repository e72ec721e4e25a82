"""Sharing and following: short links, redirects that stay on the site, previews, feeds."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from tests.conftest import make_app
from tests.web.test_pages import SEED_EN, SEED_SV
from webapp.build import write_build

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.mark.parametrize(
    ("url", "headers", "location"),
    [
        ("/a/wexsus-partnerskap", {}, SEED_SV),
        ("/a/wexsus-partnerskap", {"Accept-Language": "en"}, SEED_EN),
        ("/en/a/wexsus-partnerskap", {"Accept-Language": "sv"}, SEED_EN),
        ("/sv/a/wexsus-partnerskap", {"Accept-Language": "en"}, SEED_SV),
        # Swedish only: the English reader gets the Swedish article, which says so in English.
        ("/en/a/rovdjursangrepp-bidrag-stangsel-2024", {}, "/sv/news/rovdjursangrepp-bidrag-stangsel-2024"),
    ],
)
def test_short_links_open_the_article_in_the_asked_for_or_readers_language(client, url, headers, location):
    response = client.get(url, headers=headers)
    assert response.status_code == 302 and response.headers["Location"] == location


@pytest.mark.parametrize(
    "url",
    [
        "/a//evil.example",
        "/a/%2F%2Fevil.example",
        "/a/%5Cevil.example",
        "/a/https:%2F%2Fevil.example",
        "/sv/a/..%2F..%2Fevil",
        "/a/\\\\evil.example",
        "/en/news//evil.example",
        "/en/news/%2F%2Fevil.example",
        "//evil.example/",
        "/sv/?lang=//evil.example",
    ],
)
def test_no_link_on_the_site_sends_a_reader_to_another_host(client, url):
    response = client.get(url, headers={"Accept-Language": "en"})
    location = response.headers.get("Location", "")
    assert response.status_code < 500
    if location:
        parts = urlsplit(location)
        assert parts.netloc in ("", "localhost") and not location.startswith(("//", "/\\")), location


def test_the_language_switch_stays_on_the_site_whatever_the_query(client):
    html = client.get("/sv/?q=//evil.example&topic=https://evil.example").get_data(as_text=True)
    switch = re.search(r'<a href="([^"]+)" lang="en" hreflang="en" dir="ltr">English</a>', html).group(1)
    assert switch.startswith("/en/")


def test_old_slugs_redirect_permanently(content_tree, tmp_path):
    content_tree.article("nyhet", slug="ny-rubrik", old_slugs="[gammal-rubrik]")
    builds = tmp_path / "builds"
    write_build(content_tree.load(), builds)
    client = make_app(builds).test_client()
    response = client.get("/sv/news/gammal-rubrik")
    assert response.status_code == 301 and response.headers["Location"] == "/sv/news/ny-rubrik"
    assert client.get("/sv/news/ny-rubrik").status_code == 200


def test_link_previews_and_structured_data(client):
    html = client.get(SEED_EN).get_data(as_text=True)
    meta = dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html))
    assert meta["og:title"] == "Partnership strengthens collaboration for sustainable development"
    assert meta["og:locale"] == "en_GB" and meta["og:locale:alternate"] == "sv_SE"
    # Media URLs carry the build as a fingerprint, so caches can keep them for a year.
    assert re.fullmatch(r"https://nyheter.example.se/media/wexsus-logo.svg\?v=\w+", meta["og:image"])
    assert meta["og:image:alt"] == "The logo of the collaboration arena Wexsus."
    assert meta["twitter:card"] == "summary_large_image"
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "NewsArticle" and data["inLanguage"] == "en"
    assert data["datePublished"].startswith("2024-02-20")
    logo = data["publisher"].pop("logo")
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "County Administrative Board of Västra Götaland",
        "url": "https://nyheter.example.se",
    }
    assert logo.startswith("https://nyheter.example.se/media/site-logo.svg?v=")
    assert {"@type": "Organization", "name": "Wexsus", "url": "https://www.example.org/wexsus"} in data[
        "about"
    ]
    assert data["accountablePerson"][0]["@type"] == "Person"
    assert data["accountablePerson"][0]["name"] == "Sten Tolgfors"


def test_structured_data_cannot_break_out_of_its_script(content_tree, tmp_path):
    content_tree.article("x", title='"Rubrik </script><script>alert(1)</script>"')
    builds = tmp_path / "builds"
    write_build(content_tree.load(), builds)
    html = make_app(builds).test_client().get("/sv/news/x").get_data(as_text=True)
    assert "<script>alert(1)" not in html


def feed(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    return ET.fromstring(response.data)


def test_the_news_feed_is_atom_with_the_newest_articles(client, demo_content):
    root = feed(client, "/sv/feed.atom")
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None, required
    entries = root.findall(f"{ATOM}entry")
    newest = sorted(
        (a for a in demo_content.articles if a.lang == "sv" and not a.easy_read),
        key=lambda a: a.published_at,
        reverse=True,
    )
    assert [e.find(f"{ATOM}title").text for e in entries] == [a.title for a in newest[:20]]
    for entry in entries:
        for required in ("id", "title", "updated", "link", "summary"):  # the lead; the link has the rest
            assert entry.find(f"{ATOM}{required}") is not None, required
        assert entry.find(f"{ATOM}id").text.startswith("https://nyheter.example.se/sv/a/")


@pytest.mark.parametrize(
    ("url", "topic", "partner"),
    [
        ("/en/topics/vatten/feed.atom", "vatten", None),
        ("/en/partners/smhi/feed.atom", None, "smhi"),
        ("/en/feed.atom?topic=krisberedskap&partner=smhi", "krisberedskap", "smhi"),
    ],
)
def test_feeds_per_topic_partner_and_filtered_list(client, demo_content, url, topic, partner):
    expected = {
        a.title
        for a in demo_content.articles
        if a.lang == "en" and (not topic or topic in a.topics) and (not partner or partner in a.partners)
    }
    titles = {e.find(f"{ATOM}title").text for e in feed(client, url).findall(f"{ATOM}entry")}
    assert titles == expected and titles


def test_list_pages_advertise_the_feed_of_what_they_show(client):
    html = client.get("/en/?topic=vatten&partner=smhi&page=1").get_data(as_text=True)
    link = re.search(
        r'<link rel="alternate" type="application/atom\+xml" title="([^"]+)" href="([^"]+)">', html
    )
    assert link.group(2) == "/en/feed.atom?topic=vatten&amp;partner=smhi"
    assert "Water and the sea" in link.group(1)
    assert '<link rel="alternate" type="application/atom+xml"' in client.get("/sv/topics/vatten").get_data(
        as_text=True
    )


def test_robots_txt_points_to_the_sitemap(client):
    text = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: https://nyheter.example.se/sitemap.xml" in text and "Allow: /" in text


def test_a_lagging_translation_says_so_with_a_link(client, demo_content):
    by_key = {}
    for a in demo_content.articles:
        by_key.setdefault(a.key, {})[a.lang] = a
    lagging = next(
        v for v in by_key.values() if len(v) == 2 and v["sv"].last_changed_at > v["en"].last_changed_at
    )
    html = client.get(f"/en/news/{lagging['en'].slug}").get_data(as_text=True)
    assert re.search(
        r'<p class="notice">The Swedish version was updated on <time datetime="[^"]+">[^<]+</time>\.', html
    )
    assert (
        f'<a href="/sv/news/{lagging["sv"].slug}" lang="sv" hreflang="sv">Read the Swedish version</a>'
        in html
    )
    swedish = client.get(f"/sv/news/{lagging['sv'].slug}").get_data(as_text=True)
    assert "versionen uppdaterades" not in swedish


def test_change_history_is_a_disclosure_and_matches_last_updated(client, demo_content):
    article = next(a for a in demo_content.articles if a.changes and a.lang == "sv")
    html = client.get(f"/sv/news/{article.slug}").get_data(as_text=True)
    assert '<details class="changes">' in html and "ändring" in html
    latest_note = re.search(r'Uppdaterad <time datetime="([^"]+)">', html).group(1)
    last_updated = re.search(r'<dt>Senast uppdaterad</dt><dd><time datetime="([^"]+)">', html).group(1)
    assert latest_note == last_updated


@pytest.mark.parametrize(("url", "lang_name"), [(SEED_SV, "svenska"), ("/en/topics/vatten", "English")])
def test_every_page_links_to_report_an_accessibility_problem_with_the_page_filled_in(client, url, lang_name):
    html = client.get(url).get_data(as_text=True)
    href = re.search(r'<a href="(mailto:[^"]+)">(Rapportera|Report) ', html).group(1)
    parts = urlsplit(href.replace("&amp;", "&"))
    assert unquote(parts.path) == "webb.tillganglighet@lansstyrelsen.example"
    body = parse_qs(parts.query)["body"][0]
    assert f"https://nyheter.example.se{url}" in body and lang_name in body
