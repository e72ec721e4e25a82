"""How long the alerts sender takes to tell 100,000 subscribers about one new article, and
how much memory it needs, on SQLite and on PostgreSQL.

    .venv/bin/python bench/alerts_fanout.py [--subscribers 100000]

The subscribers follow a mix of choices (all Swedish news; a topic; English news; search
words), confirmed an hour ago. One article is published that most of them follow; then the
real command, `flask alerts run --once`, runs in a process of its own and hands every
e-mail to a real SMTP server (aiosmtpd, in another process, counting what it receives).
The table gives the run's seconds, e-mails per second and the sender's peak memory (its
maximum resident set). Figures, not assertions: docs/performance.md keeps them.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import ContentTree  # noqa: E402
from tests.postgres import PostgresServer  # noqa: E402
from tests.servers import free_port, wait_for_port  # noqa: E402
from webapp.alerts.choice import Choice  # noqa: E402
from webapp.alerts.schema import subscriptions  # noqa: E402
from webapp.alerts.store import Store  # noqa: E402
from webapp.build import write_build  # noqa: E402

SECRET = "bench-secret"
COUNTING_SMTP = """
import asyncio, sys
from aiosmtpd.controller import Controller
class Count:
    received = 0
    async def handle_DATA(self, server, session, envelope):
        Count.received += 1
        return "250 OK"
    async def handle_RSET(self, server, session, envelope):
        return "250 OK"
controller = Controller(Count(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
try:
    sys.stdin.read()
finally:
    controller.stop()
    print(Count.received)
"""
CHOICES = [  # (share of subscribers, language, choice)
    (0.5, Choice("sv")),
    (0.2, Choice("sv", topics=("vatten",))),
    (0.1, Choice("sv", topics=("klimat",))),  # not about the new article: no e-mail
    (0.1, Choice("en")),
    (0.1, Choice("sv", text="översvämning")),
]


def local(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("Europe/Stockholm")).strftime("%Y-%m-%d %H:%M")


def subscribers(store: Store, count: int, confirmed: datetime) -> dict[str, int]:
    """Insert `count` confirmed subscriptions in bulk; return how many follow each choice."""
    rows, per_choice, number = [], {}, 0
    for share, choice in CHOICES:
        many = int(count * share)
        per_choice[f"{choice.lang} {choice.to_json()}"] = many
        for _ in range(many):
            number += 1
            rows.append(
                {
                    "public_id": secrets.token_hex(16),
                    "address": f"person{number}@example.se",
                    "lang": choice.lang,
                    "filters": choice.to_json(),
                    "frequency": "immediately",
                    "created_at": confirmed,
                    "confirmed_at": confirmed,
                    "checked_until": confirmed,
                }
            )
    with store.engine.begin() as db:
        for start in range(0, len(rows), 5000):
            db.execute(subscriptions.insert(), rows[start : start + 5000])
    return per_choice


def counting_smtp(port: int) -> subprocess.Popen:
    """An SMTP server in a process of its own; it prints how many messages it got when its
    input closes."""
    command = [sys.executable, "-c", COUNTING_SMTP, str(port)]
    server = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    wait_for_port(port)
    return server


def run_sender(builds: Path, database: str, smtp_port: int) -> tuple[float, float, float, str]:
    environment = {
        **os.environ,
        "NEWS_BUILDS_DIR": str(builds),
        "NEWS_CACHE_DIR": str(builds.parent / "cache"),
        "NEWS_ALERTS_DATABASE_URL": database,
        "NEWS_ALERTS_SECRET": SECRET,
        "NEWS_ALERTS_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
    }
    command = [sys.executable, "-m", "flask", "--app", "webapp", "alerts", "run", "--once"]
    started = time.perf_counter()
    sender = subprocess.Popen(command, env=environment, stderr=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(sender.pid, 0)  # this process's own peak memory and CPU time
    seconds = time.perf_counter() - started
    summary = sender.stderr.read().strip().splitlines()[-1]
    assert status == 0, summary
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, summary


def stop_smtp(server: subprocess.Popen) -> tuple[int, float]:
    """Stop the counting SMTP server: (messages it received, its CPU seconds)."""
    server.stdin.close()
    received = int(server.stdout.read().strip() or 0)
    _pid, _status, usage = os.wait4(server.pid, 0)
    return received, usage.ru_utime + usage.ru_stime


def measure(name: str, database: str, count: int, root: Path) -> dict:
    now = datetime.now(UTC)
    tree = ContentTree(root / "content")
    tree.write("topics/vatten.yaml", "name: {sv: Vatten och hav, en: Water and sea}")
    tree.article("gammal", title="Gammal nyhet", published=local(now - timedelta(days=3)))
    builds = root / "builds"
    write_build(tree.load(), builds)
    store = Store(database, lambda: SECRET)
    store.migrate()
    per_choice = subscribers(store, count, now - timedelta(hours=1))
    store.engine.dispose()
    port = free_port()
    smtp = counting_smtp(port)
    run_sender(builds, database, port)  # the sender was running before: it has seen the old news
    stop_smtp(smtp)
    tree.article(
        "ny", title="Översvämning vid Göta älv", body="Vattnet stiger: risk för översvämning.",
        topics="[vatten]", published=local(now - timedelta(minutes=1)),
    )  # fmt: skip
    tree.article("new", lang="en", title="Flooding by the Göta älv", topics="[vatten]",
                 published=local(now - timedelta(minutes=1)))  # fmt: skip
    write_build(tree.load(), builds)
    smtp = counting_smtp(port)
    seconds, peak_mb, cpu, summary = run_sender(builds, database, port)
    received, smtp_cpu = stop_smtp(smtp)
    return {
        "database": name,
        "subscribers": count,
        "emails": received,
        "seconds": round(seconds, 1),
        "emails_per_second": round(received / seconds),
        "peak_mb": round(peak_mb),
        "sender_cpu_seconds": round(cpu, 1),
        "smtp_server_cpu_seconds": round(smtp_cpu, 1),
        "sender": summary,
        "per_choice": per_choice,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=100_000)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        sqlite = f"sqlite:///{root}/sqlite/alerts.sqlite3"
        results.append(measure("SQLite", sqlite, args.subscribers, root / "sqlite"))
        postgres = PostgresServer().start()
        try:
            results.append(measure("PostgreSQL", postgres.database(), args.subscribers, root / "postgres"))
        finally:
            postgres.stop()
    columns = ["database", "subscribers", "e-mails sent", "seconds", "e-mails/s", "sender's peak memory",
               "CPU s: sender, SMTP server"]  # fmt: skip
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for r in results:
        cells = [r["database"], f"{r['subscribers']:,}", f"{r['emails']:,}", r["seconds"],
                 f"{r['emails_per_second']:,}", f"{r['peak_mb']} MB",
                 f"{r['sender_cpu_seconds']}, {r['smtp_server_cpu_seconds']}"]  # fmt: skip
        print("| " + " | ".join(str(c) for c in cells) + " |")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
