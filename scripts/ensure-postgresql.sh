#!/usr/bin/env bash
# Make sure PostgreSQL's server binaries are here for the alerts tests that run against a
# real PostgreSQL (tests/postgres.py starts its own throwaway cluster on a loopback port;
# nothing is enabled or started here). Uses an installed server, or installs Debian's
# postgresql package. Never skip: the alerts database must be proven on PostgreSQL too.
set -euo pipefail

find_postgres() {
  ls /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sort -V | tail -n 1
}

if found=$(find_postgres) && [ -n "$found" ]; then
  echo "PostgreSQL tests use $found"
  exit 0
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "No PostgreSQL server found; installing Debian's postgresql package"
  apt-get update -qq
  # The package may try to start its own cluster; policy-rc.d on build machines can refuse
  # that, which is fine: the tests start their own.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

if found=$(find_postgres) && [ -n "$found" ]; then
  echo "PostgreSQL tests use $found"
  exit 0
fi

echo "No PostgreSQL server found and none could be installed." >&2
echo "Install it (Debian: 'sudo apt-get install postgresql') or set POSTGRES_BIN=/path/to/bin/postgres." >&2
exit 1
