#!/bin/sh
# Benchmarks of internal/its and internal/compstat (issue 6): a 20-year
# monthly interrupted-time-series fit, STL on 240 months, the exact test and
# a CompStat comparison. When Debian's python3-statsmodels is installed, the
# same 240-month Poisson GLM is also timed in statsmodels and the ratio
# printed (a reference point, not a target).
set -eu
cd "$(dirname "$0")/.."
out=$(go test ./internal/its/ ./internal/compstat/ -run '^$' -bench . -benchtime 2s)
echo "$out" | grep -E '^Benchmark'
go_ns=$(echo "$out" | awk '/^BenchmarkFit\/240months\/HAC/ {print $3; exit}')
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import statsmodels' 2>/dev/null; then
	sm_ns=$(/usr/bin/python3 - <<'PY'
import time
import numpy as np
import statsmodels.api as sm
n = 240
i = np.arange(n)
pop = 5e6 * (1 + 0.0005 * i)
rate = 2e-5 * np.exp(0.001 * i + 0.1 * np.sin(2 * np.pi * i / 12)) * np.where(i >= 180, 0.85, 1)
y = np.round(rate * pop + 3 * np.sin(i * 1.7))
t = i + 1.0
post = (i >= 180).astype(float)
x = 1 + i
X = np.column_stack([np.ones(n), t, post, (t - 181) * post] +
                    [f(2 * np.pi * k * x / 12) for k in (1, 2) for f in (np.sin, np.cos)])
m = sm.GLM(y, X, family=sm.families.Poisson(), offset=np.log(pop))
reps = 50
t0 = time.perf_counter()
for _ in range(reps):
    m.fit(cov_type="HAC", cov_kwds={"maxlags": 12})
print(int((time.perf_counter() - t0) / reps * 1e9))
PY
)
	echo "ITS 240 months, HAC(12): Go ${go_ns} ns/op, statsmodels ${sm_ns} ns/op, statsmodels/Go = $(awk "BEGIN {printf \"%.1f\", $sm_ns / $go_ns}")"
fi
