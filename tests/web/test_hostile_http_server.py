"""Findings of an outside attack, against the real servers: the default server started the
way `make run` starts it (`make serve`), and nginx with the shipped deploy/nginx.conf in
front of it. Requests are written byte by byte on a socket, so they can be as malformed or
as long as an attacker's.

What every answer must be, whoever sends it (the app, gunicorn refusing a request before
the app sees it, or nginx): the site's security headers, nothing of the request echoed,
and no error a shared cache may keep (the app's 4xx at most briefly, the servers' never).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.servers import free_port, wait_for_port
from webapp.caching import ERRORS
from webapp.config import PROJECT_ROOT
from webapp.security import MAX_URL_BYTES

pytestmark = pytest.mark.slow  # starts real servers: `make test-fast` leaves it out

MARK = b"<script>alert(1)</script>"


def stop_group(process: subprocess.Popen) -> None:
    """Stop a process started in a session of its own, and everything it started."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@contextmanager
def default_server(builds: Path, cache: Path):
    """The server `make run` starts (its command is `make serve`), on a free port, serving
    `builds`. Yields the port."""
    port = free_port()
    env = {**os.environ, "NEWS_BUILDS_DIR": str(builds), "NEWS_CACHE_DIR": str(cache)}
    process = subprocess.Popen(
        ["make", "--no-print-directory", "-s", "serve", f"PORT={port}"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_for_port(port)
        yield port
    finally:
        stop_group(process)


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    assert found, "nginx is missing: run scripts/ensure-nginx.sh (make test does)"
    return found


@contextmanager
def nginx_in_front(app_port: int, prefix: Path):
    """nginx with the shipped deploy/nginx.conf, only its ports and folders changed, in
    front of the app on `app_port`. Yields nginx's port."""
    port = free_port()
    config = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text()
    for old, new in [
        ("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{port};"),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
        ("alias static/;", f"alias {PROJECT_ROOT / 'static'}/;"),
    ]:
        assert old in config, old
        config = config.replace(old, new)
    if os.geteuid() == 0:
        config = "user root;\n" + config  # workers read this test's private folder
    (prefix / "var").mkdir(parents=True, exist_ok=True)
    (prefix / "nginx.conf").write_text(config)
    command = [nginx_binary(), "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf")]
    subprocess.run(command, check=True, capture_output=True, timeout=30)
    try:
        wait_for_port(port)
        yield port
    finally:
        subprocess.run([*command, "-s", "stop"], capture_output=True, timeout=30)


def read_until_closed(sock: socket.socket, seconds: float) -> bytes:
    deadline = time.monotonic() + seconds
    answer = b""
    try:
        while time.monotonic() < deadline:
            sock.settimeout(max(0.1, deadline - time.monotonic()))
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    except (ConnectionResetError, TimeoutError):
        pass
    return answer


def exchange(port: int, request: bytes, seconds: float = 10) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes, read until the server closes (at most `seconds`): (status, headers
    in lower case, body). Status 0: no answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=seconds) as sock:
        try:
            sock.sendall(request)
        except OSError:
            pass  # the server may answer and close before reading everything
        answer = read_until_closed(sock, seconds)
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if not lines[0].startswith("HTTP/"):
        return 0, {}, answer
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, body


def get(target: str, *headers: str) -> bytes:
    lines = [f"GET {target} HTTP/1.1", "Host: 127.0.0.1", *headers, "Connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1")


# Requests a server refuses before any application sees them.
MALFORMED = {
    "request line far over the limit": get("/sv/?q=" + MARK.decode() + "x" * 70_000),
    "junk after the version": b"GET /sv/" + MARK + b" HTTP/1.1 extra\r\nHost: a\r\nConnection: close\r\n\r\n",
    "bad method": b"G" + MARK + b"T /sv/ HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    "bad version": b"GET /sv/ HTTP/9." + MARK + b"\r\nHost: a\r\nConnection: close\r\n\r\n",
    "bad header name": get("/sv/", "Bad" + MARK.decode() + " Name: x"),
    "header too large": get("/sv/", "X-Big: " + MARK.decode() * 800),
    "too many headers": get("/sv/", *(f"X-{i}: 1" for i in range(300))),
    "NUL in the address": b"GET /sv/\x00" + MARK + b" HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    "two Host headers": get("/sv/", "Host: evil.example"),
    "length and chunked (smuggling)": b"POST /sv/ HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n"
    b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n",
    "unknown transfer coding": get("/sv/", "Transfer-Encoding: gzip" + MARK.decode()),
    "expectation": get("/sv/", "Expect: 100-" + MARK.decode()),
}


