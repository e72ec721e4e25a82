"""`flask build --watch` as a process: it publishes each saved edit and keeps the last good
version of a broken one (the loader's part is in tests/unit/test_watch.py)."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time

import pytest

from webapp.config import PROJECT_ROOT
from webapp.live import LiveBuild

pytestmark = pytest.mark.slow


def _lines(process) -> queue.Queue:
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    return lines


def _wait_for(lines: queue.Queue, text: str, seconds: float = 60) -> str:
    """The first line the watcher says with `text` in it."""
    return _until(lines, text, seconds)[-1]


def _until(lines: queue.Queue, text: str, seconds: float = 60, required: bool = True) -> list[str]:
    """Every line the watcher says up to the first with `text` in it."""
    deadline = time.monotonic() + seconds
    seen = []
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.1)
        except queue.Empty:
            continue
        seen.append(line)
        if text in line:
            return seen
    if required:
        raise AssertionError(f"the watcher never said {text!r}; it said:\n{''.join(seen)}")
    return seen


def test_the_watcher_serves_a_saved_edit_and_keeps_the_last_good_version_of_a_broken(content_tree, tmp_path):
    builds = tmp_path / "builds"
    content_tree.article("a", title="Första")
    environment = {
        **os.environ,
        "NEWS_CONTENT_DIR": str(content_tree.root),
        "NEWS_BUILDS_DIR": str(builds),
        "NEWS_CACHE_DIR": str(tmp_path / "cache"),
    }
    watcher = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "webapp", "build", "--watch"],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = _lines(watcher)
        _wait_for(lines, "Watching")
        live = LiveBuild(builds)
        assert live.get().search.article("sv", "a").title == "Första"

        # What is scheduled and the drafts, after the first build and whenever it changes.
        content_tree.article("utkast", title="Ett utkast", draft="true")
        _wait_for(lines, "Drafts: not public")
        _wait_for(lines, "content/articles/utkast.sv.md  Ett utkast")
        content_tree.article("a", title="Andra")
        said = _until(lines, "it is now live")
        said += _until(lines, "\n", seconds=2, required=False)  # what follows the build's line
        assert live.get().search.article("sv", "a").title == "Andra"
        assert not [line for line in said if "Scheduled" in line or "Drafts" in line], said  # unchanged
        content_tree.article("b", title="Fel", withdrawn="{date: 2025-03-01 10:00, reason: Fel siffror.}")
        _wait_for(lines, "Withdrawn: still online with a notice, not listed: 1")
        _wait_for(lines, "content/articles/b.sv.md  Fel: Fel siffror.")

        content_tree.article("a", title=None)
        _wait_for(lines, "content/articles/a.sv.md")
        _wait_for(lines, "title: is missing; it is required. The last good version stays published")
        assert live.get().search.article("sv", "a").title == "Andra"
    finally:
        watcher.terminate()
        watcher.wait(timeout=30)
