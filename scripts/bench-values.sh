#!/usr/bin/env bash
# bench-values.sh [N] — indicator queries read the cube, never the records.
#
# Builds a node from N synthetic victims (default 10,000,000): `atalaya synth`
# incidents with coordinates in Mexico's 32 states, their years spread over
# 2015–2024, ingested as victims (unit: victim) with CONAPO populations;
# publishes 2015–2024; serves on a free loopback port; then, from a second
# process (wrk, or scripts/benchvalues' load generator when wrk is missing),
# measures p50, p99 and requests/s of
#   (a) homicide-rate, Mexico and its 32 states × 2015–2024 × sex, public view
#   (b) the same with view=live
#   (c) a shuffled mix of thousands of distinct queries (indicators, areas,
#       year ranges, breakdowns), so the result cache does not serve them all
# next to the baseline: the same counts by a plain GROUP BY over the records
# table with the sqlite3 shell (median of RUNS runs), and checks that the
# API's counts equal the GROUP BY's.
#
# Environment: CONC (connections, 8), THREADS (wrk threads, 1), DUR (seconds
# per measure, 10), RUNS (baseline runs, 5), MIX (distinct queries of the mix,
# 30000), KEEP=1 keeps the work folder.
# Figures drift on a shared machine; run it on an otherwise idle one.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000000}
CONC=${CONC:-8}
THREADS=${THREADS:-1}
DUR=${DUR:-10}
RUNS=${RUNS:-5}
work=$(mktemp -d "${TMPDIR:-/tmp}/atalaya-bench-values.XXXXXX")
server=
cleanup() {
	if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
	if [ -n "${KEEP:-}" ]; then echo "bench-values: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

say() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	if [ "$(id -u)" -eq 0 ]; then
		say "installing $2 with apt-get"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >&2 && return 0
	fi
	return 1
}
need sqlite3 sqlite3 || { echo "bench-values: sqlite3 is missing; install Debian's sqlite3" >&2; exit 1; }
loader=wrk
need wrk wrk || { loader=benchvalues; say "wrk is not available; using scripts/benchvalues' load generator"; }

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # utime + stime of a process
hz=$(getconf CLK_TCK)

bin=$work/atalaya
bv=$work/benchvalues
say "building"
go build -o "$bin" ./cmd/atalaya
go build -o "$bv" ./scripts/benchvalues
db=$work/a.db
url="sqlite:$db"

# --- the node ---------------------------------------------------------------
say "init, Mexico's states, CONAPO populations"
"$bin" init --db "$url" >/dev/null
"$bin" areas import --db "$url" --code-property CVE_ENT --name-property NOMGEO --parent MEX --level 1 \
	data/mexico/mexico_states.geojson >/dev/null
"$bin" ingest --db "$url" --profile population data/mexico/population_state_year_sex.csv >/dev/null

# The canonical incidents profile, counting victims instead of offences.
source=bench-victims
profile=$work/bench-victims.yaml
"$bin" profiles canonical-incidents | sed \
	-e 's/^name: canonical-incidents/name: bench-victims/' \
	-e 's/^unit: offence/unit: victim/' \
	-e 's/^  id: canonical$/  id: '"$source"'/' \
	-e 's/^  agency: .*/  agency: Synthetic victims (scripts\/bench-values.sh)/' >"$profile"
grep -q '^unit: victim' "$profile" && grep -q "^  id: $source\$" "$profile" ||
	{ echo "bench-values: could not derive the victims profile from canonical-incidents" >&2; exit 1; }

csv=$work/victims.csv
say "generating $N synthetic victims (2015–2024)"
t0=$(now)
"$bin" synth --rows "$N" | "$bv" years -from 2015 -to 2024 >"$csv"
t1=$(now)
gen_s=$(secs "$t0" "$t1")
size=$(du -h "$csv" | cut -f1)
csv_bytes=$(stat -c %s "$csv")
say "file: $N rows, $size in ${gen_s}s"

