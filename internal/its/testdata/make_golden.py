#!/usr/bin/python3
"""Golden files for internal/its, written with statsmodels' GLM.

Run from internal/its:  /usr/bin/python3 testdata/make_golden.py
(statsmodels 0.13.5, NumPy 1.24 and pandas 1.5 from Debian). Writes

  testdata/mexico_homicide_monthly.csv  the Mexico series with population (from ../shared)
  testdata/synthetic.csv                a simulated series with a known effect
  testdata/golden_statsmodels.csv       coefficients and standard errors per model
  testdata/golden_statsmodels_series.csv  fitted, counterfactual and its band, per model

The design follows package its: intercept, time t = 1..n, level = post,
slope = (t - t0) * post, then sin/cos pairs of 2*pi*k*x/12 with x the
calendar month of each point (x = month of the first point + index).
"""
import csv
import os
import sys

import numpy as np
import pandas as pd
import scipy
import statsmodels
import statsmodels.api as sm
from scipy.stats import norm

SHARED = "../../../shared/data/mexico_sesnsp"
if not os.path.isdir(SHARED):
    SHARED = "/work/shared/data/mexico_sesnsp"


def mexico():
    v = pd.read_csv(f"{SHARED}/sesnsp_victims_state_month_selected_nonzero.csv", dtype=str)
    v = v[v.subtipo_de_delito == "Homicidio doloso"]
    v["n"] = v.n_victimas.astype(int)
    m = v.groupby(["year", "month"]).n.sum().reset_index()
    p = pd.read_csv(f"{SHARED}/population_state_year_sex.csv", dtype=str)
    p = p[p.cve_ent == "00"][["year", "population_total"]]
    m = m.merge(p, on="year").sort_values(["year", "month"])
    with open("testdata/mexico_homicide_monthly.csv", "w") as f:
        f.write("# Mexico, national victims of intentional homicide (SESNSP Homicidio doloso) by month, 2015-01 .. 2025-06,\n"
                "# summed over states, sex and age from ../shared/data/mexico_sesnsp/sesnsp_victims_state_month_selected_nonzero.csv,\n"
                "# with the national mid-year population (CONAPO, cve_ent 00) of population_state_year_sex.csv for every month of the year.\n"
                "# Source: SESNSP Datos Abiertos de Incidencia Delictiva via github.com/isaacarroyov/datos_facil_acceso @ 5f7295ae; see PROVENANCE.md.\n")
        f.write("year,month,victims,population\n")
        for r in m.itertuples():
            f.write(f"{r.year},{r.month},{r.n},{r.population_total}\n")
    return m.n.to_numpy(float), m.population_total.to_numpy(float), int(m.month.iloc[0])


def synthetic():
    """120 months from January 2010, intervention at index 72 (January
    2016): level rate ratio 0.8, slope change 0.995 a month, trend +0.2% a
    month, seasonal amplitude 0.15, population growing from 2 million."""
    rng = np.random.default_rng(20260601)
    n, t0 = 120, 72
    t = np.arange(1, n + 1)
    post = (t >= t0 + 1).astype(float)
    pop = 2e6 * (1 + 0.001 * t)
    month = 1 + np.arange(n)
    eta = (np.log(5e-5) + 0.002 * t + np.log(0.8) * post + np.log(0.995) * (t - (t0 + 1)) * post
           + 0.15 * np.sin(2 * np.pi * month / 12) + 0.05 * np.cos(2 * np.pi * month / 12) + np.log(pop))
    y = rng.poisson(np.exp(eta))
    with open("testdata/synthetic.csv", "w") as f:
        f.write("# simulated by make_golden.py (numpy default_rng(20260601)): 120 months from 2010-01, intervention at index 72;\n"
                "# true log-rate: log(5e-5) + 0.002 t + log(0.8) post + log(0.995) (t - 73) post + 0.15 sin(2 pi m/12) + 0.05 cos(2 pi m/12)\n")
        f.write("index,y,population\n")
        for i in range(n):
            f.write(f"{i},{y[i]},{pop[i]!r}\n")
    return y.astype(float), pop, 1


def design(n, interruption, first_month, harmonics, level_only):
    t = np.arange(1, n + 1, dtype=float)
    post = (np.arange(n) >= interruption).astype(float)
    cols, names = [np.ones(n), t, post], ["intercept", "time", "level"]
    if not level_only:
        cols.append((t - (interruption + 1)) * post)
        names.append("slope")
    x = first_month + np.arange(n, dtype=float)
    for k in range(1, harmonics + 1):
        cols += [np.sin(2 * np.pi * k * x / 12), np.cos(2 * np.pi * k * x / 12)]
        names += [f"sin{k}", f"cos{k}"]
    return np.column_stack(cols), names


