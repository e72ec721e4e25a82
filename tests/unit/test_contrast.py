"""Colour contrast, read from the CSS custom properties themselves (not judged by eye):
body text at least 7:1, other text at least 4.5:1, borders and focus at least 3:1, in the
light and the dark scheme, and for the authority's brand colour."""

from __future__ import annotations

import re

import pytest

from webapp.config import PROJECT_ROOT
from webapp.content.loader import contrast_ratio

CSS = (PROJECT_ROOT / "static" / "css" / "site.css").read_text(encoding="utf-8")


def custom_properties(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", block))


def schemes() -> dict[str, dict[str, str]]:
    light = custom_properties(re.search(r":root \{(.*?)\}", CSS, re.S).group(1))
    dark_block = re.search(r"prefers-color-scheme: dark\) \{\s*:root \{(.*?)\}", CSS, re.S).group(1)
    return {"light": light, "dark": {**light, **custom_properties(dark_block)}}


# (foreground, background, minimum, what it is)
PAIRS = [
    ("text", "background", 7.0, "body text"),
    ("text", "surface", 7.0, "text in fact boxes, filters and the footer"),
    ("text", "tag-background", 7.0, "tag text"),
    ("text", "notice-background", 7.0, "notices"),
    ("link", "background", 7.0, "links in body text"),
    ("link-visited", "background", 7.0, "visited links"),
    ("link", "surface", 4.5, "links in boxes and the footer"),
    ("text-muted", "background", 4.5, "dates and secondary text"),
    ("text-muted", "surface", 4.5, "secondary text in boxes"),
    ("error", "background", 4.5, "error messages and their links"),
    ("border", "background", 3.0, "borders of inputs, tags and pagination"),
    ("border", "surface", 3.0, "borders inside boxes"),
    ("focus", "background", 3.0, "focus outline on the page"),
    ("focus", "surface", 3.0, "focus outline in boxes"),
    ("focus-ring", "focus", 3.0, "inner focus ring against the outline"),
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("foreground", "background", "minimum", "what"), PAIRS, ids=[p[3] for p in PAIRS])
def test_colour_pairs_meet_their_contrast(scheme, foreground, background, minimum, what):
    colours = schemes()[scheme]
    ratio = contrast_ratio(colours[foreground], colours[background])
    assert ratio >= minimum, (
        f"{scheme}: {what} {colours[foreground]} on {colours[background]} is {ratio:.2f}:1"
    )


def test_header_text_and_focus_on_the_brand_colour():
    colours = schemes()["light"]
    assert contrast_ratio(colours["on-brand"], colours["brand"]) >= 7
    # In the header the focus outline is drawn in --on-brand.
    assert contrast_ratio(colours["on-brand"], colours["brand"]) >= 3


def test_highlighted_matches_keep_text_contrast():
    mark = re.search(r"mark \{ background: (#[0-9a-f]{6}); color: (#[0-9a-f]{6})", CSS)
    assert contrast_ratio(mark.group(2), mark.group(1)) >= 7
