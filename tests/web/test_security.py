"""Security headers on every response, request limits, and builds that fail safely."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import DEMO_CONTENT, make_app
from tests.web.test_pages import SEED_SV
from webapp.build import write_build
from webapp.config import PROJECT_ROOT

URLS = [SEED_SV, "/en/", "/sv/search?q=vatten", "/sv/feed.atom", "/sitemap.xml", "/robots.txt",
        "/static/css/site.css", "/media/wexsus-logo.svg", "/theme.css", "/", "/a/wexsus-partnerskap",
        "/sv/news/finns-inte", "/en/?page=x"]  # fmt: skip


@pytest.mark.parametrize("url", URLS)
def test_every_response_carries_the_security_headers(client, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    if url.endswith(".svg"):  # an image that is a document: nothing runs or loads in it
        assert csp == "default-src 'none'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'"
    else:
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Set-Cookie" not in response.headers, "the site sets no cookies"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_is_sent_when_the_site_is_configured_for_https(demo_builds):
    response = make_app(demo_builds, HSTS=True).test_client().get("/sv/")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_other_methods_and_large_bodies_get_localized_answers(client):
    post = client.post("/sv/", data={"q": "x"})
    assert post.status_code == 405 and "Adressen är inte giltig" in post.get_data(as_text=True)
    big = client.post("/en/search", data="x" * 100_000, content_type="text/plain")
    assert big.status_code in (405, 413)


def test_a_build_killed_halfway_leaves_the_live_site_untouched(tmp_path, demo_content):
    builds = tmp_path / "builds"
    good = write_build(demo_content, builds)
    env = {
        **os.environ,
        "NEWS_BUILDS_DIR": str(builds),
        "NEWS_CONTENT_DIR": str(DEMO_CONTENT),
        "NEWS_CACHE_DIR": str(tmp_path / "cache"),
    }
    # A full build (no reuse) takes long enough to be caught in the middle.
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "webapp", "build", "--full"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not list(builds.glob(".partial-*")) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert list(builds.glob(".partial-*")), "the build never started writing"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert os.readlink(builds / "current") == good.name
    client = make_app(builds).test_client()
    assert client.get(SEED_SV).status_code == 200

    finished = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "webapp", "build"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
    )
    assert finished.returncode == 0, finished.stderr
    assert os.readlink(builds / "current") != good.name
    assert client.get(SEED_SV).status_code == 200
