"""A real PostgreSQL server for tests: Debian's binaries (scripts/ensure-postgresql.sh
installs them), a throwaway cluster on a loopback port, one fresh database per test. As
root, the server runs as the `postgres` user (it refuses to run as root)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

from tests.servers import free_port, wait_for_port


def postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), reverse=True)
    if os.environ.get("POSTGRES_BIN"):
        found.insert(0, os.environ["POSTGRES_BIN"])
    for candidate in found:
        if Path(candidate).exists():
            return Path(candidate).parent
    raise RuntimeError(
        "No PostgreSQL server found: run 'make test' (scripts/ensure-postgresql.sh installs "
        "Debian's postgresql) or set POSTGRES_BIN=/path/to/bin/postgres"
    )


class PostgresServer:
    """Started by `start`, stopped by `stop`; `database(name)` makes a fresh database."""

    def __init__(self):
        self.bin = postgres_bin()
        self.root = Path(tempfile.mkdtemp(prefix="news-postgres-"))  # /tmp: the postgres user can reach it
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        self.process: subprocess.Popen | None = None
        self.count = 0

    def _command(self, *args: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *args] if self.as_root else list(args)

    def start(self) -> PostgresServer:
        data = self.root / "data"
        if self.as_root:
            shutil.chown(self.root, "postgres")
        subprocess.run(
            self._command(str(self.bin / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                          "-E", "UTF8", "--no-sync"),
            check=True, capture_output=True,
        )  # fmt: skip
        self.process = subprocess.Popen(
            self._command(
                str(self.bin / "postgres"), "-D", str(data), "-p", str(self.port), "-k", str(self.root),
                "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off", "-c", "max_connections=200",
            ),
            stdout=subprocess.DEVNULL, stderr=open(self.root / "server.log", "wb"),
        )  # fmt: skip
        wait_for_port(self.port, 60)
        return self

    def database(self) -> str:
        """A new, empty database; its SQLAlchemy URL."""
        self.count += 1
        name = f"alerts_{self.count}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(30)
        shutil.rmtree(self.root, ignore_errors=True)