# Ingest. Its progress bar draws only on a terminal, so when this script's
# output is not one (nohup), the ingest runs under script(1) and its last
# bar line is repeated here every 15 s.
say "ingesting"
t0=$(now)
cmd=("$bin" ingest --json --db "$url" --profile "$profile" "$csv")
if [ -t 2 ] || ! command -v script >/dev/null 2>&1; then
	"${cmd[@]}" >"$work/ingest.json" &
	ing=$!
else
	script -qec "$(printf '%q ' "${cmd[@]}")>$(printf '%q' "$work/ingest.json")" "$work/ingest.tty" >/dev/null 2>&1 </dev/null &
	ing=$!
	while kill -0 "$ing" 2>/dev/null; do
		sleep 15
		kill -0 "$ing" 2>/dev/null || break
		bar=$(tr '\r' '\n' <"$work/ingest.tty" | sed 's/\x1b\[K//g' | grep -a 'rows/s' | tail -2 | head -1 || true)
		say "${bar:-ingest: $(secs "$t0" "$(now)")s}"
	done
fi
wait "$ing" || true
grep -q '"accepted"' "$work/ingest.json" || { cat "$work/ingest.json" "$work/ingest.tty" >&2 2>/dev/null; echo "bench-values: ingest failed" >&2; exit 1; }
t1=$(now)
ingest_s=$(secs "$t0" "$t1")
jget() { sed -n 's/.*"'"$1"'": *\([0-9]*\).*/\1/p' "$2" | head -1; }
accepted=$(jget accepted "$work/ingest.json")
ingest_peak=$(jget peak_rss_bytes "$work/ingest.json")
say "ingest: ${ingest_s}s, accepted $accepted of $N"
[ "$accepted" = "$N" ] || { echo "bench-values: accepted $accepted of $N rows" >&2; cat "$work/ingest.json" >&2; exit 1; }

say "publishing 2015–2024"
t0=$(now)
"$bin" publish --db "$url" --source "$source" --area MEX --period 2015-2024 --status published \
	--reason "bench-values" --by bench >"$work/publish.txt"
t1=$(now)
publish_s=$(secs "$t0" "$t1")

read -r nrecords ncube nrelcells < <(sqlite3 -separator ' ' "$db" \
	"SELECT (SELECT count(*) FROM records), (SELECT count(*) FROM cube), (SELECT count(*) FROM release_cells)")
db_size=$(du -h "$db" | cut -f1)

# --- the baseline: a plain GROUP BY over the records ------------------------
# Victims of intentional homicide (0101 and the codes below it) in Mexico
# by area, year and sex, 2015–2024; the nation is the sum of the states and
# of the few records placed in Mexico but in none of its states (points
# near a border: the country's and the states' boundaries differ).
baseline_sql="SELECT area, substr(period, 1, 4) AS year, sex, count(*) FROM records
 WHERE (iccs = '0101' OR iccs LIKE '0101%') AND unit = 'victim' AND period >= '2015' AND period < '2025'
   AND (area = 'MEX' OR area LIKE 'MEX-%')
 GROUP BY area, year, sex ORDER BY area, year, sex;"
say "baseline: GROUP BY over $nrecords records, $RUNS runs"
: >"$work/baseline.times"
for _ in $(seq "$RUNS"); do
	t0=$(now)
	sqlite3 -csv "$db" "$baseline_sql" >"$work/baseline.csv"
	t1=$(now)
	echo "$(secs "$t0" "$t1")" >>"$work/baseline.times"
done
base_s=$(median <"$work/baseline.times")

# --- the server -------------------------------------------------------------
"$bin" serve --db "$url" --addr 127.0.0.1:0 >"$work/serve.log" 2>&1 &
server=$!
base=
for _ in $(seq 100); do
	base=$(sed -n 's|.* on \(http://127\.0\.0\.1:[0-9]*\)/.*|\1|p' "$work/serve.log" | head -1)
	[ -n "$base" ] && break
	sleep 0.1
done
[ -n "$base" ] || { cat "$work/serve.log" >&2; echo "bench-values: the server did not start" >&2; exit 1; }
say "serving on $base (pid $server)"

