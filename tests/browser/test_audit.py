"""The accessibility audit: every page the site links to, in every language, through axe
and the Nu HTML checker, plus a heading outline check. A failure names the page, the rule
and the element."""

from __future__ import annotations

import json
import re
import subprocess
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from tests.browser.conftest import axe_violations
from webapp import languages
from webapp.config import PROJECT_ROOT

pytestmark = pytest.mark.browser

MAX_PAGES = 700
VNU = PROJECT_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
NOT_PAGES = ("/static/", "/media/", "/theme.css", ".atom", "/sitemap.xml", "/robots.txt", "/a/")
# Interaction states no plain link reaches (the journeys in other tests reach them by hand).
STATES = [
    "/sv/?topic=vatten&partner=smhi&year=2022",
    "/en/?topic=klimat-energi&topic=vatten&sort=oldest",
    "/sv/?topic=kulturmiljo&partner=smhi",  # zero results
    "/en/?topic=nosuch&year=20x4",  # ignored values with notes
    "/sv/search?q=hållbar",
    "/en/search?q=Wexus",  # suggestion
    "/sv/search?q=finnsinteallsnagonstans",  # no hits
    "/en/search?q=Lövåsen&other=1",  # other language in results
    "/sv/news/finns-inte",  # 404
    "/en/?page=abc",  # 400
    "/en/news/rovdjursangrepp-bidrag-stangsel-2024",  # not translated
    "/ar/?topic=vatten&partner=smhi",  # right to left, a name that falls back to Swedish
    "/ar/search?q=SMHI",  # a Latin name in a right-to-left summary
    "/ar/search?q=finnsinteallsnagonstans",  # no hits
    "/ar/news/finns-inte",  # 404
    "/ar/?page=abc",  # 400
    "/fi/search?q=tulva",
    "/se/search?q=cahci",
]


class Outline(HTMLParser):
    """Links and headings of a page."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.headings: list[int] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("href"):
            self.links.append(dict(attrs)["href"])
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))


def crawl(client) -> dict[str, str]:
    """Same-site pages reachable from / in every language: URL -> HTML."""
    queue = deque([*(f"/{lang}/" for lang in languages.SITE), *STATES])
    seen: dict[str, str] = {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.get_data(as_text=True)
        if response.mimetype != "text/html":
            continue
        parser = Outline()
        parser.feed(seen[url])
        for href in parser.links:
            target = urlsplit(urljoin(url, href))
            if target.scheme or target.netloc or any(part in target.path for part in NOT_PAGES):
                continue
            # Remove-filter links and page links are followed; nothing else adds query strings.
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return seen


@pytest.fixture(scope="module")
def pages(app) -> dict[str, str]:
    return crawl(app.test_client())


@pytest.fixture(scope="module")
def app(demo_builds):
    from tests.conftest import make_app

    return make_app(demo_builds)


def test_the_crawl_reaches_every_kind_of_page(pages, demo_content):
    articles = {url for url in pages if "/news/" in url}
    assert len(articles) >= len(demo_content.articles), "every article version is linked from somewhere"
    for kind in (
        "/sv/topics/",
        "/en/partners/",
        "/sv/accessibility",
        "/en/?page=2",
        "/ar/topics/",
        "/fi/news/",
    ):
        assert any(url.startswith(kind) for url in pages), kind


def test_every_page_has_one_h1_and_no_skipped_heading_levels(pages):
    problems = []
    for url, html in pages.items():
        outline = Outline()
        outline.feed(html)
        levels = outline.headings
        if levels.count(1) != 1 or levels[0] != 1:
            problems.append(
                f"{url}: {levels.count(1)} h1 elements, first heading h{levels[0] if levels else '-'}"
            )
        for before, after in zip(levels, levels[1:], strict=False):
            if after > before + 1:
                problems.append(f"{url}: h{before} followed by h{after}")
    assert problems == []


def test_axe_finds_nothing_on_any_page(audit_page, pages):
    problems = []
    for url in pages:
        audit_page.goto(url)
        problems += [f"{url}: {violation}" for violation in axe_violations(audit_page)]
    assert problems == []


def test_every_page_is_valid_html(pages, tmp_path):
    if not VNU.exists():
        pytest.fail(f"{VNU} is missing: run 'make install' (npm installs vnu-jar)")
    names = {}
    for number, (url, html) in enumerate(pages.items()):
        path = tmp_path / f"page{number}.html"
        path.write_text(html, encoding="utf-8")
        names[path.as_uri()] = url
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU),
            "--errors-only",
            "--format",
            "json",
            *[str(tmp_path / Path(u).name) for u in names],
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    problems = []
    for message in messages:
        url = names.get(message.get("url"), message.get("url"))
        where = f"{url}:{message.get('lastLine')}"
        problems.append(f"{where}: {message['message']} [{message.get('extract', '')}]")
    assert problems == []