def assert_safe(status: int, headers: dict[str, str], body: bytes) -> None:
    """An answer anyone may send: security headers, nothing echoed, not kept by a cache."""
    assert status, "no answer at all"
    assert "frame-ancestors 'none'" in headers.get("content-security-policy", ""), headers
    assert headers.get("x-content-type-options") == "nosniff", headers
    assert headers.get("x-frame-options") == "DENY", headers
    assert headers.get("content-type", "").startswith("text/html; charset=utf-8"), headers
    assert MARK not in body and b"alert(1)" not in body
    cache_control = headers.get("cache-control", "")
    if status >= 500 or "public" not in cache_control:
        assert cache_control == "no-store", cache_control
    else:
        assert cache_control == ERRORS, cache_control


@pytest.fixture(scope="module")
def server(demo_builds, tmp_path_factory):
    with default_server(demo_builds, tmp_path_factory.mktemp("cache")) as port:
        yield port


@pytest.fixture(scope="module")
def nginx(server, tmp_path_factory):
    with nginx_in_front(server, tmp_path_factory.mktemp("nginx")) as port:
        yield port


@pytest.fixture(params=["default server", "nginx in front"])
def port(request, server):
    return server if request.param == "default server" else request.getfixturevalue("nginx")


def test_the_default_server_serves_pages_and_keeps_connections_alive(server):
    with socket.create_connection(("127.0.0.1", server), timeout=10) as sock:
        reader = sock.makefile("rb")
        for _ in range(2):  # two requests on one connection
            sock.sendall(b"GET /sv/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            head = b""
            while not head.endswith(b"\r\n\r\n"):
                line = reader.readline(65536)
                assert line, "the server closed the connection"
                head += line
            length = int(re.search(rb"Content-Length: (\d+)", head, re.I).group(1))
            assert head.startswith(b"HTTP/1.1 200") and b"<h1" in reader.read(length)


@pytest.mark.parametrize(
    ("lang", "message"), [("sv", b"Adressen \xc3\xa4r f\xc3\xb6r l\xc3\xa5ng"), ("en", b"too long")]
)
def test_an_address_over_the_apps_limit_gets_its_localized_414(port, lang, message):
    # Over the app's limit, under both servers' request-line limits (8,190 and 8 KiB).
    status, headers, body = exchange(port, get(f"/{lang}/search?q=" + "x" * (MAX_URL_BYTES + 500)))
    assert status == 414 and message in body
    assert b"<main" in body, "the app's page, inside the site layout"
    assert_safe(status, headers, body)


@pytest.mark.parametrize("name", MALFORMED)
def test_requests_a_server_refuses_itself_get_a_safe_answer(port, name):
    status, headers, body = exchange(port, MALFORMED[name])
    if status == 200:
        return  # nginx passed it on (an unknown Expect), and the app answered it
    assert_safe(status, headers, body)


def test_a_request_line_over_the_servers_limit_says_so_in_both_languages(port):
    status, headers, body = exchange(port, get("/sv/?q=" + "x" * 9000))
    assert status == 414 and b"Adressen \xc3\xa4r f\xc3\xb6r l\xc3\xa5ng" in body and b"too long" in body
    assert b'lang="en"' in body
    assert_safe(status, headers, body)


@pytest.mark.parametrize("target", ["/sv", "/en/topics", "/"])
def test_redirects_through_the_real_servers_name_a_path(port, target):
    request = get(target, "X-Forwarded-Host: evil.example").replace(b"127.0.0.1", b"evil.example:8443")
    status, headers, _ = exchange(port, request)
    assert status in (302, 308) and headers["location"].startswith("/"), headers
    assert "evil" not in headers["location"]


@pytest.mark.parametrize("query", ["page=%C2%B2", "page=%E2%91%A0", "year=%C2%B2%C2%B2%C2%B2%C2%B2"])
def test_unicode_digits_through_the_real_servers_are_no_server_error(port, query):
    for path in ("/sv/", "/sv/search?q=vatten&", "/sv/topics/krisberedskap", "/sv/feed.atom"):
        target = path + ("" if path.endswith("&") else "?") + query
        status, headers, body = exchange(port, get(target))
        assert status < 500, (target, status)
        if status >= 400:
            assert_safe(status, headers, body)


def test_nginx_limits_a_flood_of_searches_in_every_site_language(nginx):
    """Search is the page that costs the app work when not cached: nginx answers one address's
    flood with 429 in every language (its limit once named Swedish and English only)."""
    for lang in ("ar", "fi", "sv"):
        statuses = [exchange(nginx, get(f"/{lang}/search?q=flod{number}"))[0] for number in range(60)]
        assert 429 in statuses, (lang, statuses)


def test_nginx_limits_a_flood_of_subscription_requests(nginx):
    """The subscription form is the only page that writes: nginx answers one address's flood
    of POSTs with 429 before the app counts them, and leaves reading alone."""
    body = "address=anna%40example.se&frequency=daily&token=x"
    request = (
        "POST /sv/alerts/new HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n{body}"
    ).encode()
    statuses = [exchange(nginx, request)[0] for _ in range(30)]
    assert 429 in statuses and 200 in statuses, statuses
    assert exchange(nginx, get("/sv/?page=1"))[0] == 200