q="/api/v1/indicators/homicide-rate/values?area=MEX&children=1&from=2015&to=2024&by=sex"
first() { curl -sS -o "$work/first.json" -w '%{http_code} %{time_total} %{size_download}\n' "$base$1"; }
read -r code pub_first pub_bytes < <(first "$q")
[ "$code" = 200 ] || { cat "$work/first.json" >&2; exit 1; }
read -r code live_first live_bytes < <(first "$q&view=live")
[ "$code" = 200 ] || { cat "$work/first.json" >&2; exit 1; }

check_pub=$("$bv" compare -url "$base$q" -baseline "$work/baseline.csv" 2>&1) || true
check_live=$("$bv" compare -url "$base$q&view=live" -baseline "$work/baseline.csv" 2>&1) || true

"$bv" mix -n "${MIX:-30000}" >"$work/mix.txt"
cat >"$work/mix.lua" <<'EOF'
-- Each thread goes round the paths from its own starting point.
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
local paths = {}
local i = 0
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  i = (id * 7919) % #paths
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
EOF

# busy → "busy_ticks total_ticks" of the whole machine (/proc/stat)
busy() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t; exit }' /proc/stat; }

# run DURATION PATH|@MIXFILE → "p50_ms p99_ms rps requests errors
# server_cpu_ms_per_request server_cores machine_busy_cores"
run() {
	local d=$1 target=$2 out c0 c1 b0 t0 b1 t1
	c0=$(ticks "$server")
	read -r b0 t0 < <(busy)
	if [ "$loader" = wrk ]; then
		if [ "${target#@}" != "$target" ]; then
			out=$(wrk -t"$THREADS" -c"$CONC" -d"${d}s" --latency -s "$work/mix.lua" "$base" -- "${target#@}")
		else
			out=$(wrk -t"$THREADS" -c"$CONC" -d"${d}s" --latency "$base$target")
		fi
	else
		if [ "${target#@}" != "$target" ]; then
			out=$("$bv" load -c "$CONC" -d "${d}s" -paths "${target#@}" "$base")
		else
			printf '%s\n' "$target" >"$work/one.txt"
			out=$("$bv" load -c "$CONC" -d "${d}s" -paths "$work/one.txt" "$base")
		fi
	fi
	c1=$(ticks "$server")
	read -r b1 t1 < <(busy)
	printf '%s\n' "$out" >>"$work/load.log"
	printf '%s\n' "$out" | awk -v c="$((c1 - c0))" -v hz="$hz" -v b="$((b1 - b0))" -v t="$((t1 - t0))" -v ncpu="$(nproc)" '
		function ms(s) { if (s ~ /us$/) return s / 1000; if (s ~ /ms$/) return s + 0; if (s ~ /m$/) return s * 60000; if (s ~ /s$/) return s * 1000; return s }
		$1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
		/^Requests\/sec:/ { rps = $2 }
		/requests in/ { n = $1 }
		/Non-2xx or 3xx responses:/ { e += $NF }
		/Socket errors:/ { for (i = 3; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) e += $i }
		/requests in/ { el = $4 + 0 }
		END { printf "%.2f %.2f %.0f %d %d %.2f %.2f %.2f\n", p50, p99, rps, n, e, (n ? c * 1000 / hz / n : 0),
			(el ? c / hz / el : 0), (t ? ncpu * b / t : 0) }'
}

say "load: (a) public view"
run 2 "$q" >/dev/null
read -r a50 a99 arps an aerr acpu acores abusy < <(run "$DUR" "$q")
say "load: (b) live view"
run 2 "$q&view=live" >/dev/null
read -r b50 b99 brps bn berr bcpu bcores bbusy < <(run "$DUR" "$q&view=live")
# Each indicator and breakdown of the mix builds one index on first use:
# build them before measuring (the time is reported), as a node would
# after a data change.
"$bv" mix -warm >"$work/warm.txt"
t0=$(now)
while read -r p; do
	curl -sS -o /dev/null -f "$base$p" || { echo "bench-values: $p failed" >&2; exit 1; }
