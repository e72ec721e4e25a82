"""Filtering and searching in a real browser, with and without JavaScript, by keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


def tab_to(page, selector: str, limit: int = 25) -> None:
    """Press Tab until `selector` has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("sel => document.activeElement.matches(sel)", selector):
            return
    raise AssertionError(f"{selector} never received focus by Tab")


def settled(page):
    """Wait until the list has finished updating and its dimming has faded out."""
    page.wait_for_function(
        "!document.querySelector('.htmx-request')"
        " && getComputedStyle(document.querySelector('.results')).opacity === '1'"
    )
    return page


def heading(page) -> str:
    return page.locator("#results-heading").inner_text()


def test_filtering_with_htmx_announces_keeps_focus_and_keeps_history(page):
    page.goto("/en/")
    assert axe_violations(page) == []
    everything = heading(page)

    page.locator("#f-topic-klimat-energi").focus()
    page.keyboard.press("Space")
    status = page.locator("#results-status")
    expect(status).to_have_text(re.compile(r"^\d+ articles about Climate and energy$"))
    assert page.evaluate("document.activeElement.id") == "f-topic-klimat-energi"
    # htmx was told to inject no styles or scripts (the CSP would refuse them).
    inline = (
        "[...document.querySelectorAll('style, [style], script:not([src])')]"
        ".filter(e => !e.textContent.startsWith('/*! axe')).map(e => e.outerHTML)"  # the test's own axe
    )
    assert page.evaluate(inline) == []

    page.keyboard.press("Tab")  # on to the next topic...
    page.locator("#f-partner-chalmers").focus()
    page.keyboard.press("Space")
    expect(status).to_have_text(
        re.compile(r"^\d+ articles? about Climate and energy from Chalmers University of Technology$")
    )
    assert page.evaluate("document.activeElement.id") == "f-partner-chalmers"
    assert "topic=klimat-energi" in page.url and "partner=chalmers" in page.url
    assert heading(page).startswith(status.inner_text())
    assert axe_violations(settled(page)) == []

    page.go_back()
    expect(page.locator("#results-heading")).to_have_text(
        re.compile(r"^\d+ articles about Climate and energy$")
    )
    assert not page.locator("#f-partner-chalmers").is_checked()
    page.go_forward()
    expect(page.locator("#results-heading")).to_contain_text("from Chalmers")

    page.reload()
    assert (
        page.locator("#f-partner-chalmers").is_checked()
        and page.locator("#f-topic-klimat-energi").is_checked()
    )
    expect(page.locator("#results-heading")).to_contain_text("from Chalmers")

    page.get_by_role("link", name="Chalmers University of Technology, remove filter").click()
    expect(page.locator("#results-heading")).to_have_text(
        re.compile(r"^\d+ articles about Climate and energy$")
    )
    page.get_by_role("link", name="Clear all filters").click()
    expect(page.locator("#results-heading")).to_have_text(everything)
    assert axe_violations(settled(page)) == []


def test_quick_clicks_end_with_the_latest_state(page):
    page.goto("/sv/")
    for box in ("#f-topic-vatten", "#f-topic-naturvard", "#f-topic-lantbruk"):
        page.locator(box).check()
    # Three quick changes: the list and the announcement match the last one, not a stale one.
    expect(page.locator("#results-status")).to_contain_text(
        "om Lantbruk och landsbygd, Naturvård eller Vatten och hav"
    )
    assert heading(page).startswith(page.locator("#results-status").inner_text())


def test_filtering_without_javascript_lands_on_the_counted_results(browser, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/sv/")
    page.locator("#f-topic-vatten").check()
    page.locator("#f-year-2022").check()
    page.get_by_role("button", name="Använd filtren").click()
    page.wait_for_url(re.compile(r"topic=vatten.*year=2022.*#results-heading$"))
    assert page.evaluate("location.hash") == "#results-heading"
    assert re.match(r"^\d+ artiklar? om Vatten och hav publicerade 2022", heading(page))
    assert page.locator("#f-topic-vatten").is_checked()
    page.get_by_role("link", name="2022, ta bort filter").click()
    assert "year=" not in page.url
    filtered_url = page.url
    context.close()
    # axe needs JavaScript; the server sends the same page either way.
    with_js = browser.new_page(base_url=base_url, bypass_csp=True)
    with_js.goto(filtered_url)
    assert axe_violations(with_js) == []
    with_js.close()


@pytest.mark.parametrize(
    ("lang", "query", "expected_heading"),
    [("sv", "ålgräs", "Sökresultat för ”ålgräs”"), ("en", "eelgrass", "Search results for “eelgrass”")],
)
def test_search_from_the_header_by_keyboard(page, lang, query, expected_heading):
    page.goto(f"/{lang}/news/{'algras-aterplantering-bohuslan-2025'}")
    tab_to(page, "#site-search-q")
    page.keyboard.type(query)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    assert page.get_by_role("heading", level=1).inner_text() == expected_heading
    assert page.locator(".article-card mark").count() >= 1
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    "url", ["/sv/search?q=finnsinteallsnagonstans", "/en/search?q=Wexus", "/sv/search?q=ålgräs+Gotland"]
)
def test_no_results_suggestion_and_any_word_pages_pass_axe(page, url):
    page.goto(url)
    assert axe_violations(page) == []
