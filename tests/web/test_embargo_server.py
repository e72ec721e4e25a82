"""An embargo lifting in a running server, on the real clock: the server `make run` starts
(every worker), no rebuild, and nothing served early."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.servers import free_port, wait_for_port
from webapp.build import write_build
from webapp.config import PROJECT_ROOT

pytestmark = pytest.mark.slow  # starts real servers: `make test-fast` leaves it out

LEAD = 6  # seconds from the build to the embargo's end


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def test_an_embargo_lifts_at_its_second_in_every_worker_without_a_build(content_tree, tmp_path):
    moment = (datetime.now(UTC) + timedelta(seconds=LEAD)).replace(microsecond=0)
    local = moment.astimezone(ZoneInfo("Europe/Stockholm")).strftime("%Y-%m-%d %H:%M:%S")
    content_tree.article("vanlig", title="Vanlig nyhet")
    content_tree.article("press", title="Pressmeddelande under embargo", published=local)
    builds = tmp_path / "builds"
    write_build(content_tree.load(), builds)
    port = free_port()
    env = {**os.environ, "NEWS_BUILDS_DIR": str(builds), "NEWS_CACHE_DIR": str(tmp_path / "cache")}
    server = subprocess.Popen(
        ["make", "-s", "serve", f"PORT={port}", "WORKERS=2"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_port(port, seconds=10)
        early, late = [], []
        deadline = moment + timedelta(seconds=4)
        while datetime.now(UTC) < deadline:  # bounded: about LEAD + 4 seconds
            asked = datetime.now(UTC)
            article, _ = _get(f"{base}/sv/news/press")
            listed = "Pressmeddelande under embargo" in _get(f"{base}/sv/")[1]
            answered = datetime.now(UTC)
            if answered < moment:
                early.append((article, listed))
            elif asked >= moment + timedelta(seconds=1):
                late.append((article, listed))
            time.sleep(0.05)
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=10)
    assert early and all(result == (404, False) for result in early), early  # never early
    assert len(late) >= 4 and all(result == (200, True) for result in late), late  # then everywhere
