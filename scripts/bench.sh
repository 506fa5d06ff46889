#!/usr/bin/env bash
# bench.sh N — ingest N synthetic incidents (canonical format, coordinates in
# Mexico's 32 states) and compare Atalaya's full ingest (read, validate,
# classify, place by point-in-polygon, dedupe, store, update the cube) with
# a plain bulk load of the same file run side by side:
#   SQLite:     sqlite3 .import into an untyped table
#   PostgreSQL: psql \copy into a plain text table (throwaway server from pgtest.sh)
# Prints rows/s, Atalaya's peak memory and the ratios. Absolute times drift
# on a shared machine; the ratios are what to compare. Set BACKENDS=sqlite
# to skip PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
BACKENDS=${BACKENDS:-"sqlite postgres"}
work=$(mktemp -d "${TMPDIR:-/tmp}/atalaya-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

need() {
	command -v "$1" >/dev/null 2>&1 && return
	if [ "$(id -u)" -eq 0 ]; then
		echo "bench: installing $2 with apt-get" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >&2
	else
		echo "bench: $1 is missing; install Debian's $2" >&2
		exit 1
	fi
}
need sqlite3 sqlite3

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%d", n / s }'; }

go build -o "$work/atalaya" ./cmd/atalaya
bin=$work/atalaya
csv=$work/incidents.csv
echo "generating $N synthetic incidents…" >&2
"$bin" synth --rows "$N" --out "$csv"
size=$(du -h "$csv" | cut -f1)

setup() { # $1 = db URL
	"$bin" init --db "$1" >/dev/null
	"$bin" areas import --db "$1" --code-property CVE_ENT --name-property NOMGEO --parent MEX --level 1 \
		data/mexico/mexico_states.geojson >/dev/null
}

atalaya_ingest() { # $1 = db URL; prints "seconds peak_bytes read accepted"
	local t0 t1 out
	t0=$(now)
	out=$("$bin" ingest --json --profile canonical-incidents --db "$1" "$csv" || true)
	t1=$(now)
	local peak read accepted
	peak=$(printf '%s' "$out" | sed -n 's/.*"peak_rss_bytes": *\([0-9]*\).*/\1/p')
	read=$(printf '%s' "$out" | sed -n 's/.*"read": *\([0-9]*\).*/\1/p' | head -1)
	accepted=$(printf '%s' "$out" | sed -n 's/.*"accepted": *\([0-9]*\).*/\1/p' | head -1)
	echo "$(secs "$t0" "$t1") ${peak:-0} ${read:-0} ${accepted:-0}"
}

printf '\nfile: %s rows, %s\n\n' "$N" "$size"
printf '%-10s %12s %12s %12s %12s %8s %10s\n' backend atalaya_s baseline_s atalaya_rows/s peak_MiB ratio target
for b in $BACKENDS; do
	case $b in
	sqlite)
		db="sqlite:$work/a.db"
		setup "$db"
		read -r ta peak rd acc < <(atalaya_ingest "$db")
		t0=$(now)
		sqlite3 "$work/base.db" ".mode csv" ".import $csv incidents"
		t1=$(now)
		tb=$(secs "$t0" "$t1")
		target=3
		;;
	postgres)
		url=$(scripts/pgtest.sh start)
		trap 'scripts/pgtest.sh stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
		psql -q "$url" -c "DROP DATABASE IF EXISTS bench_atalaya" -c "DROP DATABASE IF EXISTS bench_base" \
			-c "CREATE DATABASE bench_atalaya" -c "CREATE DATABASE bench_base" >/dev/null
		db=${url%/*}/bench_atalaya
		base=${url%/*}/bench_base
		setup "$db"
		read -r ta peak rd acc < <(atalaya_ingest "$db")
		psql -q "$base" -c "CREATE TABLE incidents (record_id text, occurred_on text, iccs text, lat text, lon text, victim_sex text, victim_age text, weapon text, context text)"
		t0=$(now)
		psql -q "$base" -c "\\copy incidents FROM '$csv' WITH (FORMAT csv, HEADER true)"
		t1=$(now)
		tb=$(secs "$t0" "$t1")
		target=2
		;;
	*) echo "bench: unknown backend $b" >&2; exit 2 ;;
	esac
	printf '%-10s %12s %12s %12s %12s %8s %10s\n' "$b" "$ta" "$tb" "$(rate "$rd" "$ta")" \
		"$(awk -v p="$peak" 'BEGIN { printf "%.0f", p / 1048576 }')" "$(ratio "$ta" "$tb")" "≤ ${target}×"
	if [ "$rd" != "$N" ] || [ "$acc" != "$N" ]; then
		echo "  warning: read $rd, accepted $acc of $N rows" >&2
	fi
done
