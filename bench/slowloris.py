"""Slow clients against a server on loopback, while a reader measures normal requests.

    .venv/bin/python bench/slowloris.py --url http://127.0.0.1:8000 --connections 50 --seconds 20

Opens N connections that each send a request line and then one header byte every few
seconds, never finishing the headers (the "slowloris" attack). A connection the server
drops is opened again, as an attacker would. Meanwhile one reader fetches ordinary pages
one after another and records how long each takes. Prints the connections held open
(sampled every second), the reader's p50/p99/max and its errors.

Bounded: at most 10,000 connections, at most 600 seconds, loopback addresses only.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import resource
import selectors
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

MAX_CONNECTIONS = 10_000
MAX_SECONDS = 600
READER_PATHS = ("/sv/", "/en/", "/sv/search?q=vatten", "/sv/topics/krisberedskap")
# One header line after another, sent a byte at a time: the headers never end.
TRICKLE = b"X-Slow: a\r\n"


@dataclass
class Result:
    """What one run measured."""

    connections: int
    seconds: float
    held: list[int] = field(default_factory=list)  # open slow connections, sampled each second
    opened: int = 0  # slow connections opened, reopenings included
    dropped: int = 0  # slow connections the server closed (timeouts, limits)
    answered: Counter = field(default_factory=Counter)  # status lines the server sent them
    latencies: list[float] = field(default_factory=list)  # the reader's, in seconds
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    waiting_since: float | None = None  # when the reader's unanswered request was sent

    def percentile(self, fraction: float) -> float:
        """The reader's latency at `fraction` (0.5, 0.99); infinity if no request finished."""
        if not self.latencies:
            return float("inf")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]

    @property
    def held_after_ramp(self) -> int:
        """The fewest slow connections open once all were opened (the first samples ramp up)."""
        settled = self.held[len(self.held) // 4 :] or self.held or [0]
        return min(settled)

    def report(self) -> str:
        return (
            f"{self.connections} slow connections for {self.seconds:.0f} s: held open "
            f"{self.held_after_ramp} at the least after ramp-up (last {self.held[-1] if self.held else 0}), "
            f"opened {self.opened}, dropped by the server {self.dropped}"
            f"{', answered ' + str(dict(self.answered)) if self.answered else ''}\n"
            f"reader: {len(self.latencies)} requests, p50 {self.percentile(0.5) * 1000:.0f} ms, "
            f"p99 {self.percentile(0.99) * 1000:.0f} ms, max {max(self.latencies, default=0) * 1000:.0f} ms, "
            f"statuses {dict(self.statuses)}, errors {dict(self.errors) or 0}"
        )


def _loopback(host: str) -> None:
    for info in socket.getaddrinfo(host, None):
        if not ipaddress.ip_address(info[4][0]).is_loopback:
            raise SystemExit(f"{host} is not a loopback address: slow clients are only sent to loopback")


def _raise_file_limit(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))


class _SlowClients:
    """N slow connections, each trickling header bytes; reopened when the server drops them."""

    def __init__(self, host: str, port: int, path: str, interval: float, result: Result):
        self.host, self.port, self.interval, self.result = host, port, interval, result
        self.start = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: slowloris-bench\r\n".encode()
        self.selector = selectors.DefaultSelector()
        self.sockets: dict[socket.socket, list] = {}  # socket -> [next send time, offset]

    def open_one(self) -> None:
        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET)
        sock.settimeout(2)
        try:
            sock.connect((self.host, self.port))
            sock.sendall(self.start)
        except OSError:
            sock.close()
            self.result.errors["slow client: connect failed"] += 1
            return
        sock.setblocking(False)
        self.result.opened += 1
        self.sockets[sock] = [time.monotonic() + self.interval, 0]
        self.selector.register(sock, selectors.EVENT_READ)

    def drop(self, sock: socket.socket) -> None:
        self.selector.unregister(sock)
        del self.sockets[sock]
        sock.close()
        self.result.dropped += 1

    def tick(self) -> None:
        """Notice closed connections and send each connection that is due its next byte."""
        for key, _events in self.selector.select(timeout=0.05):
            sock = key.fileobj
            try:
                data = sock.recv(4096)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                data = b""
            if data.startswith(b"HTTP/"):
                self.result.answered[data.split(b"\r\n", 1)[0].decode(errors="replace")[:40]] += 1
            self.drop(sock)
        now = time.monotonic()
        for sock, state in list(self.sockets.items()):
            if now >= state[0]:
                try:
                    sock.send(TRICKLE[state[1] : state[1] + 1])
                except OSError:
                    self.drop(sock)
                    continue
                state[0] = now + self.interval
                state[1] = (state[1] + 1) % len(TRICKLE)

    def close(self) -> None:
        for sock in list(self.sockets):
            self.selector.unregister(sock)
            sock.close()
        self.sockets.clear()
        self.selector.close()


