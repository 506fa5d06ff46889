#!/usr/bin/python3
"""Golden Knox tables for internal/nearrepeat, by an independent numpy
implementation (all pairs, O(n^2)). Run from this folder:

    /usr/bin/python3 make_golden.py

Debian 12: python3-numpy 1.24, python3-scipy 1.10. Writes golden_observed.csv
(deterministic pair counts per band) and golden_montecarlo.csv (expected
counts and p-values from 9999 permutations with numpy's generator: the Go
test compares them within Monte-Carlo error, not exactly).

Bands: same location is d == 0; the others are [lo, hi) (closed below, open
above), the first after same location being 0 < d < e1; the last is
[e_k, inf). Time differences are whole days between dates.
"""
import csv
import datetime

import numpy as np
from scipy.spatial.distance import pdist

rows = list(csv.reader(open("chicago_arson.csv")))
xy = np.array([[float(r[0]), float(r[1])] for r in rows])
epoch = datetime.date(1970, 1, 1)
days = np.array([(datetime.date.fromisoformat(r[2]) - epoch).days for r in rows], dtype=float)

CONFIGS = [
    # name, metric, space edges, time edges
    ("nrc_arson", "cityblock", [0, 200, 400, 600], [0, 1, 2, 3]),
    ("euclid_100", "euclidean", [0, 100, 200, 400], [0, 7, 14, 21]),
    ("manhattan_250", "cityblock", [0, 250, 500, 1000, 2000], [0, 3, 7, 14, 30, 60]),
]


def table(metric, se, te, t):
    d = pdist(xy, metric=metric)
    dt = pdist(t[:, None], metric="cityblock")
    # space band: 0 for d == 0; i+1 for se[i] <= d < se[i+1] (and d > 0); last for d >= se[-1]
    sb = np.where(d == 0, 0, 1 + np.searchsorted(se, d, side="right") - 1)
    tb = np.searchsorted(te, dt, side="right") - 1
    out = np.zeros((len(se) + 1, len(te)), dtype=np.int64)
    np.add.at(out, (sb, tb), 1)
    return out


with open("golden_observed.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["config", "metric", "space_edges", "time_edges", "space_band", "time_band", "observed"])
    for name, metric, se, te in CONFIGS:
        obs = table(metric, se, te, days)
        for s in range(obs.shape[0]):
            for t in range(obs.shape[1]):
                w.writerow([name, metric, " ".join(map(str, se)), " ".join(map(str, te)), s, t, obs[s, t]])

# Monte Carlo for the first configuration.
name, metric, se, te = CONFIGS[1]
rng = np.random.default_rng(20261128)
perms = 9999
obs = table(metric, se, te, days)
tot = np.zeros(obs.shape)
ge = np.zeros(obs.shape)
d = pdist(xy, metric=metric)
close = d < se[-1]
iu = np.triu_indices(len(days), 1)
ii, jj = iu[0][close], iu[1][close]
dc = d[close]
sbc = np.where(dc == 0, 0, np.searchsorted(se, dc, side="right"))
ttot = np.bincount(np.searchsorted(te, pdist(days[:, None], "cityblock"), side="right") - 1, minlength=len(te))
for _ in range(perms):
    t = rng.permutation(days)
    tb = np.searchsorted(te, np.abs(t[ii] - t[jj]), side="right") - 1
    sim = np.zeros(obs.shape)
    np.add.at(sim, (sbc, tb), 1)
    sim[-1] = ttot - sim[:-1].sum(axis=0)
    tot += sim
    ge += sim >= obs
with open("golden_montecarlo.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["config", "permutations", "space_band", "time_band", "observed", "expected", "p_value"])
    for s in range(obs.shape[0]):
        for t in range(obs.shape[1]):
            w.writerow([name, perms, s, t, obs[s, t], repr(tot[s, t] / perms), repr((ge[s, t] + 1) / (perms + 1))])
