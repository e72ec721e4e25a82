"""Findings of an outside attack, through the Flask test client: hostile numbers in the
address, what error responses let caches keep, redirects that named the Host header, error
pages whose language came from the browser, over-long addresses.

The same findings against the real server are in test_hostile_http_server.py and
test_hostile_http_slow.py.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import make_app
from tests.web.test_pages import SEED_EN, SEED_SV
from webapp.build import write_build
from webapp.caching import ERRORS
from webapp.security import MAX_URL_BYTES
from webapp.views.errors import SERVER_ERRORS

# Digits str.isdigit() accepts and int() refuses (a 500 before), digits int() accepts that
# are not ASCII, and the usual malformed numbers.
HOSTILE_NUMBERS = [
    "²", "%C2%B2", "①", "²²²²", "¹²³", "٣", "٢٠٢٤", "２０２４", "𝟚𝟘𝟚𝟜", "½", "1_0", "1_000",
    "+1", "-1", "%201", "1%20", "0", "0x10", "1e3", "", "9999999999", "00000000001", "1%00",
    "NaN", "%E2%80%8B1",
]  # fmt: skip
LISTS = ["/sv/", "/en/", "/sv/search?q=vatten", "/en/search", "/sv/topics/krisberedskap", "/en/partners/smhi"]
FEEDS = ["/sv/feed.atom", "/sv/topics/krisberedskap/feed.atom", "/en/partners/smhi/feed.atom"]


def max_age(cache_control: str) -> int:
    found = re.search(r"max-age=(\d+)", cache_control)
    return int(found.group(1)) if found else 0


@pytest.fixture(scope="module")
def reader(demo_builds):
    """A client that sees what a reader would: exceptions become 500 pages, not test errors."""
    return make_app(demo_builds, TESTING=False).test_client()


def with_argument(url: str, name: str, value: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{name}={value}"


@pytest.mark.parametrize("number", HOSTILE_NUMBERS)
@pytest.mark.parametrize("url", LISTS + FEEDS)
def test_hostile_numbers_never_give_a_server_error_or_a_long_cached_error(reader, url, number):
    for name in ("page", "year"):
        response = reader.get(with_argument(url, name, number))
        cache_control = response.headers.get("Cache-Control", "")
        assert response.status_code < 500, (name, response.status_code)
        if response.status_code >= 400:
            assert cache_control == ERRORS and max_age(cache_control) <= 10, cache_control
            assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize("number", ["²", "①", "٣", "２", "1_0", "0", "-1", "9999999999"])
def test_a_page_number_is_ascii_digits_or_the_readers_400(reader, number):
    response = reader.get(f"/sv/?page={number}")
    assert response.status_code == 400
    assert "Sidnumret måste vara ett heltal" in response.get_data(as_text=True)
    assert reader.get("/sv/?page=1").status_code == 200


@pytest.mark.parametrize("year", ["²²²²", "٢٠٢٤", "２０２４", "𝟚𝟘𝟚𝟜", "2024 ", "+202"])
def test_a_year_that_is_not_four_ascii_digits_is_ignored_with_a_note(reader, year):
    response = reader.get("/sv/", query_string={"year": year})
    assert response.status_code == 200
    assert "inte ett år" in response.get_data(as_text=True)


def test_a_server_error_is_never_stored_by_a_cache(demo_builds):
    app = make_app(demo_builds, TESTING=False)

    @app.get("/sv/broken")
    def broken():
        raise RuntimeError("a bug")

    response = app.test_client().get("/sv/broken")
    assert response.status_code == 500 and response.headers["Cache-Control"] == SERVER_ERRORS == "no-store"
    assert "Content-Security-Policy" in response.headers


def test_no_build_yet_is_a_503_never_stored(tmp_path):
    response = make_app(tmp_path / "no-builds", TESTING=False).test_client().get("/sv/")
    assert response.status_code == 503 and response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/", 302),
        ("/sv", 308),
        ("/en", 308),
        ("/sv/topics", 308),
        ("/en/partners", 308),
        ("/a/wexsus-partnerskap", 302),
        ("/en/a/wexsus-partnerskap", 302),
        # An article's address in the other language goes to this language's version.
        (SEED_SV.replace("/sv/", "/en/"), 301),
        (SEED_EN.replace("/en/", "/sv/"), 301),
    ],
)
@pytest.mark.parametrize("host", ["evil.example", "evil.example:8080", "127.0.0.1:8443"])
def test_redirects_name_a_path_never_the_host_the_request_carried(reader, url, status, host):
    response = reader.get(url, headers={"Host": host, "Accept-Language": "en"})
    location = response.headers["Location"]
    assert response.status_code == status
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert "evil" not in location and "8443" not in location


def test_old_slugs_redirect_with_a_path_too(content_tree, tmp_path):
    content_tree.article("nyhet", slug="ny-rubrik", old_slugs="[gammal-rubrik]")
    builds = tmp_path / "builds"
    write_build(content_tree.load(), builds)
    response = make_app(builds).test_client().get("/sv/news/gammal-rubrik", headers={"Host": "evil.example"})
    assert response.status_code == 301 and response.headers["Location"] == "/sv/news/ny-rubrik"


@pytest.mark.parametrize("url", ["//sv/", "/sv//topics/", "//evil.example/sv", "/\\evil.example/sv"])
def test_slash_redirects_stay_on_the_site(reader, url):
    response = reader.get(url, headers={"Host": "evil.example"})
    location = response.headers.get("Location", "")
    assert response.status_code < 500
    if location:
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location


@pytest.mark.parametrize(
    "url", ["/finns-inte", "/a/finns-inte", "/static/finns-inte.css", "/media/finns-inte.png"]
)
def test_an_error_page_in_the_browsers_language_says_it_varies_by_it(reader, url):
    swedish = reader.get(url, headers={"Accept-Language": "sv"})
    english = reader.get(url, headers={"Accept-Language": "en"})
    assert swedish.status_code == english.status_code == 404
    assert 'lang="sv"' in swedish.get_data(as_text=True) and 'lang="en"' in english.get_data(as_text=True)
    for response in (swedish, english):
        assert "Accept-Language" in response.headers.get("Vary", "")


@pytest.mark.parametrize("url", ["/sv/finns-inte", "/en/news/finns-inte", "/sv/?page=x"])
def test_an_error_page_in_the_addresss_language_does_not_vary_by_the_browser(reader, url):
    response = reader.get(url, headers={"Accept-Language": "en"})
    assert response.status_code in (400, 404)
    assert "Accept-Language" not in response.headers.get("Vary", "")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/sv/search?q=" + "x" * MAX_URL_BYTES, "Adressen är för lång"),
        ("/en/?" + "&".join(f"topic=t{i}" for i in range(800)), "The address is too long"),
        ("/sv/news/" + "a" * MAX_URL_BYTES, "Adressen är för lång"),
    ],
)
def test_an_address_over_the_limit_gets_the_localized_414(reader, url, message):
    response = reader.get(url)
    assert response.status_code == 414 and message in response.get_data(as_text=True)
    assert "Content-Security-Policy" in response.headers
    assert response.headers["Cache-Control"] == ERRORS


def test_an_address_just_within_the_limit_is_served(reader):
    url = "/sv/search?q="
    response = reader.get(url + "x" * (MAX_URL_BYTES - len(url)))
    assert response.status_code == 200
