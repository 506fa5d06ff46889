#!/usr/bin/env bash
# Prints the path of a headless-capable Chromium, installing Debian's
# chromium package with apt-get when it is missing and the script runs as
# root. Browser tests (internal/web/browser_test.go) use it through
# ATALAYA_CHROMIUM, which scripts/test sets.
set -euo pipefail
for b in chromium chromium-browser google-chrome; do
	if command -v "$b" >/dev/null 2>&1; then
		command -v "$b"
		exit 0
	fi
done
if [ "$(id -u)" != 0 ]; then
	echo "browser: no chromium found; install it (apt-get install chromium) or set ATALAYA_CHROMIUM" >&2
	exit 1
fi
echo "browser: installing chromium with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
command -v chromium