def _reader(
    host: str, port: int, paths: tuple[str, ...], stop: threading.Event, pause: float, result: Result
):
    """One reader, one request at a time, a fresh connection each (a new visitor each time).
    A request that fails or takes over 10 s is an error; so is one unanswered at the end."""
    turn = 0
    while not stop.is_set():
        path = paths[turn % len(paths)]
        turn += 1
        connection = http.client.HTTPConnection(host, port, timeout=10)
        result.waiting_since = time.monotonic()
        began = time.perf_counter()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            result.latencies.append(time.perf_counter() - began)
            result.statuses[response.status] += 1
        except (OSError, http.client.HTTPException) as error:
            result.errors[f"reader: {type(error).__name__}"] += 1
        finally:
            result.waiting_since = None
            connection.close()
        stop.wait(pause)


def run(
    url: str,
    connections: int = 50,
    seconds: float = 20,
    interval: float = 3,
    reader_paths: tuple[str, ...] = READER_PATHS,
    reader_pause: float = 0.1,
    ramp_seconds: float = 2,
) -> Result:
    """Hold `connections` slow connections for `seconds` while one reader reads `reader_paths`."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    _loopback(host)
    connections = max(0, min(connections, MAX_CONNECTIONS))
    seconds = max(1.0, min(seconds, MAX_SECONDS))
    _raise_file_limit(connections + 256)
    result = Result(connections=connections, seconds=seconds)
    slow = _SlowClients(host, port, parts.path or "/", interval, result)
    stop = threading.Event()
    reader = threading.Thread(
        target=_reader, args=(host, port, reader_paths, stop, reader_pause, result), daemon=True
    )
    began = time.monotonic()
    deadline = began + seconds
    next_sample = began + 1
    try:
        # Open the slow connections over the ramp, then start the reader once they are in place.
        while len(slow.sockets) < connections and time.monotonic() < began + ramp_seconds:
            due = int(connections * min(1.0, (time.monotonic() - began) / ramp_seconds)) + 1
            while len(slow.sockets) < min(due, connections):
                slow.open_one()
            slow.tick()
        reader.start()
        while time.monotonic() < deadline:
            for _ in range(min(64, connections - len(slow.sockets))):
                if time.monotonic() >= deadline:
                    break
                slow.open_one()  # an attacker reopens what the server drops
            # Counted once the dropped ones are reopened: connections the server drops at
            # its deadline go together, and counting between the drop and the reopening
            # measured this loop, not the server (a sample of 44 of 50 failed a run).
            if time.monotonic() >= next_sample:
                result.held.append(len(slow.sockets))
                next_sample += 1
            slow.tick()
    finally:
        stop.set()
        if result.waiting_since is not None and time.monotonic() - result.waiting_since > 2:
            result.errors["reader: unanswered at the end"] += 1
        slow.close()
        reader.join(timeout=15)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--url", default="http://127.0.0.1:8000/sv/", help="the slow clients' target (loopback)"
    )
    parser.add_argument("--connections", type=int, default=50, help=f"at most {MAX_CONNECTIONS}")
    parser.add_argument("--seconds", type=float, default=20, help=f"at most {MAX_SECONDS}")
    parser.add_argument("--interval", type=float, default=3, help="seconds between a connection's bytes")
    parser.add_argument("--ramp", type=float, default=2, help="seconds over which to open the connections")
    args = parser.parse_args()
    result = run(args.url, args.connections, args.seconds, args.interval, ramp_seconds=args.ramp)
    print(result.report())


if __name__ == "__main__":
    main()
