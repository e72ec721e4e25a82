#!/usr/bin/env bash
# Make sure `ip` (iproute2) is available for the test of several machines
# (deploy/cluster_test.py, tests/web/test_cluster.py), which puts each origin host in a
# network namespace of its own. Installs Debian's iproute2 where it is missing; never skip.
set -euo pipefail
if command -v ip >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "No ip command found; installing Debian's iproute2 package"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iproute2 >/dev/null
  exit 0
fi
echo "ip (iproute2) is missing and cannot be installed here: run as root on Debian" >&2
exit 1
