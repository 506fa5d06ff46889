#!/usr/bin/env bash
# Runs the speed targets of the analysis methods (issue 6), each next to
# its naive baseline in the same run, and prints their times and ratios:
#   Gi* with 999 permutations on 100,000 grid cells   (target < 5 s)
#   KDE of 1,000,000 points on a 1000×1000 grid       (target < 1 s)
#   synthetic control, 40 donors × 30 periods         (target < 1 s)
# The machine may be shared: read the ratios, and the CPU seconds the
# scripts print, rather than one wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
for s in bench-spatial bench-density bench-synth; do
	echo "== scripts/$s.sh"
	"scripts/$s.sh"
	echo
done
