#!/usr/bin/env bash
# Make sure a Chromium is available for the browser tests: use one that is installed, or
# install Debian's package. Never skip: without a browser the tests cannot prove anything.
set -euo pipefail

find_browser() {
  for candidate in "${CHROMIUM:-}" chromium chromium-browser google-chrome; do
    if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

if browser=$(find_browser); then
  echo "Browser tests use $browser"
  exit 0
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "No Chromium found; installing Debian's chromium package"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

if browser=$(find_browser); then
  echo "Browser tests use $browser"
  exit 0
fi

echo "No Chromium found and none could be installed." >&2
echo "Install it (Debian: 'sudo apt-get install chromium') or set CHROMIUM=/path/to/chromium." >&2
exit 1
