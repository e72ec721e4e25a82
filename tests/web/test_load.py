"""A few seconds of load on the real server (gunicorn) while the content is rebuilt:
zero errors and no response from a partial index. The 60 s run and the soak are in
`make bench`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.load import report, run_load
from tests.conftest import DEMO_CONTENT
from tests.servers import free_port, wait_for_port
from webapp.build import write_build
from webapp.config import PROJECT_ROOT

pytestmark = pytest.mark.slow  # starts real servers: `make test-fast` leaves it out


def test_load_during_rebuilds_gives_no_errors_and_no_partial_index(tmp_path, demo_content, monkeypatch):
    builds = tmp_path / "builds"
    write_build(demo_content, builds)
    env = {
        **os.environ,
        "NEWS_BUILDS_DIR": str(builds),
        "NEWS_CONTENT_DIR": str(DEMO_CONTENT),
        "NEWS_CACHE_DIR": str(tmp_path / "cache"),
    }
    port = free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "--workers", "2", "--bind", f"127.0.0.1:{port}", "webapp:create_app()"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_port(port, seconds=10)
        rebuild = [sys.executable, "-m", "flask", "--app", "webapp", "build", "--full"]
        for name in ("NEWS_BUILDS_DIR", "NEWS_CONTENT_DIR", "NEWS_CACHE_DIR"):  # the rebuilds' settings
            monkeypatch.setenv(name, env[name])
        stats = run_load(
            f"http://127.0.0.1:{port}", seconds=8, concurrency=4, rebuild_every=0.5, rebuild=rebuild
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(report(stats, 8))
    assert stats.rebuilds >= 2 and stats.requests > 100
    assert not stats.errors and stats.partial == 0, report(stats, 8)
