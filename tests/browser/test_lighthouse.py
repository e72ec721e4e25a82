"""Lighthouse (npm, 12.2.3 for Node 20) with Debian's Chromium: accessibility, best
practices and SEO score 100 on the main page types in Swedish and English, and in Arabic
(right to left), Finnish and Northern Sami. The reports are kept
in test-results/lighthouse/ as artifacts."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.browser.conftest import CHROMIUM_ARGS, chromium_path
from tests.web.test_pages import SEED_EN, SEED_SV
from webapp.config import PROJECT_ROOT

pytestmark = pytest.mark.browser

LIGHTHOUSE = PROJECT_ROOT / "node_modules" / ".bin" / "lighthouse"
REPORTS = PROJECT_ROOT / "test-results" / "lighthouse"
CATEGORIES = ("accessibility", "best-practices", "seo")
URLS = [
    ("article-sv", SEED_SV),
    ("article-en", SEED_EN),
    ("list-sv", "/sv/"),
    ("list-en", "/en/?page=2"),
    ("search-sv", "/sv/search?q=vatten"),
    ("search-en", "/en/search?q=climate"),
    ("filtered-sv", "/sv/?topic=vatten&partner=smhi"),
    ("filtered-en", "/en/topics/krisberedskap?year=2022"),
    ("article-ar", "/ar/news/water-and-shade-for-grazing-animals"),
    ("list-ar", "/ar/?topic=djurskydd"),
    ("search-ar", "/ar/search?q=حيوانات"),
    ("list-fi", "/fi/"),
    ("article-se", "/se/news/ealliin-guohtumis-galga-leat-cahci-ja-suoivvan"),
]


@pytest.mark.parametrize(("name", "url"), URLS, ids=[name for name, _ in URLS])
def test_lighthouse_scores_100(base_url, name, url):
    if not LIGHTHOUSE.exists():
        pytest.fail(f"{LIGHTHOUSE} is missing: run 'make install' (npm installs lighthouse)")
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = REPORTS / name
    subprocess.run(
        [
            str(LIGHTHOUSE),
            base_url + url,
            f"--chrome-path={chromium_path()}",
            "--chrome-flags=--headless=new " + " ".join(CHROMIUM_ARGS),
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            "--output=html",
            f"--output-path={report}",
            "--quiet",
        ],
        check=True,
        timeout=180,
    )
    result = json.loads(report.with_suffix(".report.json").read_text())
    failing = [
        f"{category}: {audit['id']} ({audit['title']})"
        for category in CATEGORIES
        for ref in result["categories"][category]["auditRefs"]
        if ref["weight"] > 0
        for audit in [result["audits"][ref["id"]]]
        if audit["score"] is not None and audit["score"] < 1
    ]
    scores = {category: result["categories"][category]["score"] for category in CATEGORIES}
    assert failing == [] and scores == dict.fromkeys(CATEGORIES, 1), f"{url}: {scores} {failing}"