done <"$work/warm.txt"
t1=$(now)
warm_s=$(secs "$t0" "$t1")
warm_n=$(wc -l <"$work/warm.txt")
say "load: (c) mix of $(wc -l <"$work/mix.txt") distinct queries (indexes built in ${warm_s}s)"
# Warm the connections on the index-building queries, so that the measure
# starts afresh on the mix: each of its queries is new to the caches, until
# the list wraps round after the first MIX requests.
run 2 "@$work/warm.txt" >/dev/null
read -r c50 c99 crps cn cerr ccpu ccores cbusy < <(run "$DUR" "@$work/mix.txt")
hwm=$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$server/status")

# --- the report -------------------------------------------------------------
ms_base=$(awk -v s="$base_s" 'BEGIN { printf "%.0f", s * 1000 }')
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f", a / b; else print "inf" }'; }
met() { awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { ok = (op == "<" ? v < t : v >= t); print (ok ? "yes" : "NO") }'; }
ra=$(ratio "$ms_base" "$a50")
rb=$(ratio "$ms_base" "$b50")
rc=$(ratio "$ms_base" "$c50")
cat <<EOF

records: $N synthetic victims ($size CSV, generated in ${gen_s}s), 2015–2024, Mexico's 32 states
ingest: ${ingest_s}s ($(awk -v n="$N" -v s="$ingest_s" 'BEGIN { printf "%d rows/s, %.1f s per million", n / s, s * 1e6 / n }')), peak $(awk -v p="$ingest_peak" 'BEGIN { printf "%.0f", p / 1048576 }') MiB
publish 2015–2024: ${publish_s}s; database $db_size: $nrecords records, $ncube cube cells, $nrelcells release cells
query: GET $q
answer: $pub_bytes bytes (public), $live_bytes bytes (live); first query after start (builds the index): public ${pub_first}s, live ${live_first}s
mix: the other $warm_n indexes of the mix (indicator × breakdown) built in ${warm_s}s, before its measure
load: $loader, $CONC connections, ${DUR}s each, from a second process on loopback; server peak RSS (VmHWM) $hwm MiB
check: $check_pub
check: $check_live

EOF
printf '%-34s %18s %10s %6s\n' measure value target met
row() { printf '%-34s %18s %10s %6s\n' "$@"; }
row "(a) public p50 ms" "$a50" "" ""
row "(a) public p99 ms" "$a99" "< 20" "$(met "$a99" '<' 20)"
row "(a) public requests/s" "$arps" "≥ 2000" "$(met "$arps" '>=' 2000)"
row "(b) live p50 ms" "$b50" "" ""
row "(b) live p99 ms" "$b99" "< 20" "$(met "$b99" '<' 20)"
row "(b) live requests/s" "$brps" "≥ 2000" "$(met "$brps" '>=' 2000)"
row "(c) mix p50 ms" "$c50" "" ""
row "(c) mix p99 ms" "$c99" "< 20" "$(met "$c99" '<' 20)"
row "(c) mix requests/s" "$crps" "≥ 2000" "$(met "$crps" '>=' 2000)"
row "baseline GROUP BY ms (median)" "$ms_base" "" ""
row "baseline / (a) public p50" "${ra}×" "≥ 100×" "$(met "$ra" '>=' 100)"
row "baseline / (b) live p50" "${rb}×" "≥ 100×" "$(met "$rb" '>=' 100)"
row "baseline / (c) mix p50" "${rc}×" "" ""
row "server CPU ms/request (a,b,c)" "$acpu,$bcpu,$ccpu" "" ""
row "server cores used (a,b,c)" "$acores,$bcores,$ccores" "" ""
row "machine cores busy, all (a,b,c)" "$abusy,$bbusy,$cbusy" "of $(nproc)" ""
row "errors (non-2xx, socket) (a,b,c)" "$aerr,$berr,$cerr" "0" "$([ $((aerr + berr + cerr)) -eq 0 ] && echo yes || echo NO)"
row "counts equal the GROUP BY's" "${check_pub%% *}/${check_live%% *}" "OK/OK" "$([ "${check_pub%% *}${check_live%% *}" = OKOK ] && echo yes || echo NO)"
row "server peak RSS MiB" "$hwm" "" ""
