#!/usr/bin/python3
"""Write the Python golden files for internal/spatial. Run from this
folder with Debian's Python, NumPy and SciPy after make_golden.R (it reads
spdep_points.csv, spdep_nb.csv and spdep_local.csv):

    /usr/bin/python3 make_golden.py

Outputs:
  python_golden.csv  case, stat, value: the Clark-Evans index (nearest
                     neighbours from scipy.spatial.cKDTree, an
                     implementation independent of ours) and concentration
                     measures (DescTools' Gini formula with NumPy).
  python_psim.csv    case, stat, i, value: esda-semantics conditional
                     permutation pseudo p-values with 20,000 permutations
                     (value at i held fixed, neighbours get a sample
                     without replacement of the other n-1 values; Gi*
                     keeps the self term fixed; folded p), for comparing
                     our 999-permutation values within Monte-Carlo error.
                     spdep 1.2-7's localG_perm and localmoran_perm sample
                     with replacement and, for Gi*, also redraw the value
                     at i itself, so they are a different null.
Floats are written with repr().
"""
import csv
import platform

import numpy as np
import scipy
from scipy.spatial import cKDTree
from scipy.stats import norm

rows = []
pts = np.loadtxt("spdep_points.csv", delimiter=",", skiprows=1)
xy = pts[:, :2]
area = 100.0 * 50.0
d, _ = cKDTree(xy).query(xy, k=2)
obs = d[:, 1].mean()
n = len(xy)
exp = 0.5 / np.sqrt(n / area)
se = 0.26136 / np.sqrt(n * n / area)
z = (obs - exp) / se
for k, v in [("observed", obs), ("expected", exp), ("ratio", obs / exp), ("se", se), ("z", z), ("p", 2 * norm.sf(abs(z)))]:
    rows.append(("nni_points", k, v))

def gini(x):
    x = np.sort(np.asarray(x, float))
    n = len(x)
    return 2 * np.sum(np.arange(1, n + 1) * x) / (n * x.sum()) - (n + 1) / n

counts = pts[:, 2]
g = gini(counts)
rows.append(("conc_points", "gini", g))
rows.append(("conc_points", "gini_generalised", max(1, len(counts) / counts.sum()) * (g - 1) + 1))
desc = np.sort(counts)[::-1]
cum = np.cumsum(desc) / desc.sum()
rows.append(("conc_points", "places50", (np.argmax(cum >= 0.5) + 1) / len(counts)))
rows.append(("conc_points", "places25", (np.argmax(cum >= 0.25) + 1) / len(counts)))
# share of events in the top 10 % of places (6 of 60, a whole number).
rows.append(("conc_points", "top10", desc[:6].sum() / desc.sum()))

with open("python_golden.csv", "w", newline="") as f:
    f.write("# python %s numpy %s scipy %s\n" % (platform.python_version(), np.__version__, scipy.__version__))
    w = csv.writer(f)
    w.writerow(["case", "stat", "value"])
    for r in rows:
        w.writerow([r[0], r[1], repr(float(r[2]))])


# ---- conditional permutation reference (esda semantics) ----
import collections

PERMS = 20000
rng = np.random.default_rng(20261128)
nb = collections.defaultdict(lambda: collections.defaultdict(list))
with open("spdep_nb.csv") as f:
    for r in csv.DictReader(f):
        nb[r["case"]][int(r["i"])].append(int(r["j"]))
xs = collections.defaultdict(list)
with open("spdep_local.csv") as f:
    for r in csv.DictReader(f):
        if r["stat"] == "x":
            xs[r["case"]].append(float(r["value"]))


def folded(sims, obs):
    tol = 1e-9 * (abs(obs) + 1e-300)
    larger = int(np.sum(sims >= obs - tol))
    larger = min(larger, len(sims) - larger)
    return (larger + 1) / (len(sims) + 1)


out = []
for case in ["nc_rook_W", "nc_queen_B", "pts_knn4_W", "pts_d15_B", "grid_queen_W", "grid_rook_B"]:
    nbname = case.rsplit("_", 1)[0]
    rowstd = case.endswith("_W")
    x = np.array(xs[case])
    n = len(x)
    z = x - x.mean()
    m2 = (z * z).sum() / n
    for i in range(n):
        js = np.array(sorted(nb[nbname][i]), dtype=int)
        k = len(js)
        if k == 0:
            continue
        others = np.delete(np.arange(n), i)
        pick = others[np.argpartition(rng.random((PERMS, n - 1)), k - 1, axis=1)[:, :k]]
        # Local Moran: I_i = z_i/m2 * sum_j w_ij z_j
        w = np.full(k, 1.0 / k if rowstd else 1.0)
        obs = z[i] / m2 * (w * z[js]).sum()
        sims = z[i] / m2 * (z[pick] * w).sum(axis=1)
        if z[i] != 0:
            out.append((case, "lisa_psim", i, folded(sims, obs)))
        # Gi*: self weight 1 (then row-standardised), self term fixed.
        ws = np.full(k, 1.0 / (k + 1) if rowstd else 1.0)
        wself = 1.0 / (k + 1) if rowstd else 1.0
        obs = (wself * x[i] + (ws * x[js]).sum()) / x.sum()
        sims = (wself * x[i] + (x[pick] * ws).sum(axis=1)) / x.sum()
        out.append((case, "gistar_psim", i, folded(sims, obs)))
        # Gi: self excluded.
        obs = (w * x[js]).sum() / (x.sum() - x[i])
        sims = (x[pick] * w).sum(axis=1) / (x.sum() - x[i])
        out.append((case, "gi_psim", i, folded(sims, obs)))

with open("python_psim.csv", "w", newline="") as f:
    f.write("# python %s numpy %s, %d permutations\n" % (platform.python_version(), np.__version__, PERMS))
    w = csv.writer(f)
    w.writerow(["case", "stat", "i", "value"])
    for r in out:
        w.writerow([r[0], r[1], r[2], repr(float(r[3]))])
