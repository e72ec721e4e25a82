"""Several machines for real, on this one: three origin hosts, each in its own network
namespace (ip netns, a veth pair each, nothing leaves the machine) running the default
server (gunicorn, as `make serve`) on its own copy of the builds, and nginx in front as
load balancer and cache, configured from deploy/nginx.conf with only its upstream lines,
ports and folders changed. Builds are written once and published to every host with
deploy/publish.py. Then, under steady load:

- a host dies (its link goes down) and comes back, having missed a publish: errors, p50
  and p99 before, during and after, and the time until it serves again;
- a publish: how far apart the hosts switch, and whether any reader saw a newer version
  and then an older one;
- a host serving an old build (it missed a publish) until it catches up;
- a damaged copy of a build: the host refuses to switch and keeps serving;
- a thundering herd on a page not in the cache: how many requests reach the origins;
- slow clients: thousands of connections that never finish their headers, held by nginx
  while a reader reads (bench/slowloris.py).

    sudo .venv/bin/python deploy/cluster_test.py            # the short form (make test)
    sudo .venv/bin/python deploy/cluster_test.py --long     # the long form (make bench)

Needs root (network namespaces), nginx and iproute2. Every loop is bounded in time and
count, and everything it made is removed at the end, also after a failure. Prints a table
(docs/performance.md, "Several machines") and exits 1 if a check failed.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from publish import live_build_id, publish, receive  # noqa: E402

from bench import slowloris  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(PROJECT_ROOT / ".venv" / "bin" / "python")
HOSTS = 3
PORT = 8000
NAMESPACE = "news-host{n}"
LINK = "newsveth{n}"  # at most 15 characters
ADDRESS = "10.231.{n}.{end}"
VERSION_PAGE = "/sv/news/klusterversion"
VERSION = re.compile(rb"<h1>Klusterversion (\d+)</h1>")


def run(*command: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}: {done.stderr.strip() or done.stdout.strip()}")
    return done


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(test, seconds: float, what: str) -> float:
    """Call `test` until it is true, at most `seconds`; return how long it took."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        with suppress(OSError, http.client.HTTPException):
            if test():
                return time.monotonic() - start
        time.sleep(0.05)
    raise TimeoutError(f"{what}: not within {seconds} s")


