#!/usr/bin/env bash
# bench-density.sh — kernel density and Knox test speed, next to naive baselines.
#
# (1) internal/density: a surface of 1,000,000 points (half in 40 hotspots,
#     half spread evenly) on a 1000 × 1000 grid, quartic (h = 10 and 25
#     cells) and Gaussian (σ = 5 and 10 cells), by linear binning and
#     convolution (best of 3), next to the naive direct sum (every point for
#     every cell) timed on 200 sampled cells and scaled to the 1e6 cells;
#     also the binning error on the sampled cells.
# (2) internal/nearrepeat: the Knox test of 10,000 events with 999
#     permutations (grid index for pairs within the largest band, totals by
#     subtraction), next to the naive count of every pair in every
#     permutation timed on 3 permutations and scaled to 999.
#
# Each line prints wall and CPU seconds (user + system, all threads) of both,
# and the ratio of the wall times. On a shared machine the wall time carries
# other processes' load; CPU seconds / GOMAXPROCS is the time on idle cores.
# Environment: GOMAXPROCS (default: all cores).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
ATALAYA_BENCH=1 go test -count=1 -run '^TestBenchReport$' -v ./internal/density/ | grep -v -e '^=== RUN' -e '^--- ' -e '^PASS' -e '^ok '
echo
ATALAYA_BENCH=1 go test -count=1 -run '^TestBenchReport$' -v ./internal/nearrepeat/ | grep -v -e '^=== RUN' -e '^--- ' -e '^PASS' -e '^ok '
