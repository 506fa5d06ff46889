#!/usr/bin/env bash
# Prints the path of axe-core's axe.min.js, installing the axe-core npm
# package into a cache folder outside the repository when it is missing.
# Browser tests (internal/web/browser_*_test.go) inject it through
# ATALAYA_AXE, which scripts/test sets. Needs npm (Debian's npm package is
# installed with apt-get when missing and the script runs as root).
set -euo pipefail
version="${AXE_VERSION:-4.10.2}"
dir="${ATALAYA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/atalaya}/axe-core-$version"
js="$dir/node_modules/axe-core/axe.min.js"
if [ -f "$js" ]; then
	echo "$js"
	exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
	if [ "$(id -u)" != 0 ]; then
		echo "axe: npm not found; install it (apt-get install npm) or set ATALAYA_AXE to axe.min.js" >&2
		exit 1
	fi
	echo "axe: installing npm with apt-get" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends npm >&2
fi
echo "axe: installing axe-core@$version into $dir" >&2
mkdir -p "$dir"
npm install --silent --no-audit --no-fund --prefix "$dir" "axe-core@$version" >&2
test -f "$js"
echo "$js"
