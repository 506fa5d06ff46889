#!/usr/bin/env bash
# Runs govulncheck on every package, with the Go vulnerability database
# built from the Go module proxy (golang.org/x/vulndb carries the OSV
# entries; scripts/vulndb indexes them), so it needs no access to
# vuln.go.dev. Fails when the code reaches a known vulnerability.
# Bump VULNDB to the newest golang.org/x/vulndb pseudo-version to refresh.
set -euo pipefail
cd "$(dirname "$0")/.."
VULNDB="${VULNDB:-v0.0.0-20261105234957-e22db6528018}"
GOVULNCHECK="${GOVULNCHECK:-v1.9.0}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/atalaya/vulndb-$VULNDB"
if [ ! -f "$cache/index/db.json" ]; then
	echo "vulncheck: downloading golang.org/x/vulndb@$VULNDB from the module proxy" >&2
	dir="$(go mod download -json "golang.org/x/vulndb@$VULNDB" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
	[ -d "$dir/data/osv" ] || { echo "vulncheck: no data/osv in $dir" >&2; exit 1; }
	rm -rf "$cache.tmp"
	go run ./scripts/vulndb -osv "$dir/data/osv" -out "$cache.tmp" >&2
	rm -rf "$cache"
	mv "$cache.tmp" "$cache"
fi
echo "vulncheck: govulncheck@$GOVULNCHECK with $(go version | cut -d' ' -f3)" >&2
go run "golang.org/x/vuln/cmd/govulncheck@$GOVULNCHECK" -db "file://$cache" ./...
