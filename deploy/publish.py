"""Publish a finished build to the machines that serve the site.

A build is written once (`flask build`, on the machine that has the content) and copied to
every web machine's builds folder; each machine opens the copy and answers a search from
it before its `current` link is switched to it, so a damaged copy is refused there and
that machine keeps serving its last good build. Only when every machine has its copy
ready do they switch, each by an atomic rename (webapp/build.py does the same for a local
build), one right after another: the window in which two machines serve different builds
is the time between those renames (docs/performance.md, "Several machines").

    .venv/bin/python deploy/publish.py var/builds/current /srv/news-1/builds /srv/news-2/builds

Here the machines' folders are local paths (or mounted ones); between real machines the copy
is `rsync -a` to each and this script's `receive` is run there. A machine that missed a
publish (down, unreachable) catches up by being published to again: `publish` copies only
to machines whose live build is not the newest, so running it again is always safe.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CURRENT = "current"  # webapp/live.py
KEEP = 3  # old builds kept on each machine besides the live one
# Opens a build as a web worker would and searches it: exit 0 if it can serve.
CHECK = (
    "import sys; from pathlib import Path; from webapp.live import open_build; "
    "from webapp.search import ArticleQuery; from webapp import languages; "
    "build = open_build(Path(sys.argv[1])); "
    "build.search.list_articles(ArticleQuery(lang=languages.DEFAULT, page_size=1)); print(build.build_id)"
)


@dataclass
class Outcome:
    machine: Path
    switched: bool
    message: str
    switched_at: float | None = None  # time.monotonic() of the switch


def live_build_id(builds: Path) -> str | None:
    try:
        return os.readlink(builds / CURRENT)
    except OSError:
        return None


def prepare(build: Path, builds: Path, python: str = sys.executable) -> Outcome:
    """Copy `build` into the machine's `builds` folder and check that it can serve."""
    build_id = build.resolve().name
    if live_build_id(builds) == build_id:
        return Outcome(builds, False, f"already live: {build_id}")
    builds.mkdir(parents=True, exist_ok=True)
    target = builds / build_id
    if not target.exists():
        incoming = builds / f".incoming-{build_id}-{os.getpid()}"
        shutil.rmtree(incoming, ignore_errors=True)
        shutil.copytree(build, incoming, symlinks=True)
        incoming.rename(target)
    check = subprocess.run(
        [python, "-c", CHECK, str(target)], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    if check.returncode != 0:
        reason = (check.stderr.strip().splitlines() or ["no message"])[-1]
        return Outcome(builds, False, f"refused {build_id}, still serving {live_build_id(builds)}: {reason}")
    return Outcome(builds, False, f"ready: {build_id}")


def switch(builds: Path, build_id: str) -> Outcome:
    """Make a prepared build live on one machine: an atomic rename of its `current` link."""
    link = builds / f".{CURRENT}-{build_id}"
    link.unlink(missing_ok=True)
    link.symlink_to(build_id)
    os.replace(link, builds / CURRENT)  # a request reads the old build or the new one
    switched_at = time.monotonic()
    _prune(builds)
    return Outcome(builds, True, f"switched to {build_id}", switched_at)


def receive(build: Path, builds: Path, python: str = sys.executable) -> Outcome:
    """Prepare `build` on one machine and, if it can serve, switch to it."""
    prepared = prepare(build, builds, python)
    return switch(builds, build.resolve().name) if prepared.message.startswith("ready") else prepared


def publish(build: Path, machines: list[Path], python: str = sys.executable) -> list[Outcome]:
    """Publish `build` to every machine whose live build is another one: first copied to
    and checked on each, then switched on each that can serve it, one right after another
    (the window in which machines differ is the time between their switches)."""
    prepared = [prepare(build, machine, python) for machine in machines]
    return [
        switch(outcome.machine, build.resolve().name) if outcome.message.startswith("ready") else outcome
        for outcome in prepared
    ]


def _prune(builds: Path) -> None:
    live = live_build_id(builds)
    old = sorted(p for p in builds.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != live)
    for path in old[: max(0, len(old) - KEEP)]:
        shutil.rmtree(path, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("build", type=Path, help="a finished build (e.g. var/builds/current)")
    parser.add_argument("machines", type=Path, nargs="+", help="each machine's builds folder")
    options = parser.parse_args()
    outcomes = publish(options.build.resolve(), options.machines)
    for outcome in outcomes:
        print(f"{outcome.machine}: {outcome.message}")
    return 0 if all(o.switched or o.message.startswith("already live") for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
