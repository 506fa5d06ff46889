"""Independent reference for the simplex-constrained QP of synthetic control.

For 60 random problems min ||A w - b||^2 s.t. w >= 0, sum(w) = 1 (A is K x J),
solve with scipy.optimize.minimize(method="SLSQP") at a tight tolerance, started
from equal weights and from every vertex's best, keeping the lowest objective,
and write the problems and solutions to qp_reference.json.
Run: /usr/bin/python3 make_qp_reference.py > qp_reference.json (numpy, scipy).
"""
import json
import sys

import numpy as np
import scipy
from scipy.optimize import minimize

rng = np.random.default_rng(20261128)
cases = []
for c in range(60):
    j = int(rng.integers(2, 31))
    k = int(rng.integers(1, 16)) if c % 2 else j + int(rng.integers(1, 4))
    a = rng.normal(size=(k, j))
    b = rng.normal(size=k) * 2
    f = lambda w: float(np.sum((a @ w - b) ** 2))
    g = lambda w: 2 * a.T @ (a @ w - b)
    cons = [{"type": "eq", "fun": lambda w: np.sum(w) - 1, "jac": lambda w: np.ones_like(w)}]
    best = None
    starts = [np.full(j, 1 / j)]
    v = int(np.argmin([f(np.eye(j)[i]) for i in range(j)]))
    starts.append(np.eye(j)[v] * 0.9 + 0.1 / j)
    for s in starts:
        r = minimize(f, s, jac=g, bounds=[(0, 1)] * j, constraints=cons, method="SLSQP",
                     options={"ftol": 1e-15, "maxiter": 2000})
        w = np.clip(r.x, 0, None)
        w /= w.sum()
        if best is None or f(w) < f(best):
            best = w
    cases.append({"A": a.tolist(), "b": b.tolist(), "w": best.tolist(), "objective": f(best),
                  "unique": k > j})
json.dump({"generator": "make_qp_reference.py", "numpy": np.__version__, "scipy": scipy.__version__,
           "python": sys.version.split()[0], "cases": cases}, sys.stdout, separators=(",", ":"))
