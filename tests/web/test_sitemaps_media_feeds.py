"""Sitemaps, media and feeds as crawlers and readers get them: the build's sitemap files
at the app's own addresses, what was published since the build in the recent sitemap,
images only from /media/ (an SVG never runs a script), and feeds whose size does not
depend on how long articles are. The clock is the app's NOW setting."""

from __future__ import annotations

import pickle
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from flask import url_for

from tests.conftest import ContentTree, make_app
from tests.web.test_pages import SEED_EN, SEED_SV
from webapp import languages, sitemaps
from webapp.build import write_build
from webapp.caching import FINGERPRINTED
from webapp.live import META_FILE, now
from webapp.search import ArticleQuery
from webapp.views import live_build
from webapp.views.feeds import FEED_SIZE

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://nyheter.example.se"  # the demo site's base_url


def locations(response) -> list[str]:
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    return [loc.text for loc in root.iter(f"{NS}loc")]


def every_sitemap_url(client) -> dict[str, list[str]]:
    """Each sitemap the index names (by path) -> the addresses it lists."""
    return {
        urlsplit(url).path: locations(client.get(urlsplit(url).path))
        for url in locations(client.get("/sitemap.xml"))
    }


# Addresses -------------------------------------------------------------------------------------


def test_the_sitemaps_addresses_are_the_apps_own(app):
    """The build has no request, so sitemaps.py writes addresses itself: they must be what
    url_for gives, or the sitemap would drift from the site."""
    with app.test_request_context():
        for lang in languages.SITE:
            assert sitemaps.front_page_path(lang) == url_for("news.news_list", lang_code=lang)
            assert sitemaps.article_path(lang, "a-b-1") == url_for(
                "news.article", lang_code=lang, slug="a-b-1"
            )
            assert sitemaps.topics_path(lang) == url_for("news.topics", lang_code=lang)
            assert sitemaps.topic_path(lang, "vatten") == url_for(
                "news.topic", lang_code=lang, topic_id="vatten"
            )
            assert sitemaps.partners_path(lang) == url_for("news.partners", lang_code=lang)
            assert sitemaps.partner_path(lang, "smhi") == url_for(
                "news.partner", lang_code=lang, partner_id="smhi"
            )
        assert sitemaps.file_path(sitemaps.INDEX_NAME) == url_for("site_files.sitemap")
        assert sitemaps.file_path(sitemaps.RECENT_NAME) == url_for("site_files.sitemap_recent")
        assert sitemaps.file_path("sitemap-articles-2024.xml") == url_for(
            "site_files.sitemap_file", part="articles-2024"
        )


def test_every_address_in_the_sitemaps_is_a_page_of_the_app(app, client):
    adapter = app.url_map.bind("nyheter.example.se", url_scheme="https")
    expected = {
        "news.news_list",
        "news.article",
        "news.topics",
        "news.topic",
        "news.partners",
        "news.partner",
    }
    found = every_sitemap_url(client)
    assert "/sitemap-recent.xml" in found and "/sitemap-pages.xml" in found
    for urls in found.values():
        for url in urls:
            assert url.startswith(BASE + "/")
            endpoint, args = adapter.match(urlsplit(url).path)
            assert endpoint in expected, url
            with app.test_request_context():
                assert BASE + url_for(endpoint, **args) == url
            assert client.get(urlsplit(url).path).status_code == 200, url


def test_the_sitemaps_list_every_listed_article_with_its_alternates(app, client):
    found = every_sitemap_url(client)
    listed = sorted(url for urls in found.values() for url in urls if "/news/" in url)
    with app.test_request_context():
        expected = sorted(
            BASE + sitemaps.article_path(article.lang, article.slug)
            for lang in languages.SITE
            for article in live_build()
            .search.list_articles(ArticleQuery(lang=lang, page_size=10_000, now=now()))
            .articles
        )
    assert listed == expected and len(expected) > 20
    year = next(path for path, urls in found.items() if BASE + SEED_SV in urls)
    root = ET.fromstring(client.get(year).data)
    seed = next(u for u in root.findall(f"{NS}url") if u.find(f"{NS}loc").text == BASE + SEED_SV)
    alternates = {link.get("hreflang"): link.get("href") for link in seed.findall(f"{XHTML}link")}
    assert alternates == {"sv": BASE + SEED_SV, "en": BASE + SEED_EN}


