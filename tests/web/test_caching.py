"""HTTP caching: validators, 304s without rendering, Cache-Control per page type, Vary,
fingerprinted static files and compression."""

from __future__ import annotations

import re

import pytest
from flask import request_started

from tests.conftest import make_app
from tests.web.test_pages import SEED_SV
from webapp.build import write_build


@pytest.mark.parametrize(
    ("url", "cache_control"),
    [
        (SEED_SV, "public, max-age=300, stale-while-revalidate=600"),
        ("/sv/", "public, max-age=60, stale-while-revalidate=300"),
        ("/en/topics/vatten", "public, max-age=60, stale-while-revalidate=300"),
        ("/sv/search?q=vatten", "public, max-age=60, stale-while-revalidate=300"),
        ("/sv/feed.atom", "public, max-age=300"),
        ("/sitemap.xml", "public, max-age=3600"),
        ("/sv/news/finns-inte", "public, max-age=10"),
    ],
)
def test_cache_control_per_page_type(client, url, cache_control):
    assert client.get(url).headers["Cache-Control"] == cache_control


@pytest.mark.parametrize("url", [SEED_SV, "/en/?topic=vatten", "/sv/search?q=vatten"])
def test_a_matching_revalidation_gets_304_without_a_body(client, url):
    first = client.get(url)
    assert first.headers["ETag"].startswith('W/"') and first.headers["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == first.headers["ETag"]
    gzip_tag = first.headers["ETag"][:-1] + ':gzip"'
    assert client.get(url, headers={"If-None-Match": gzip_tag}).status_code == 304


def test_fragment_and_page_have_different_validators(client):
    page = client.get("/sv/?topic=vatten")
    fragment = client.get("/sv/?topic=vatten", headers={"HX-Request": "true"})
    assert page.headers["ETag"] != fragment.headers["ETag"]
    stale = client.get(
        "/sv/?topic=vatten", headers={"HX-Request": "true", "If-None-Match": page.headers["ETag"]}
    )
    assert stale.status_code == 200


@pytest.fixture
def one_article(content_tree, tmp_path):
    """An app on a build of one article "a", and publish(**fields) to change and rebuild it."""
    builds = tmp_path / "builds"

    def publish(**fields):
        content_tree.article("a", **fields)
        write_build(content_tree.load(), builds)

    publish()
    return make_app(builds), publish


def test_a_new_build_changes_every_validator(one_article):
    app, publish = one_article
    client = app.test_client()
    before = client.get("/sv/news/a").headers["ETag"]
    publish(title="Ny rubrik")
    response = client.get("/sv/news/a", headers={"If-None-Match": before})
    assert response.status_code == 200 and "Ny rubrik" in response.get_data(as_text=True)


def test_vary_only_where_responses_differ(client):
    assert "HX-Request" in client.get("/sv/").headers["Vary"]
    assert "Accept-Language" not in client.get("/sv/").headers.get("Vary", "")
    assert "Accept-Language" not in client.get(SEED_SV).headers.get("Vary", "")
    assert "Accept-Language" in client.get("/").headers["Vary"]
    assert "Accept-Language" in client.get("/a/wexsus-partnerskap").headers["Vary"]


def test_static_files_are_fingerprinted_and_immutable(client):
    html = client.get(SEED_SV).get_data(as_text=True)
    urls = re.findall(r'(?:href|src)="(/(?:static|media)/[^"]+|/theme\.css[^"]*)"', html)
    assert urls and all("?v=" in url for url in urls)
    for url in set(urls):
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", url


def test_text_is_compressed_when_the_reader_accepts_it(client):
    plain = client.get(SEED_SV)
    compressed = client.get(SEED_SV, headers={"Accept-Encoding": "gzip"})
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert len(compressed.data) < len(plain.data) / 2
    assert "Accept-Encoding" in compressed.headers["Vary"]


def test_a_rendered_page_is_sent_again_without_rendering_until_the_build_changes(one_article):
    app, publish = one_article
    client = app.test_client()
    first = client.get("/sv/news/a")
    assert len(app.wsgi_app.pages.pages) == 1  # FrontMemo keeps it
    again = client.get("/sv/news/a")
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    publish(title="Ändrad rubrik")
    assert "Ändrad rubrik" in client.get("/sv/news/a").get_data(as_text=True)


def test_a_page_sent_before_is_answered_in_front_of_flask_exactly_as_sent(one_article):
    app, publish = one_article
    client = app.test_client()
    variants = [{}, {"HX-Request": "true"}, {"Accept-Encoding": "gzip"}]
    first = {i: client.get("/sv/?topic=klimat", headers=h) for i, h in enumerate(variants)}
    reached_flask = []
    request_started.connect(lambda sender, **extra: reached_flask.append(1), app, weak=False)
    for i, headers in enumerate(variants):
        again = client.get("/sv/?topic=klimat", headers=headers)
        assert again.data == first[i].data and sorted(again.headers) == sorted(first[i].headers)
    assert reached_flask == []  # Flask did not even see the requests
    assert first[0].data != first[1].data and first[2].headers["Content-Encoding"] == "gzip"
    # A conditional request still gets its 304, and a new build is seen at once.
    etag = first[0].headers["ETag"]
    assert client.get("/sv/?topic=klimat", headers={"If-None-Match": etag}).status_code == 304
    publish(title="Ändrad rubrik")
    assert "Ändrad rubrik" in client.get("/sv/?topic=klimat").get_data(as_text=True)
