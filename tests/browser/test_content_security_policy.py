"""With the Content-Security-Policy enforced, everything still works and nothing is
refused: htmx filtering, copy link, print, the language switch."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.web.test_pages import SEED_SV

pytestmark = pytest.mark.browser


def test_the_site_works_under_its_own_csp_without_violations(browser, base_url):
    context = browser.new_context(base_url=base_url)  # CSP enforced
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto("/sv/")
    page.locator("#f-topic-vatten").check()
    expect(page.locator("#results-status")).to_have_text(re.compile(r"^\d+ artiklar om Vatten och hav$"))
    page.goto(SEED_SV)
    page.get_by_role("button", name="Kopiera länk").click()
    expect(page.locator("#share-status")).to_have_text("Länken är kopierad")
    assert page.get_by_role("button", name="Skriv ut").is_visible()
    page.get_by_role("link", name="English", exact=True).click()
    page.wait_for_url(re.compile(r"/en/news/"))
    assert [text for text in console if "Content Security Policy" in text or "Refused" in text] == []
    context.close()