def test_robots_txt_points_at_the_sitemap_index(client):
    assert f"Sitemap: {BASE}/sitemap.xml" in client.get("/robots.txt").get_data(as_text=True)
    assert ET.fromstring(client.get("/sitemap.xml").data).tag == f"{NS}sitemapindex"


@pytest.mark.parametrize(
    ("url", "cache_control"),
    [
        ("/sitemap.xml", "public, max-age=3600"),
        ("/sitemap-pages.xml", "public, max-age=3600"),
        ("/sitemap-recent.xml", "public, max-age=300"),
    ],
)
def test_sitemaps_are_cached_like_the_other_site_files(client, url, cache_control):
    response = client.get(url)
    assert response.status_code == 200 and response.headers["Cache-Control"] == cache_control
    assert response.headers.get("ETag")
    assert client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


@pytest.mark.parametrize(
    "url",
    [
        "/sitemap-manifest.xml",
        "/sitemap-..%2Fsitemap-manifest.pickle.xml",
        "/sitemap-%2E%2E%2Fmeta.pickle.xml",
        "/sitemap-articles-1999.xml",
        "/sitemap-articles-20x4.xml",
        "/sitemaps/sitemap.xml",
        "/sitemap-listed-at.txt",
    ],
)
def test_only_the_sitemap_files_a_build_writes_are_sent(client, url):
    assert client.get(url).status_code == 404


# Embargo ---------------------------------------------------------------------------------------

# "2039-01-01 08:00" in Stockholm is 07:00 UTC: long after any build these tests write.
MOMENT = datetime(2039, 1, 1, 7, 0, tzinfo=UTC)
BEFORE, AFTER = MOMENT - timedelta(minutes=1), MOMENT + timedelta(minutes=1)
SCHEDULED = "https://news.example.se/sv/news/press"


@pytest.fixture(scope="module")
def scheduled_builds(tmp_path_factory):
    """A build with a live article and one scheduled after the build."""
    root = tmp_path_factory.mktemp("scheduled")
    tree = ContentTree(root / "content")
    tree.article("gammal", title="Vanlig nyhet")
    tree.article("press", title="Pressmeddelande", published="2039-01-01 08:00")
    tree.article("press", lang="en", title="Press release", published="2039-01-01 08:00")
    builds = root / "builds"
    write_build(tree.load(), builds)
    return builds


def feed_titles(client, url="/sv/feed.atom") -> list[str]:
    root = ET.fromstring(client.get(url).data)
    return [entry.find(f"{ATOM}title").text for entry in root.findall(f"{ATOM}entry")]


def test_a_scheduled_article_is_in_no_sitemap_or_feed_before_its_minute(scheduled_builds):
    client = make_app(scheduled_builds, NOW=BEFORE).test_client()
    found = every_sitemap_url(client)
    everything = [url for urls in found.values() for url in urls]
    assert "https://news.example.se/sv/news/gammal" in everything
    assert SCHEDULED not in everything
    assert feed_titles(client) == ["Vanlig nyhet"]


def test_a_scheduled_article_is_in_the_recent_sitemap_and_feed_after_its_minute(scheduled_builds):
    client = make_app(scheduled_builds, NOW=AFTER).test_client()
    found = every_sitemap_url(client)
    assert SCHEDULED in found["/sitemap-recent.xml"]
    files = [url for path, urls in found.items() if path != "/sitemap-recent.xml" for url in urls]
    assert SCHEDULED not in files  # the files list what was listed when the build was written
    root = ET.fromstring(client.get("/sitemap-recent.xml").data)
    press = next(u for u in root.findall(f"{NS}url") if u.find(f"{NS}loc").text == SCHEDULED)
    assert {link.get("hreflang") for link in press.findall(f"{XHTML}link")} == {"sv", "en"}
    assert press.find(f"{NS}lastmod").text == "2039-01-01T07:00:00Z"
    assert feed_titles(client) == ["Pressmeddelande", "Vanlig nyhet"]
    # No cache may keep the recent sitemap from before the minute past it.
    before = make_app(scheduled_builds, NOW=BEFORE).test_client().get("/sitemap-recent.xml")
    assert before.headers["Cache-Control"] == "public, max-age=60"
    assert before.headers["ETag"] != client.get("/sitemap-recent.xml").headers["ETag"]


# Media -----------------------------------------------------------------------------------------

SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="1" height="1"/></svg>'
)


