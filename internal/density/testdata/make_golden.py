#!/usr/bin/python3
"""Golden kernel density values for internal/density. Run from this folder:

    /usr/bin/python3 make_golden.py

Debian 12: python3-sklearn 1.2.1, python3-scipy 1.10.1, numpy 1.24.2.
Points: chicago_arson.csv (522 arsons, metres). Grid: cells of 1000 m from
(340000, 552000), 28 columns × 44 rows; values at cell centres, in points
per square metre (each reference's density times the number of points, or
times the sum of the weights).

- sk_gauss_600: sklearn KernelDensity(kernel="gaussian", bandwidth=600),
  exact (rtol=0, atol=0): our Gaussian with σ = 600.
- sk_epan_1500: sklearn KernelDensity(kernel="epanechnikov", bandwidth=1500):
  our Epanechnikov with radius 1500 (sklearn's kernel is 1 − d²/h² for d < h,
  normalised in 2-D: the same). sklearn has no quartic kernel; "tophat" has no
  counterpart here.
- scipy_gauss_800_w: scipy.stats.gaussian_kde with the bandwidth matrix fixed
  to 800² I and weights 1 + (i mod 3): our Gaussian, σ = 800, with weights.

golden_bandwidth.csv: the rules of density.Bandwidth computed with numpy,
and scipy's own Scott factor for reference.
"""
import csv

import numpy as np
from scipy import stats
from sklearn.neighbors import KernelDensity

rows = list(csv.reader(open("chicago_arson.csv")))
xy = np.array([[float(r[0]), float(r[1])] for r in rows])
n = len(xy)
X0, Y0, C, COLS, ROWS = 340000.0, 552000.0, 1000.0, 28, 44
cells = [(r, c, X0 + (c + 0.5) * C, Y0 + (r + 0.5) * C) for r in range(ROWS) for c in range(COLS)]
grid = np.array([[x, y] for _, _, x, y in cells])

g = np.exp(KernelDensity(kernel="gaussian", bandwidth=600).fit(xy).score_samples(grid)) * n
e = np.exp(KernelDensity(kernel="epanechnikov", bandwidth=1500).fit(xy).score_samples(grid)) * n


class FixedKDE(stats.gaussian_kde):
    """gaussian_kde with the covariance fixed to h² I."""

    def __init__(self, data, h, weights=None):
        self.h = h
        super().__init__(data, weights=weights)

    def _compute_covariance(self):
        self.factor = 1.0
        self.covariance = np.eye(2) * self.h**2
        self.cho_cov = np.eye(2) * self.h
        self.log_det = 2 * np.log(np.diag(self.cho_cov * np.sqrt(2 * np.pi))).sum()


w = np.array([1.0 + (i % 3) for i in range(n)])
s = FixedKDE(xy.T, 800.0, weights=w)(grid.T) * w.sum()

with open("golden_kde.csv", "w", newline="") as f:
    out = csv.writer(f)
    out.writerow(["row", "col", "x", "y", "sk_gauss_600", "sk_epan_1500", "scipy_gauss_800_w"])
    for k, (r, c, x, y) in enumerate(cells):
        out.writerow([r, c, repr(x), repr(y), repr(g[k]), repr(e[k]), repr(s[k])])

# Bandwidth rules.
sx, sy = xy[:, 0].std(ddof=1), xy[:, 1].std(ddof=1)
scott = np.sqrt((sx**2 + sy**2) / 2) * n ** (-1 / 6)
iqr = lambda v: np.percentile(v, 75) - np.percentile(v, 25)
silverman = (min(sx, iqr(xy[:, 0]) / 1.349) + min(sy, iqr(xy[:, 1]) / 1.349)) / 2 * n ** (-1 / 6)
mc = xy.mean(axis=0)
sd = np.sqrt(((xy - mc) ** 2).sum(axis=1).mean())
dm = np.median(np.hypot(xy[:, 0] - mc[0], xy[:, 1] - mc[1]))
arcgis = 0.9 * min(sd, np.sqrt(1 / np.log(2)) * dm) * n ** -0.2
scipy_factor = stats.gaussian_kde(xy.T).factor
# Weighted: scott with Kish's n_eff, as scipy; arcgis with n = sum of weights.
kw = stats.gaussian_kde(xy.T, weights=w)
cw = np.cov(xy.T, aweights=w)
scott_w = np.sqrt((cw[0, 0] + cw[1, 1]) / 2) * kw.neff ** (-1 / 6)
assert np.isclose(kw.factor, kw.neff ** (-1 / 6))
mw = (xy * w[:, None]).sum(axis=0) / w.sum()
sdw = np.sqrt((w * ((xy - mw) ** 2).sum(axis=1)).sum() / w.sum())
dw = np.hypot(xy[:, 0] - mw[0], xy[:, 1] - mw[1])
o = np.argsort(dw, kind="stable")
cum = np.cumsum(w[o])
k = np.searchsorted(cum, w.sum() / 2)  # first index with cum >= half
dmw = (dw[o][k] + dw[o][k + 1]) / 2 if cum[k] == w.sum() / 2 else dw[o][k]
arcgis_w = 0.9 * min(sdw, np.sqrt(1 / np.log(2)) * dmw) * w.sum() ** -0.2
with open("golden_bandwidth.csv", "w", newline="") as f:
    out = csv.writer(f)
    out.writerow(["rule", "weighted", "bandwidth"])
    for name, wt, v in [("scott", 0, scott), ("silverman", 0, silverman), ("arcgis", 0, arcgis),
                        ("scipy_scott_factor", 0, scipy_factor), ("scott", 1, scott_w), ("arcgis", 1, arcgis_w)]:
        out.writerow([name, wt, repr(float(v))])
