"""Keyboard journeys with a visible focus at every step, tab order that follows the
layout, what a screen reader hears (ARIA snapshots), and robustness: narrow screens, zoom,
text spacing, forced colours, dark mode and reduced motion."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.web.test_many_languages import AR_ARTICLE
from tests.web.test_pages import SEED_EN, SEED_SV
from webapp.content.loader import contrast_ratio

pytestmark = pytest.mark.browser
SNAPSHOTS = Path(__file__).parent / "aria"

FOCUS_INFO = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  // The outline is drawn outside the element, so it must stand out against what surrounds it.
  let node = el.parentElement, background = null;
  while (node && !background) {
    const colour = getComputedStyle(node).backgroundColor;
    if (colour && colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") background = colour;
    node = node.parentElement;
  }
  const rect = el.getBoundingClientRect();
  return {name: el.tagName + "#" + el.id + " " + (el.textContent || el.value || "").trim().slice(0, 40),
          outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
          outlineColor: style.outlineColor, background: background || "rgb(255, 255, 255)",
          top: rect.top + window.scrollY, left: rect.left + window.scrollX,
          right: rect.right + window.scrollX,
          visible: rect.width > 0 && rect.height > 0};
}"""


def hex_colour(css: str) -> str:
    r, g, b = (int(v) for v in re.findall(r"[\d.]+", css)[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def press_tab(page, shift: bool = False) -> dict | None:
    """Tab once and check the newly focused element shows a focus indicator of 3:1.

    None when focus has left the page (past the last element).
    """
    page.keyboard.press("Shift+Tab" if shift else "Tab")
    if page.evaluate("document.activeElement === document.body"):
        return None
    info = page.evaluate(FOCUS_INFO)
    assert info["visible"], f"{info['name']} is focused but not visible"
    assert info["outlineStyle"] != "none" and info["outlineWidth"] >= 2, f"{info['name']}: no focus outline"
    ratio = contrast_ratio(hex_colour(info["outlineColor"]), hex_colour(info["background"]))
    assert ratio >= 3, f"{info['name']}: focus outline contrast {ratio:.2f}:1 against {info['background']}"
    return info


def tab_through(page, limit: int = 400) -> list[dict]:
    """Every focus stop of the page in Tab order, each checked for a visible focus."""
    stops = []
    for _ in range(limit):
        info = press_tab(page)
        if info is None or (stops and info["name"] == stops[0]["name"] and info["top"] == stops[0]["top"]):
            break  # past the end, or wrapped around
        stops.append(info)
    return stops


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("url", [SEED_SV, "/en/?topic=vatten", AR_ARTICLE, "/ar/?topic=vatten"])
def test_every_focus_stop_is_visible_and_follows_the_visual_order(page, url, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(url)
    rtl = page.locator("html").get_attribute("dir") == "rtl"
    stops = tab_through(page)
    assert len(stops) > 15
    for before, after in zip(stops, stops[1:], strict=False):
        # Down the page, or on to a column further along the line: further right, or in a
        # right-to-left page further left (filters beside results, footer).
        along = after["right"] <= before["left"] + 4 if rtl else after["left"] >= before["right"] - 4
        assert after["top"] >= before["top"] - 4 or along, (
            f"focus jumps back from {before['name']} to {after['name']}"
        )


def test_read_an_article_and_switch_language_by_keyboard(page):
    page.goto(SEED_SV)
    for _ in range(10):
        info = press_tab(page)
        if info["name"].startswith("A# English"):
            break
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{SEED_EN}")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Partnership strengthens collaboration for sustainable development"
    )


def test_filter_and_unfilter_by_keyboard(page):
    page.goto("/sv/")
    everything = page.locator("#results-heading").inner_text()
    for _ in range(30):
        if press_tab(page)["name"].startswith("INPUT#f-topic-"):
            break
    page.keyboard.press("Space")
    expect(page.locator("#results-status")).to_contain_text(" om ")
    focused = page.evaluate("document.activeElement.id")
    page.keyboard.press("Space")
    expect(page.locator("#results-heading")).to_have_text(everything)
    assert page.evaluate("document.activeElement.id") == focused


def test_copy_a_link_by_keyboard(browser, base_url):
    context = browser.new_context(base_url=base_url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = context.new_page()
    page.goto(SEED_SV)
    page.get_by_role("heading", name="Dela sidan").scroll_into_view_if_needed()
    for _ in range(80):
        if press_tab(page)["name"].startswith("BUTTON# Kopiera länk"):
            break
    else:
        raise AssertionError("the copy button was never reached by Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#share-status")).to_have_text("Länken är kopierad")
    context.close()


PAGES_BY_KIND = [
    "/sv/",
    SEED_SV,
    "/en/news/samrad-vattenforvaltning-2021-2027",
    "/en/topics/vatten",
    "/sv/partners/wexsus",
    "/sv/search?q=vatten",
    "/en/accessibility",
    "/sv/news/finns-inte",
    # Right to left, and the languages with few articles.
    "/ar/",
    AR_ARTICLE,
    "/ar/?topic=vatten&partner=smhi",
    "/ar/search?q=SMHI",
    "/fi/topics/lantbruk",
    "/se/",
    "/sv/news/regional-vattenforsorjningsplan-remiss-2026",  # videos
    "/sv/lattlast/ny-plan-for-dricksvatten",
]


@pytest.mark.parametrize("url", PAGES_BY_KIND)
@pytest.mark.parametrize(("width", "height"), [(320, 640), (640, 450)], ids=["320px", "200-percent-zoom"])
def test_no_horizontal_scrolling_on_narrow_screens_and_zoom(page, url, width, height):
    # 200% zoom of a 1280 px window lays out like a 640 px wide one.
    page.set_viewport_size({"width": width, "height": height})
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""
CLIPPED = """() => [...document.querySelectorAll('body *')]
  .filter(e => !e.closest('.visually-hidden, [hidden], .htmx-indicator, script, style'))
  .filter(e => { const s = getComputedStyle(e);
     return (s.overflowX !== 'visible' || s.overflowY !== 'visible')
       && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1); })
  .map(e => e.tagName + '.' + e.className)"""


@pytest.mark.parametrize("url", PAGES_BY_KIND[:6])
def test_text_spacing_override_clips_nothing(page, url):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(url)
    page.add_style_tag(content=TEXT_SPACING)
    assert page.evaluate(CLIPPED) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_forced_colours_keep_focus_borders_and_icons(page):
    page.emulate_media(forced_colors="active")
    page.goto("/sv/?page=2")
    info = press_tab(page)
    assert info["outlineStyle"] != "none"
    current = page.locator(".pagination a[aria-current]")
    assert current.evaluate("e => parseFloat(getComputedStyle(e).borderTopWidth)") >= 2
    arrow = page.locator(".site-footer a.external").first.evaluate(
        "e => getComputedStyle(e, '::after').content"
    )
    assert "↗" in arrow
    checkbox = page.locator("#f-topic-vatten")
    assert checkbox.is_visible()


def test_right_to_left_pages_read_from_the_right_and_point_their_arrows_that_way(page):
    page.goto("/ar/topics/vatten")
    crumbs = page.locator(".breadcrumbs li").all()
    first, second = (crumb.bounding_box() for crumb in crumbs[:2])
    assert first["x"] > second["x"], "the first crumb is the rightmost"
    heading, logo = page.locator("h1").bounding_box(), page.locator(".brand").bounding_box()
    viewport = page.viewport_size["width"]
    assert logo["x"] + logo["width"] > viewport / 2 and heading["x"] + heading["width"] > viewport / 2
    arrow = page.locator(".site-footer a.external").first.evaluate(
        "e => getComputedStyle(e, '::after').content"
    )
    assert "↖" in arrow and "↗" not in arrow  # out of the site, up and back along the line
    page.goto("/sv/topics/vatten")
    arrow = page.locator(".site-footer a.external").first.evaluate(
        "e => getComputedStyle(e, '::after').content"
    )
    assert "↗" in arrow


def test_reduced_motion_removes_transitions(page):
    page.goto("/sv/")
    duration = "getComputedStyle(document.querySelector('.results')).transitionDuration"
    assert page.evaluate(duration) != "0s"
    page.emulate_media(reduced_motion="reduce")
    assert page.evaluate(duration) == "0s"


ARIA = [
    ("header", "/sv/", "header.site-header"),
    ("header", "/en/", "header.site-header"),
    ("article-metadata", SEED_SV, ".article__header"),
    ("article-metadata", SEED_EN, ".article__header"),
    ("filter-form", "/sv/topics/kulturmiljo", "#filters"),
    ("filter-form", "/en/topics/kulturmiljo", "#filters"),
    ("results", "/sv/?topic=kulturmiljo&year=2021", "#results"),
    ("results", "/en/?topic=kulturmiljo&year=2021", "#results"),
    ("header", "/ar/", "header.site-header"),
    ("article-metadata", AR_ARTICLE, ".article__header"),
    ("results", "/ar/?topic=djurskydd", "#results"),
]


@pytest.mark.parametrize(("name", "url", "selector"), ARIA, ids=[f"{n}-{u[1:3]}" for n, u, _ in ARIA])
def test_what_a_screen_reader_hears_matches_the_reviewed_snapshot(page, name, url, selector):
    page.goto(url)
    snapshot = page.locator(selector).aria_snapshot()
    expected = SNAPSHOTS / f"{name}-{url[1:3]}.yaml"
    if os.environ.get("UPDATE_ARIA_SNAPSHOTS") == "1":
        expected.parent.mkdir(exist_ok=True)
        expected.write_text(snapshot + "\n", encoding="utf-8")
    assert expected.exists(), (
        f"no reviewed snapshot {expected}: run with UPDATE_ARIA_SNAPSHOTS=1 and review it"
    )
    expect(page.locator(selector)).to_match_aria_snapshot(expected.read_text(encoding="utf-8"))


VIDEO_ARTICLE = "/sv/news/regional-vattenforsorjningsplan-remiss-2026"


def test_a_video_is_played_from_the_keyboard_with_its_captions_showing(page):
    """Native controls: Tab reaches the player, Space plays it; nothing played before, and
    the Swedish captions are the track shown (WCAG 1.2.2, 2.1.1, 2.2.2)."""
    page.goto(VIDEO_ARTICLE)
    video = page.locator("video").first
    assert video.evaluate("v => v.paused && v.currentTime === 0 && !v.autoplay")
    for _ in range(60):
        info = press_tab(page)
        if page.evaluate("document.activeElement.tagName") == "VIDEO":
            break
    else:
        raise AssertionError(f"Tab never reached the video (last stop: {info['name']})")
    assert info["outlineStyle"] != "none", "the focused player shows where focus is"
    page.keyboard.press("Space")
    page.wait_for_function("() => !document.querySelector('video').paused", timeout=5000)
    tracks = video.evaluate("v => [...v.textTracks].map(t => [t.kind, t.language, t.mode])")
    assert tracks == [["captions", "sv", "showing"]]


def test_a_sign_language_video_is_marked_for_assistive_technology(page):
    page.goto(VIDEO_ARTICLE)
    assert page.locator("video").nth(1).get_attribute("lang") == "swl"
    heading = page.get_by_role("heading", name="Förslaget till vattenförsörjningsplan på teckenspråk")
    expect(heading).to_be_visible()