@pytest.fixture(scope="module")
def media_builds(tmp_path_factory):
    """A build whose media/ holds images, files that are not images and symbolic links.
    They are put there by hand: the loader and the build leave all but the images out, and
    the view must refuse the rest even so."""
    root = tmp_path_factory.mktemp("media")
    tree = ContentTree(root / "content")
    tree.article("x")
    build = write_build(tree.load(), root / "builds")
    media = build / "media"
    (media / "logo.svg").write_bytes(SVG_WITH_SCRIPT)
    (media / "photo.PNG").write_bytes(b"\x89PNG\r\n\x1a\n")
    (media / "photos").mkdir()
    (media / "photos" / "a.webp").write_bytes(b"RIFF0000WEBP")
    (media / "page.html").write_text("<script>alert(1)</script>")
    (media / "app.js").write_text("alert(1)")
    (media / "page.svg.html").write_text("<script>alert(1)</script>")
    outside = root / "outside.png"
    outside.write_bytes(b"\x89PNG\r\n\x1a\n")
    (media / "linked.png").symlink_to(outside)
    (media / "linked-folder").symlink_to(root)
    # As if the build had published every one of them from the start (the view's own
    # checks must refuse what is not an image even so).
    meta = pickle.loads((build / META_FILE).read_bytes())
    names = [str(path.relative_to(media)) for path in media.rglob("*")] + ["linked-folder/x.png"]
    meta["media_from"] = dict.fromkeys(names, float("-inf"))
    (build / META_FILE).write_bytes(pickle.dumps(meta))
    return root / "builds"


def test_a_media_file_the_build_did_not_publish_is_not_sent(media_builds):
    build = media_builds / "current"
    (build / "media" / "stray.png").write_bytes(b"\x89PNG\r\n\x1a\n")  # in the folder, not published
    assert make_app(media_builds).test_client().get("/media/stray.png").status_code == 404


@pytest.fixture
def media_client(media_builds):
    return make_app(media_builds).test_client()


@pytest.mark.parametrize(
    ("url", "mimetype"),
    [
        ("/media/photo.PNG", "image/png"),
        ("/media/photos/a.webp", "image/webp"),
        ("/media/logo.svg", "image/svg+xml"),
    ],
)
def test_images_are_sent_as_their_type_and_never_sniffed(media_client, url, mimetype):
    response = media_client.get(url)
    assert response.status_code == 200 and response.mimetype == mimetype
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_script_inside_an_svg_can_never_run(media_client):
    response = media_client.get("/media/logo.svg")
    assert response.data == SVG_WITH_SCRIPT
    assert (
        response.headers["Content-Security-Policy"]
        == "default-src 'none'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'"
    )


@pytest.mark.parametrize(
    "url",
    [
        "/media/page.html",
        "/media/app.js",
        "/media/page.svg.html",
        "/media/linked.png",
        "/media/linked-folder/outside.png",
        "/media/../meta.pickle",
        "/media/%2E%2E/meta.pickle",
        "/media/..%2Fmeta.pickle",
        "/media/photos/..%2F..%2Fmeta.pickle",
        "/media/missing.png",
        "/media/photos",
    ],
)
def test_anything_but_an_image_of_the_build_is_not_found(media_client, url):
    assert media_client.get(url).status_code == 404


def test_fingerprinted_media_are_cached_for_a_year(media_client):
    response = media_client.get("/media/photo.PNG?v=abc")
    assert response.status_code == 200 and response.headers["Cache-Control"] == FINGERPRINTED


# Feeds -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def long_builds(tmp_path_factory):
    """More articles than a feed holds, the newest with a body of 196 KB (near the loader's limit)."""
    root = tmp_path_factory.mktemp("long")
    tree = ContentTree(root / "content")
    for number in range(FEED_SIZE + 5):
        tree.article(f"n{number:02d}", published=f"2024-01-{number + 1:02d} 09:30")
    tree.article("huge", published="2024-03-01 09:30", body="Ett ord till. " * 14_000)
    builds = root / "builds"
    write_build(tree.load(), builds)
    return builds


def test_a_feed_stays_small_whatever_the_articles_length(long_builds):
    response = make_app(long_builds).test_client().get("/sv/feed.atom")
    assert len(response.data) < 30_000
    root = ET.fromstring(response.data)
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == FEED_SIZE
    for entry in entries:
        assert entry.find(f"{ATOM}content") is None  # the link goes to the page
        assert entry.find(f"{ATOM}link").get("href").startswith("https://news.example.se/sv/news/")
    summaries = {e.find(f"{ATOM}title").text: e.find(f"{ATOM}summary").text for e in entries}
    assert summaries["Rubrik huge sv"] == "Ingress för huge."
