"""The browser harness: the real app on the demo build, served on loopback, driven by
Playwright in Debian's Chromium (never a downloaded browser), with axe-core injected.
A missing browser fails the run with what to install; browser tests are never skipped."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from tests.conftest import make_app
from webapp.config import PROJECT_ROOT

AXE = PROJECT_ROOT / "static" / "vendor" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA, plus axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    pytest.fail("No Chromium found: run 'make test' (installs Debian's chromium) or set CHROMIUM=/path")


@pytest.fixture(scope="session")
def base_url(demo_builds) -> str:
    app = make_app(demo_builds)
    # One thread: the test browser is the only client, and a worker reads its build alone.
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, base_url):
    # axe is injected as an inline script, which the site's CSP rightly refuses; the CSP
    # itself is tested with it enforced (test_content_security_policy.py).
    context = browser.new_context(base_url=base_url, locale="sv-SE", bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def audit_page(browser, base_url):
    """A page with axe-core already loaded into every document it opens."""
    context = browser.new_context(base_url=base_url)
    context.add_init_script(path=str(_axe_path()))
    page = context.new_page()
    yield page
    context.close()


def _axe_path() -> Path:
    if not Path(AXE).exists():
        pytest.fail(f"{AXE} is missing: run 'make install' to copy axe-core from npm")
    return Path(AXE)


def axe_violations(page, tags: list[str] = AXE_TAGS) -> list[str]:
    """Run axe-core on the page (its rules of `tags`); one readable line per violation and element."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(_axe_path()))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        tags,
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at {node['target']}"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]
