"""Each page type in both languages, in a real browser: axe finds nothing, and the page
works for keyboard users and on a narrow screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.web.test_many_languages import AR_ARTICLE
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
    # Right to left, and languages with few articles and texts that fall back to Swedish.
    "/ar/",
    AR_ARTICLE,
    "/ar/topics/vatten",
    "/ar/partners/smhi",
    "/ar/search?q=حيوانات",
    "/ar/news/finns-inte",
    "/fi/",
    "/fi/?topic=lantbruk",
    "/se/search?q=čáhci",
    "/sv/news/regional-vattenforsorjningsplan-remiss-2026",  # a video and a sign-language video
    "/sv/lattlast/",
    "/en/lattlast/",
    "/sv/lattlast/ny-plan-for-dricksvatten",
]


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("url", URLS)
def test_axe_finds_no_violations(page, url, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(url)
    assert axe_violations(page) == []


@pytest.mark.browser
@pytest.mark.parametrize("url", [SEED_SV, "/en/", AR_ARTICLE])
def test_the_skip_link_is_first_and_moves_focus_to_main(page, url):
    page.goto(url)
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.get_attribute("href") == "#main"
    assert skip.is_visible(), "the skip link is visible when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.browser
@pytest.mark.parametrize(
    "url",
    ["/sv/", SEED_SV, "/en/partners/wexsus", "/sv/search?q=vatten", "/ar/", AR_ARTICLE, "/ar/search?q=SMHI"],
)
def test_no_horizontal_scrolling_at_320_css_pixels(page, url):
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.mark.browser
def test_the_language_switch_opens_the_same_article(page):
    page.goto(SEED_SV)
    page.get_by_role("link", name="English", exact=True).click()
    page.wait_for_url(f"**{SEED_EN}")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Partnership strengthens")


@pytest.mark.browser
def test_copy_link_copies_the_short_link_and_announces_it(browser, base_url):
    context = browser.new_context(base_url=base_url, bypass_csp=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = context.new_page()
    page.goto(SEED_EN)
    button = page.get_by_role("button", name="Copy link")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#share-status")).to_have_text("Link copied")
    assert (
        page.evaluate("navigator.clipboard.readText()")
        == "https://nyheter.example.se/en/a/wexsus-partnerskap"
    )
    assert axe_violations(page) == []
    context.close()


@pytest.mark.browser
def test_without_javascript_no_dead_buttons_are_shown(browser, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    page.goto(SEED_SV)
    assert page.get_by_role("button", name="Kopiera länk").count() == 0
    assert page.get_by_role("button", name="Skriv ut").count() == 0
    assert page.get_by_role("link", name="Dela på LinkedIn").is_visible()
    context.close()


@pytest.mark.browser
def test_print_drops_navigation_and_share_and_prints_link_targets(page):
    page.goto(SEED_SV)
    page.emulate_media(media="print")
    for chrome in (".site-header", ".site-footer", ".share", ".breadcrumbs", ".related"):
        assert not page.locator(chrome).first.is_visible(), chrome
    assert page.locator(".other-language").is_visible(), "the English passage is kept on paper"
    printed = page.evaluate(
        "getComputedStyle(document.querySelector('.fact-box a.external'), '::after').content"
    )
    assert "https://www.example.org/wexsus" in printed
