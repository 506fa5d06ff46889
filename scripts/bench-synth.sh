#!/usr/bin/env bash
# bench-synth.sh — synthetic control, 40 donors × 30 periods (issue 6: < 1 s).
#
# Runs the benchmarks of internal/synth (bench_test.go) on a random
# factor-model panel (1 treated unit, 40 donors, 30 periods, 6 predictors):
#   exact      Fit: Synth's V search (Nelder–Mead and BFGS from two starts)
#              with the exact active-set QP for the donor weights
#   projected  the naive baseline: the same search with the inner QP solved
#              by a generic method (accelerated projected gradient)
#   placebos   Placebos: the treated unit and its 40 placebos (41 fits) on
#              GOMAXPROCS goroutines
# and prints the time per fit, the fit-window MSPE each reached, and the
# baseline/exact ratio. GOMAXPROCS is 2 (CPU, default 2) as on the dev machine.
# Figures drift on a shared machine; run it on an otherwise idle one.
#
# Environment: CPU (2), RUNS (iterations of the fast benchmarks, 5),
# BASE_RUNS (iterations of the baseline, 1).
set -euo pipefail
cd "$(dirname "$0")/.."
CPU=${CPU:-2}
RUNS=${RUNS:-5}
BASE_RUNS=${BASE_RUNS:-1}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
go test -run '^$' -cpu "$CPU" -bench 'BenchmarkFit/exact|BenchmarkPlacebos' -benchtime "${RUNS}x" ./internal/synth/ | tee -a "$out"
go test -run '^$' -cpu "$CPU" -bench 'BenchmarkFit/projected' -benchtime "${BASE_RUNS}x" ./internal/synth/ | tee -a "$out"
awk '
/^BenchmarkFit\/exact/     { ex = $3; exm = $5 }
/^BenchmarkFit\/projected/ { pr = $3; prm = $5 }
/^BenchmarkPlacebos/       { pl = $3 }
END {
	if (ex == "" || pr == "") { print "benchmarks missing" > "/dev/stderr"; exit 1 }
	printf "\n%-34s %12s %14s\n", "40 donors x 30 periods", "seconds", "fit MSPE"
	printf "%-34s %12.3f %14.6g\n", "exact active-set QP (Fit)", ex / 1e9, exm
	printf "%-34s %12.3f %14.6g\n", "baseline: projected-gradient QP", pr / 1e9, prm
	printf "%-34s %12.1f\n", "ratio baseline / exact", pr / ex
	if (pl != "") printf "%-34s %12.3f\n", "placebos (41 fits, Placebos)", pl / 1e9
	printf "target: Fit under 1 s on 2 cores: %s\n", (ex / 1e9 < 1 ? "met" : "NOT met")
}' "$out"
