"""Fuzzing every route and parameter: 10,000 generated requests, no 5xx, no unescaped echo.

Values are random Unicode, huge and negative numbers, invalid percent-encoding, NUL and
control characters, very long strings, XSS payloads and repeated parameters.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.xss_payloads import PAYLOADS

EXAMPLES = 2_000  # per test; five tests make 10,000 requests
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

values = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=1000),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        [
            "%",
            "%zz",
            "%u0041",
            "%00",
            "%ff%fe",
            "%C0%AF",
            "\x00",
            "\r\n",
            "../../etc/passwd",
            "//evil.example",
        ]
    ),
    st.sampled_from(PAYLOADS),
    st.sampled_from(["vatten", "smhi", "2022", "newest", "1", "sv", "en"]),
)
names = st.one_of(
    st.sampled_from(["q", "topic", "partner", "year", "sort", "page", "other"]), st.text(max_size=10)
)
LANGS = st.sampled_from(["sv", "en", "de", "", "SV", "%73v"])
PAGES = [
    "/{lang}/",
    "/{lang}/search",
    "/{lang}/news/{seg}",
    "/{lang}/topics/",
    "/{lang}/topics/{seg}",
    "/{lang}/partners/{seg}",
    "/{lang}/accessibility",
    "/{lang}/feed.atom",
    "/{lang}/topics/{seg}/feed.atom",
    "/{lang}/a/{seg}",
    "/a/{seg}",
    "/media/{seg}",
    "/{seg}",
]


def encode(value: str, raw: bool) -> str:
    """Percent-encode, or (raw) leave it as sent by a careless or hostile client."""
    return value if raw else quote(value, safe="")


@st.composite
def requests(draw, pages=PAGES):
    template = draw(st.sampled_from(pages))
    raw = draw(st.booleans())
    segment = encode(draw(values), raw).replace("?", "%3F").replace("#", "%23") or "x"
    path = template.format(lang=draw(LANGS), seg=segment)
    pairs = draw(st.lists(st.tuples(names, values), max_size=6))
    query = "&".join(f"{encode(n, raw)}={encode(v, raw)}" for n, v in pairs).replace("#", "%23")
    return path, query, [v for _, v in pairs] + [segment]


def check(client, path: str, query: str, sent: list[str]) -> None:
    response = client.get(f"{path}?{query}")
    assert response.status_code < 500, (path, query, response.status_code)
    if response.mimetype == "text/html":
        body = response.get_data(as_text=True)
        for value in sent:
            if any(ch in value for ch in '<>"') and len(value) > 3:
                assert value not in body, f"unescaped echo of {value!r} at {path}?{query}"


@pytest.fixture(scope="module")
def fuzz_client(demo_builds):
    from tests.conftest import make_app

    return make_app(demo_builds).test_client()


@FUZZ
@given(request_parts=requests(pages=["/{lang}/", "/{lang}/topics/{seg}", "/{lang}/partners/{seg}"]))
def test_lists_and_filters(fuzz_client, request_parts):
    check(fuzz_client, *request_parts)


@FUZZ
@given(request_parts=requests(pages=["/{lang}/search"]))
def test_search(fuzz_client, request_parts):
    check(fuzz_client, *request_parts)


@FUZZ
@given(
    request_parts=requests(
        pages=["/{lang}/news/{seg}", "/{lang}/a/{seg}", "/a/{seg}", "/media/{seg}", "/{seg}"]
    )
)
def test_articles_links_and_media(fuzz_client, request_parts):
    path, query, sent = request_parts
    check(fuzz_client, path, query, sent)
    location = fuzz_client.get(f"{path}?{query}").headers.get("Location", "")
    assert not location.startswith(("//", "/\\", "http://evil", "https://evil")), location


@FUZZ
@given(
    request_parts=requests(
        pages=[
            "/{lang}/feed.atom",
            "/{lang}/topics/{seg}/feed.atom",
            "/{lang}/topics/",
            "/{lang}/accessibility",
        ]
    )
)
def test_feeds_and_pages(fuzz_client, request_parts):
    check(fuzz_client, *request_parts)


@FUZZ
@given(request_parts=requests())
def test_any_route(fuzz_client, request_parts):
    check(fuzz_client, *request_parts)
