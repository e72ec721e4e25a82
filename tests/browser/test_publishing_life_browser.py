"""The publishing life in a real browser: site-wide alerts come and go at their times, are
found as a region with headings and never interrupt or take focus; withdrawn, older,
removed and preview pages pass axe in both languages and colour schemes."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from werkzeug.serving import make_server

from tests.browser.conftest import axe_violations
from tests.conftest import ContentTree, make_app
from webapp.build import write_build
from webapp.live import open_build
from webapp.preview import make_token

SECRET = "b" * 40
# Moments after the build (which is made at the real time): a build knows when what it
# shows changes next only from its own time on, as a real clock never goes back.
DURING = datetime(2027, 7, 1, 10, 0, tzinfo=UTC)  # both alerts are shown
BEFORE = datetime(2027, 6, 1, 10, 0, tzinfo=UTC)  # the fire ban has not started
AFTER = datetime(2027, 9, 1, 10, 0, tzinfo=UTC)  # the fire ban is over


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A served site with two alerts, a withdrawn, an older and a removed article, and a
    draft; `site.at(moment)` moves its clock."""
    root = tmp_path_factory.mktemp("life-browser")
    tree = ContentTree(root / "content")
    tree.write(
        "site.yaml",
        """
        name: {sv: Testmyndigheten, en: The Test Authority}
        base_url: https://news.example.se
        postal_address: 123 45 Teststad
        organisation_number: 202100-0000
        historic_after_years: 2
        """,
    )
    tree.write(
        "alerts/eldningsforbud.yaml",
        """
        severity: danger
        title: {sv: Eldningsförbud i hela länet, en: Fire ban in the whole county}
        text: {sv: Det är förbjudet att elda utomhus., en: Lighting fires outdoors is forbidden.}
        link: /sv/news/ny
        link_text: {sv: Läs mer om förbudet, en: Read more about the ban}
        from: 2027-06-15 00:00
        until: 2027-08-15 00:00
        """,
    )
    tree.write(
        "alerts/underhall.yaml",
        """
        severity: info
        title: {sv: Planerat underhåll, en: Planned maintenance}
        text: {sv: E-tjänsterna är stängda på söndag., en: The e-services are closed on Sunday.}
        """,
    )
    tree.article("ny", title="Ny nyhet", published="2026-05-02 09:30")
    tree.article("ny", lang="en", title="New story", published="2026-05-02 09:30")
    tree.article("gammal", title="Gammal nyhet", published="2019-05-02 09:30")
    tree.article("gammal", lang="en", title="Old story", published="2019-05-02 09:30")
    tree.article(
        "indragen", title="Indragen nyhet", withdrawn="{date: 2026-03-01 10:00, reason: Fel belopp.}"
    )
    tree.article(
        "indragen",
        lang="en",
        title="Withdrawn story",
        withdrawn="{date: 2026-03-01 10:00, reason: Wrong sum.}",
    )
    tree.article("utkast", title="Ett utkast", draft="true")
    tree.article("borta", title="Borttagen")
    builds = root / "builds"
    write_build(tree.load(), builds)
    (tree.root / "articles" / "borta.sv.md").unlink()
    write_build(tree.load(), builds)
    app = make_app(builds, NOW=DURING, PREVIEW_SECRET=SECRET)
    server = make_server("127.0.0.1", 0, app, threaded=False)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    class Site:
        url = f"http://127.0.0.1:{server.server_port}"
        preview = "/sv/preview/" + make_token(
            SECRET, open_build(builds / "current").search.preview("utkast", "sv")
        )

        @staticmethod
        def at(moment):
            app.config["NOW"] = moment

    yield Site
    server.shutdown()


@pytest.fixture
def tab(browser, site):
    context = browser.new_context(base_url=site.url, bypass_csp=True)
    page = context.new_page()
    yield page
    site.at(DURING)
    context.close()


def _alert_region(tab):
    return tab.get_by_role("region", name="Viktiga meddelanden")


@pytest.mark.browser
def test_alerts_are_shown_in_order_of_severity_as_a_region_with_headings(tab):
    tab.goto("/sv/")
    region = _alert_region(tab)
    headings = region.get_by_role("heading", level=2).all_inner_texts()
    assert headings == ["Viktigt: Eldningsförbud i hela länet", "Information: Planerat underhåll"]
    assert region.get_by_role("link", name="Läs mer om förbudet").get_attribute("href") == "/sv/news/ny"
    # Read first, never announced over what the reader is doing, never taking focus.
    first_heading = tab.get_by_role("heading").first.inner_text()
    assert first_heading.startswith("Viktigt:")
    assert tab.locator("[role=alert], [role=alertdialog], dialog").count() == 0
    # The list's own status region (results after a filter) may be live; no alert is in one.
    assert tab.locator("[aria-live]", has_text="Eldningsförbud").count() == 0
    assert region.get_attribute("aria-live") is None
    assert tab.evaluate("document.activeElement === document.body")
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.getAttribute('href')") == "#main"  # skip link still first


@pytest.mark.browser
def test_alerts_come_and_go_at_their_times_without_a_rebuild(tab, site):
    # The test's clock jumps weeks while the browser's runs on: its own cache (max-age=60,
    # right for a real clock) would show the page from before the jump.
    tab.route("**/*", lambda route: route.continue_())  # Playwright: routing disables the cache
    site.at(BEFORE)
    tab.goto("/en/")
    assert _titles(tab) == ["Information: Planned maintenance"]
    site.at(DURING)
    tab.goto("/en/")
    assert _titles(tab) == ["Important: Fire ban in the whole county", "Information: Planned maintenance"]
    site.at(AFTER)
    tab.goto("/en/")
    assert _titles(tab) == ["Information: Planned maintenance"]


def _titles(tab) -> list[str]:
    return tab.locator(".site-alert__title").all_inner_texts()


@pytest.mark.browser
def test_alerts_work_without_javascript(browser, site):
    context = browser.new_context(base_url=site.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/sv/news/ny")
    assert page.get_by_role("heading", name="Viktigt: Eldningsförbud i hela länet").is_visible()
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    "url",
    [
        "/sv/",
        "/en/",
        "/sv/news/indragen",
        "/en/news/indragen",
        "/sv/news/gammal",
        "/en/news/gammal",
        "/sv/news/borta",
        "preview",
    ],
)
def test_life_pages_pass_axe(tab, site, url, scheme):
    tab.emulate_media(color_scheme=scheme)
    response = tab.goto(site.preview if url == "preview" else url)
    assert response.status in (200, 410)
    assert axe_violations(tab) == []


@pytest.mark.browser
def test_withdrawn_older_removed_and_preview_pages_say_so_in_words(tab, site):
    tab.goto("/sv/news/indragen")
    assert tab.get_by_role("heading", name="Den här nyheten drogs tillbaka 1 mars 2026").is_visible()
    tab.goto("/en/news/gammal")
    assert "This is older news. It was published on May 2, 2019" in tab.locator("main").inner_text()
    response = tab.goto("/sv/news/borta")
    assert response.status == 410
    assert tab.get_by_role("heading", level=1).inner_text() == "Sidan har tagits bort"
    tab.goto(site.preview)
    assert tab.get_by_text("Förhandsvisning – inte publicerad").is_visible()