def get(host: str, port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "identity"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class Sample:
    at: float
    status: int  # 0: no answer (connection failed or timed out)
    seconds: float
    version: int | None
    reader: int


@dataclass
class Load:
    """Readers requesting pages through nginx, each past the cache (a query string of its
    own) so every request reaches an origin: the hardest case for a failure."""

    port: int
    readers: int
    samples: list[Sample] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # the first few, for the report

    def _reader(self, number: int, deadline: float) -> None:
        count, run_id = 0, time.monotonic_ns()  # every address new: never from nginx's cache
        while time.monotonic() < deadline and count < 100_000:
            count += 1
            start = time.monotonic()
            try:
                status, body = get(
                    "127.0.0.1", self.port, f"{VERSION_PAGE}?r={run_id}-{number}-{count}", timeout=15
                )
                found = VERSION.search(body)
                version = int(found.group(1)) if found else None
            except (OSError, http.client.HTTPException):
                status, version, body = 0, None, b""
            if status != 200 and len(self.failures) < 5:
                self.failures.append(f"{status}: {body[:300]!r}" if status else "no answer")
            sample = Sample(start, status, time.monotonic() - start, version, number)
            self.samples.append(sample)

    def start(self, seconds: float) -> list[threading.Thread]:
        deadline = time.monotonic() + seconds
        threads = [
            threading.Thread(target=self._reader, args=(n, deadline), daemon=True)
            for n in range(self.readers)
        ]
        for thread in threads:
            thread.start()
        return threads


def summary(samples: list[Sample]) -> dict:
    times = sorted(sample.seconds * 1000 for sample in samples)
    errors = sum(1 for sample in samples if sample.status != 200)
    kinds = sorted({sample.status for sample in samples if sample.status != 200})
    pick = lambda q: times[min(len(times) - 1, int(len(times) * q))] if times else float("nan")  # noqa: E731
    return {
        "requests": len(samples),
        "errors": errors,
        "kinds": kinds,
        "p50": pick(0.5),
        "p99": pick(0.99),
        "max": times[-1] if times else float("nan"),
        "back": regressions(samples),
    }


class Cluster:
    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        self.publisher = root / "publisher" / "builds"
        self.processes: dict[str, subprocess.Popen] = {}
        self.nginx_port = free_port()
        self.version = 0

    # Machines ---------------------------------------------------------------------------

    def host_builds(self, n: int) -> Path:
        return self.root / f"host{n}" / "builds"

    def address(self, n: int) -> str:
        return ADDRESS.format(n=n, end=2)

    def network_up(self) -> None:
        self.network_down()  # what a run that was killed may have left
        for n in range(1, HOSTS + 1):
            namespace, link = NAMESPACE.format(n=n), LINK.format(n=n)
            run("ip", "netns", "add", namespace)
            run("ip", "link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", namespace)
            run("ip", "addr", "add", f"{ADDRESS.format(n=n, end=1)}/24", "dev", link)
            run("ip", "link", "set", link, "up")
            inside = ("ip", "netns", "exec", namespace)
            run(*inside, "ip", "addr", "add", f"{self.address(n)}/24", "dev", "eth0")
            run(*inside, "ip", "link", "set", "eth0", "up")
            run(*inside, "ip", "link", "set", "lo", "up")

    def network_down(self) -> None:
        for n in range(1, HOSTS + 1):
            run("ip", "link", "del", LINK.format(n=n), check=False)
            run("ip", "netns", "del", NAMESPACE.format(n=n), check=False)

    def start_origin(self, n: int) -> None:
        environment = {
            **os.environ,
            "NEWS_BUILDS_DIR": str(self.host_builds(n)),
            "NEWS_CONTENT_DIR": str(self.content),
            "NEWS_CACHE_DIR": str(self.root / f"host{n}" / "cache"),
            "PYTHONUNBUFFERED": "1",  # each access log line written at once: it is counted
        }
        log = open(self.root / f"host{n}" / "access.log", "a")  # noqa: SIM115 (the server's)
        self.processes[f"host{n}"] = subprocess.Popen(
            [
                "ip",
                "netns",
                "exec",
                NAMESPACE.format(n=n),
                str(PROJECT_ROOT / ".venv" / "bin" / "gunicorn"),
                "--worker-class",
                "gevent",
                "--workers",
                "2",
                "--worker-connections",
                "1000",
                "--keep-alive",
                "5",
                "--bind",
                f"{self.address(n)}:{PORT}",
                "--access-logfile",
                "-",
                "webapp:create_app()",
            ],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until(lambda: get(self.address(n), PORT, "/sv/", timeout=1)[0] == 200, 60, f"host {n} serving")

    def served_by(self, n: int, path: str = "") -> int:
        """How many requests host n has answered (its access log), for `path` if given."""
        with open(self.root / f"host{n}" / "access.log", "rb") as log:
            lines = log.read().splitlines()
        return sum(1 for line in lines if path.encode() in line)

    def link(self, n: int, state: str) -> None:
        """A machine dies or comes back: its own network interface goes down (packets to it
        are lost and nginx's connections time out, as to a dead machine) or up."""
        run("ip", "netns", "exec", NAMESPACE.format(n=n), "ip", "link", "set", "eth0", state)
        if state == "up":
            run(
                "ip",
                "netns",
                "exec",
                NAMESPACE.format(n=n),
                "ip",
                "addr",
                "replace",
                f"{self.address(n)}/24",
                "dev",
                "eth0",
            )

    def start_nginx(self) -> None:
        config = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text()
        upstreams = "\n        ".join(
            f"server {self.address(n)}:{PORT} max_fails=1 fail_timeout=2s;" for n in range(1, HOSTS + 1)
        )
        for old, new in [
            ("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{self.nginx_port};"),
            ("server 127.0.0.1:8000;", upstreams),
            ("alias static/;", f"alias {PROJECT_ROOT / 'static'}/;"),
        ]:
            if old not in config:
                raise RuntimeError(f"deploy/nginx.conf has changed: no '{old}'")
            config = config.replace(old, new)
        prefix = self.root / "nginx"
        (prefix / "var").mkdir(parents=True, exist_ok=True)
        (prefix / "nginx.conf").write_text("user root;\n" + config)
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        self.nginx = [binary, "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf")]
        run(*self.nginx)
        wait_until(lambda: get("127.0.0.1", self.nginx_port, "/sv/")[0] == 200, 30, "nginx serving")

    # Content and builds ---------------------------------------------------------------------

    def build(self) -> Path:
        """A new build of the content with the version page at the next version."""
        self.version += 1
        article = self.content / "articles" / "klusterversion.sv.md"
        article.write_text(
            f"---\ntitle: Klusterversion {self.version}\nslug: klusterversion\n"
            "lead: Vilken version som visas.\npublished: 2020-01-01 09:00\ntopics: [vatten]\n---\n"
            "En sida för testet av flera maskiner.\n"
        )
        environment = {
            **os.environ,
            "NEWS_CONTENT_DIR": str(self.content),
            "NEWS_BUILDS_DIR": str(self.publisher),
            "NEWS_CACHE_DIR": str(self.root / "publisher" / "cache"),
        }
        subprocess.run(
            [str(PROJECT_ROOT / ".venv" / "bin" / "flask"), "--app", "webapp", "build"],
            cwd=PROJECT_ROOT,
            env=environment,
            check=True,
            capture_output=True,
            timeout=300,
        )
        return (self.publisher / "current").resolve()

    def publish(self, build: Path, hosts) -> list:
        return publish(build, [self.host_builds(n) for n in hosts], PYTHON)

    def host_version(self, n: int) -> int | None:
        found = VERSION.search(get(self.address(n), PORT, f"{VERSION_PAGE}?direct={time.monotonic()}")[1])
        return int(found.group(1)) if found else None

    # Setting up and taking down ---------------------------------------------------------------

    def __enter__(self):
        shutil.copytree(PROJECT_ROOT / "content", self.content)
        self.network_up()
        first = self.build()
        self.publish(first, range(1, HOSTS + 1))
        for n in range(1, HOSTS + 1):
            self.start_origin(n)
        self.start_nginx()
        return self

    def __exit__(self, *exc) -> None:
        if hasattr(self, "nginx"):
            run(*self.nginx, "-s", "stop", check=False)
        for process in self.processes.values():
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
        self.network_down()


def phase(load: Load, seconds: float, during=None, after: float = 0.0) -> list[Sample]:
    """Load for `seconds`; `during` runs `after` seconds in. Returns this phase's samples."""
    load.samples = []
    threads = load.start(seconds)
    if during is not None:
        time.sleep(after)
        during()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    return list(load.samples)


def regressions(samples: list[Sample]) -> int:
    """Readers who saw a version and then an older one."""
    seen: dict[int, int] = {}
    count = 0
    for sample in sorted(samples, key=lambda s: s.at):
        if sample.version is None:
            continue
        if sample.version < seen.get(sample.reader, 0):
            count += 1
        seen[sample.reader] = max(seen.get(sample.reader, 0), sample.version)
    return count


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--long", action="store_true", help="the long form: longer phases, more readers")
    options = parser.parse_args()
    if os.geteuid() != 0:
        print(
            "cluster_test: needs root for network namespaces (make test runs as root in CI)", file=sys.stderr
        )
        return 2
    seconds, readers, herd, slow = (20.0, 16, 500, 2000) if options.long else (3.0, 8, 100, 500)
    rows, failures = [], []

    def row(name: str, samples: list[Sample], note: str = "") -> None:
        figures = summary(samples)
        errors = f"{figures['errors']}" + (
            f" (status {figures['kinds']}; 0: no answer)" if figures["errors"] else ""
        )
        rows.append(
            f"| {name} | {HOSTS} | {figures['requests']} | {errors} | {figures['p50']:.1f} | "
            f"{figures['p99']:.1f} | {figures['max']:.0f} | {figures['back']} | {note} |"
        )
        return figures

    with tempfile.TemporaryDirectory(prefix="news-cluster-") as folder, Cluster(Path(folder)) as cluster:
        load = Load(cluster.nginx_port, readers)
        row("steady, three hosts", phase(load, seconds))

        # A host dies under load, a build is published while it is down, and it comes back.
        dying = phase(load, seconds * 2, during=lambda: cluster.link(2, "down"), after=seconds / 2)
        figures = row("host 2 dies (link down) under load", dying, "nginx retries the other two")
        if figures["errors"]:
            failures.append(f"{figures['errors']} errors while a host died: {load.failures}")
        load.failures = []
        second = cluster.build()
        missed = cluster.publish(second, [1, 3])
        if not all(outcome.switched for outcome in missed):
            failures.append(f"publish with host 2 down: {[o.message for o in missed]}")
        before = cluster.served_by(2)
        caught_up = cluster.publish(second, [2])[0]  # it catches up before it takes requests
        rotation: list[float] = []

        def come_back() -> None:
            cluster.link(2, "up")
            rotation.append(wait_until(lambda: cluster.served_by(2) > before, 30, "host 2 back in rotation"))

        returned = phase(load, seconds + 3, during=come_back)
        figures = row(
            "host 2 back, caught up",
            returned,
            f"{caught_up.message.split(':')[0]}; serving again {rotation[0]:.1f} s after its link came up",
        )
        direct = cluster.host_version(2)
        if figures["errors"] or direct != cluster.version:
            failures.append(f"host 2 back: version {direct} (newest {cluster.version}); {load.failures}")

        # A publish under load: how far apart the switches are, and no reader goes back.
        third = cluster.build()
        outcomes = []
        publishing = phase(
            load,
            seconds,
            during=lambda: outcomes.extend(cluster.publish(third, [1, 2, 3])),
            after=seconds / 3,
        )
        times = [outcome.switched_at for outcome in outcomes if outcome.switched_at]
        window = (max(times) - min(times)) * 1000 if len(times) == HOSTS else float("nan")
        row(
            "a publish to all three under load",
            publishing,
            f"the hosts switched {window:.0f} ms apart",
        )
        if len(times) != HOSTS:
            failures.append(f"publish: {[o.message for o in outcomes]}")

        # One host serving an old build until it catches up.
        fourth = cluster.build()
        cluster.publish(fourth, [1, 3])
        lagging = phase(load, seconds)
        old = sum(1 for sample in lagging if sample.version == cluster.version - 1)
        row("host 2 on the old build", lagging, f"{old} of {len(lagging)} answers from the old build")
        cluster.publish(fourth, [2])
        caught = phase(load, seconds)
        old_after = sum(1 for sample in caught if sample.version != cluster.version)
        row("host 2 caught up", caught, f"{old_after} answers from an old build")
        if old_after:
            failures.append("old answers after catching up")

        # A damaged copy is refused and the host keeps serving.
        fifth = cluster.build()
        damaged = Path(folder) / "damaged" / fifth.name
        shutil.copytree(fifth, damaged)
        for table in (damaged / "index").glob("*.toc"):
            table.write_bytes(b"damaged")
        refused = receive(damaged, cluster.host_builds(3), PYTHON)
        serving = phase(load, seconds)
        figures = row("host 3 given a damaged build", serving, refused.message.split(":")[0])
        if refused.switched or live_build_id(cluster.host_builds(3)) == fifth.name or figures["errors"]:
            failures.append(f"damaged build: {refused.message}")

        # A thundering herd on a page nginx does not have yet.
        path = f"/sv/news/klusterversion?herd={time.monotonic_ns()}"
        answers: list[int] = []
        crowd = [
            threading.Thread(
                target=lambda: answers.append(get("127.0.0.1", cluster.nginx_port, path, timeout=20)[0])
            )
            for _ in range(herd)
        ]
        for thread in crowd:
            thread.start()
        for thread in crowd:
            thread.join(timeout=30)
        time.sleep(0.5)  # the origins' last log lines
        reached = sum(cluster.served_by(n, path) for n in range(1, HOSTS + 1))
        rows.append(
            f"| thundering herd: {herd} readers at once, page not cached | {HOSTS} | {herd} | "
            f"{sum(1 for a in answers if a != 200)} | – | – | – | – | "
            f"{reached} request(s) reached the origins |"
        )
        if reached > 1 or len(answers) != herd:
            failures.append(f"herd: {reached} origin requests for {herd} readers")

        # Slow clients in front of the three: nginx holds them, readers go on.
        held = slowloris.run(
            f"http://127.0.0.1:{cluster.nginx_port}/sv/", connections=slow, seconds=max(6.0, seconds)
        )
        reader_errors = sum(held.errors.values()) + sum(n for code, n in held.statuses.items() if code != 200)
        rows.append(
            f"| {slow} slow clients (headers never finished) | {HOSTS} | {len(held.latencies)} | "
            f"{reader_errors} | {held.percentile(0.5) * 1000:.1f} | {held.percentile(0.99) * 1000:.1f} | "
            f"{max(held.latencies, default=0) * 1000:.0f} | – | "
            f"{held.held_after_ramp} held open at the least |"
        )
        if reader_errors or not held.latencies:
            failures.append(
                f"slow clients: the reader saw {reader_errors} errors, {len(held.latencies)} answers"
            )

    print(
        "| phase | hosts | requests | errors | p50 ms | p99 ms | max ms | newer, then older | note |\n"
        "|---|---|---|---|---|---|---|---|---|"
    )
    print("\n".join(rows))
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