def sicily():
    d = pd.read_csv("testdata/sicily.csv")
    return d.aces.to_numpy(float), d.stdpop.to_numpy(float), 1


# model specs: name, harmonics, level_only, fit kwargs, (cov_type, hac_lags, quasi) as package its names them
SPECS = [
    ("h2_nonrobust", 2, False, dict(), ("nonrobust", 0, False)),
    ("h2_quasi", 2, False, dict(scale="X2"), ("nonrobust", 0, True)),
    ("h2_HC0", 2, False, dict(cov_type="HC0"), ("HC0", 0, False)),
    ("h2_HAC3", 2, False, dict(cov_type="HAC", cov_kwds={"maxlags": 3}), ("HAC", 3, False)),
    ("h2_HAC12", 2, False, dict(cov_type="HAC", cov_kwds={"maxlags": 12}), ("HAC", 12, False)),
    ("h0_nonrobust", 0, False, dict(), ("nonrobust", 0, False)),
    ("h1_quasi_HAC6", 1, False, dict(scale="X2", cov_type="HAC", cov_kwds={"maxlags": 6}), ("HAC", 6, True)),
    ("level_h2_quasi", 2, True, dict(scale="X2"), ("nonrobust", 0, True)),
    ("level_h0_quasi", 0, True, dict(scale="X2"), ("nonrobust", 0, True)),
]

DATASETS = {
    # name: (loader, interruption index)
    "sicily": (sicily, 36),        # smoking ban, January 2005
    "mexico": (mexico, 54),        # July 2019 (illustrative date: the Guardia Nacional deploys)
    "synthetic": (synthetic, 72),
}


def main():
    coef_rows, series_rows = [], []
    z = norm.ppf(0.975)
    for ds, (load, cut) in DATASETS.items():
        y, pop, first = load()
        n = len(y)
        for spec, h, lvl, kw, (cov, lags, quasi) in SPECS:
            X, names = design(n, cut, first, h, lvl)
            model = sm.GLM(y, X, family=sm.families.Poisson(), offset=np.log(pop))
            # converge fully: the default tolerance stops early for 1e-6 agreement
            start = model.fit(tol=1e-13, maxiter=300).params
            res = model.fit(start_params=start, tol=1e-13, maxiter=300, **kw)
            V = np.asarray(res.cov_params())
            mu = res.mu
            disp = res.pearson_chi2 / res.df_resid
            for j, name in enumerate(names):
                coef_rows.append([ds, spec, cut, h, int(lvl), cov, lags, int(quasi), name,
                                  repr(float(res.params[j])), repr(float(res.bse[j])),
                                  repr(float(disp)), repr(float(res.deviance))])
            # counterfactual with the level and slope terms set to zero, delta method band
            Xcf = X.copy()
            Xcf[:, 2] = 0
            if not lvl:
                Xcf[:, 3] = 0
            eta = Xcf @ res.params + np.log(pop)
            se = np.sqrt(np.einsum("ij,jk,ik->i", Xcf, V, Xcf))
            cf = np.exp(eta)
            post = np.arange(n) >= cut
            grad = (cf[post, None] * Xcf[post]).sum(axis=0)
            cum = y[post].sum() - cf[post].sum()
            cum_se = np.sqrt(grad @ V @ grad)
            for i in range(n):
                series_rows.append([ds, spec, i, repr(float(mu[i])), repr(float(cf[i])),
                                    repr(float(np.exp(eta[i] - z * se[i]))), repr(float(np.exp(eta[i] + z * se[i]))),
                                    repr(float(cum)), repr(float(cum_se))])
    head = (f"# generated by internal/its/testdata/make_golden.py with statsmodels {statsmodels.__version__}, "
            f"NumPy {np.__version__}, pandas {pd.__version__}, SciPy {scipy.__version__}, Python {sys.version.split()[0]}\n")
    with open("testdata/golden_statsmodels.csv", "w") as f:
        f.write(head + "# GLM(y, X, Poisson(), offset=log(pop)).fit(**kw): params, bse, pearson_chi2/df_resid, deviance\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["dataset", "spec", "interruption", "harmonics", "level_only", "cov_type", "hac_lags", "quasi",
                    "name", "estimate", "se", "dispersion", "deviance"])
        w.writerows(coef_rows)
    with open("testdata/golden_statsmodels_series.csv", "w") as f:
        f.write(head + "# per point: fitted mu, counterfactual exp(Xcf b + off), 95% band exp(eta -/+ z sqrt(xcf' V xcf)); "
                "cumulative = sum over post of y - cf, its delta-method se\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["dataset", "spec", "i", "fitted", "cf", "cf_low", "cf_high", "cumulative", "cumulative_se"])
        w.writerows(series_rows)


if __name__ == "__main__":
    main()
