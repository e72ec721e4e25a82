#!/usr/bin/env bash
# Make sure nginx is available for the tests that put the shipped deploy/nginx.conf in front
# of the app (tests/web/test_hostile_http_*.py): use one that is installed, or install
# Debian's nginx-light package (or nginx where that is gone). The tests start and stop their
# own nginx with their own config and folders; nothing is enabled or started here. Never skip: without nginx the
# shipped config is not proven to hold slow and malformed requests.
set -euo pipefail

find_nginx() {
  for candidate in "${NGINX:-}" nginx /usr/sbin/nginx; do
    if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

if found=$(find_nginx); then
  echo "nginx tests use $found"
  exit 0
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "No nginx found; installing Debian's nginx-light package"
  apt-get update -qq
  # policy-rc.d on build machines may refuse to start the service: that is fine, the
  # tests run their own nginx.
  # nginx-light is gone from newer Debian releases: then the nginx package.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null 2>&1 \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
fi

if found=$(find_nginx); then
  echo "nginx tests use $found"
  exit 0
fi

echo "No nginx found and none could be installed." >&2
echo "Install it (Debian: 'sudo apt-get install nginx-light') or set NGINX=/path/to/nginx." >&2
exit 1
