"""Each page type in both languages, in a real browser: axe finds nothing, and the page
works for keyboard users and on a narrow screen."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations
from tests.web.test_pages import SEED_EN, SEED_SV

URLS = [
    "/sv/",
    "/en/",
    "/sv/?page=2",
    SEED_SV,
    SEED_EN,
    "/sv/topics/",
    "/en/topics/klimat-energi",
    "/sv/partners/",
    "/en/partners/wexsus",
    "/sv/accessibility",
    "/en/accessibility",
    "/sv/search",
    "/en/search?q=climate",
    "/sv/search?q=nohitsatall",
    "/en/news/no-such-article",
    "/sv/?page=abc",
    "/en/news/rovdjursangrepp-bidrag-stangsel-2024",
]


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("url", URLS)
def test_axe_finds_no_violations(page, url, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(url)
    assert axe_violations(page) == []


@pytest.mark.browser
@pytest.mark.parametrize("url", [SEED_SV, "/en/"])
def test_the_skip_link_is_first_and_moves_focus_to_main(page, url):
    page.goto(url)
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.get_attribute("href") == "#main"
    assert skip.is_visible(), "the skip link is visible when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.browser
@pytest.mark.parametrize("url", ["/sv/", SEED_SV, "/en/partners/wexsus", "/sv/search?q=vatten"])
def test_no_horizontal_scrolling_at_320_css_pixels(page, url):
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.mark.browser
def test_the_language_switch_opens_the_same_article(page):
    page.goto(SEED_SV)
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"**{SEED_EN}")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Partnership strengthens")
