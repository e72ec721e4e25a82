"""Slow clients (slowloris) against the real servers, while a reader reads pages.

Before: two connections trickling header bytes stopped `make run`'s server (gunicorn sync
workers, one slow client each) for every other reader. Now the default server must shrug
off 50 of them, and nginx with the shipped config 2,000, with readers still answered
quickly. About 15 s each; bench/slowloris.py measures longer and larger runs.
"""

from __future__ import annotations

import pytest

from bench.slowloris import run
from tests.web.test_hostile_http_server import default_server, nginx_in_front

pytestmark = pytest.mark.slow  # starts real servers: `make test-fast` leaves it out


def test_fifty_slow_clients_do_not_stop_the_default_server(demo_builds, tmp_path):
    with default_server(demo_builds, tmp_path / "cache") as port:
        result = run(f"http://127.0.0.1:{port}/sv/", connections=50, seconds=12, interval=2)
    print(result.report())
    assert result.held_after_ramp >= 45, "the slow clients were not holding their connections"
    assert not result.errors, result.report()
    assert len(result.latencies) >= 20 and set(result.statuses) == {200}, result.report()
    assert result.percentile(0.99) < 2.0, result.report()


def test_thousands_of_slow_clients_through_nginx_leave_readers_served(demo_builds, tmp_path):
    with (
        default_server(demo_builds, tmp_path / "cache") as app_port,
        nginx_in_front(app_port, tmp_path / "nginx") as port,
    ):
        result = run(f"http://127.0.0.1:{port}/sv/", connections=2000, seconds=15, interval=2, ramp_seconds=3)
    print(result.report())
    assert result.held_after_ramp >= 1800, "the slow clients were not holding their connections"
    assert result.dropped >= 1000, "nginx did not close slow heads after client_header_timeout"
    assert not result.errors, result.report()
    assert len(result.latencies) >= 20 and set(result.statuses) == {200}, result.report()
    assert result.percentile(0.99) < 2.0, result.report()
