#!/usr/bin/python3
"""Independent reference values for internal/values, computed from the shipped Mexican data.

WHAT
    Indicator values (count, denominator, rate per 100,000 and exact 95 % Poisson interval) for
    Mexico's 32 states and the nation, from the SESNSP victim file and the CONAPO population file
    in data/mexico/. The Go values engine (internal/values) is tested against these CSVs; the
    tests read the CSVs and never run Python. Files written next to this script:

      mexico_homicide.csv        homicide-rate, 33 areas x every year x sex T, F, M
      mexico_femicide.csv        femicide-rate, 33 areas x every year (sex T: no breakdown)
      mexico_other_rates.csv     kidnapping-rate, extortion-rate, trafficking-rate, 33 areas x
                                 every year, sex T
      mexico_aggregates.csv      sum-of-numerators / sum-of-denominators aggregates: each area
                                 pooled over 2015-2024, the nation rebuilt as the sum of its 32
                                 states, and a three-state group; with the (different) unweighted
                                 mean of the member rates as an informative column
      mexico_homicide_by_age.csv national homicide victims by SESNSP age band and sex, counts only

HOW (the rules, implemented here from the data files, not from the Go code)
    * Offence: each SESNSP row's national code is "subtipo_de_delito / modalidad"; it is looked up
      in data/mappings/mx-sesnsp-victimas.csv longest prefix first ("Homicidio doloso / Con arma
      de fuego", then "Homicidio doloso"), as the profile internal/ingest/profiles/
      sesnsp-victims.yaml says (offence.columns). The mapping gives the ICCS code and the implied
      sex / context. Result for the subtypes in the file:
        Homicidio doloso (all modalities) -> 0101
        Feminicidio      (all modalities) -> 0101, implies sex F and context femicide
        Secuestro        (all 5 modalities, via the "Secuestro" entry) -> 020221
        Extorsión        ("Extorsión / Extorsión" -> "Extorsión") -> 02051
        Trata de personas ("Trata de personas / Trata de personas" -> ...) -> 0204
      "Homicidio culposo" (01032) is not in the extract and would not count. The profile's unit is
      victim and its source type prosecution, which every indicator used here accepts, so
      mexico_other_rates.csv can be built (the brief's fallback of leaving it out does not apply).
    * Indicator numerators are read from data/indicators.yaml: a row counts when its ICCS code is
      the numerator code or a descendant (prefix), the units match, and the numerator's sex /
      context filters (femicide-rate: sex F, context femicide) match.
    * Sex: genero Hombre -> M, Mujer -> F, No identificado -> U (profile sex.map); the mapping's
      implied sex overrides U and must agree with M/F (asserted: no Feminicidio row is Hombre).
      Sex-specific denominators: sex F = female victims / female population, M = male victims /
      male population, T = all victims (including U) / total population. U is not a rate.
    * rate = count / population * 100000 (the same float operations as internal/stats.Rate).
      95 % interval, Garwood (1936): lo = chi2.ppf(0.025, 2c)/2 (0 when c = 0),
      hi = chi2.ppf(0.975, 2c+2)/2, each then / population * 100000.
    * months = distinct months with any SESNSP row (any of the five offences) for that state and
      year; for the nation (and any group) the months in which any member reports.
      partial = 1 when months < 12 x number of years of the period. The file keeps only rows with
      n_victimas > 0 of a complete grid, so a month is "reported" when it has at least one victim.
      Partial-year rates are NOT annualised: count / mid-year population as for a full year.
    * National values are the sum of the states (SESNSP has no national rows); the national
      denominator is CONAPO's national figure (cve_ent 00), which the script checks against the
      sum of the states (in this file they are equal, difference 0, for every year and sex).
    * Aggregates over several periods or areas: count = sum of counts, denominator = sum of the
      populations (person-years for a period span), rate and interval from those sums. The period
      of a pooled span is "2015/2024".
    * Age: profile age.map "Menores de edad (0-17)" -> 0-17, "Adultos (18 y más)" -> 18+,
      "No especificado" and "No identificado" -> U. CONAPO's file has no age bands, so there is no
      rate by age: mexico_homicide_by_age.csv has counts only.
    * Floats are written with repr(), which round-trips float64 exactly.

VERSIONS
    Made with Debian 12's /usr/bin/python3 (Python 3.11.2), SciPy 1.10.1, pandas 1.5.3,
    NumPy 1.24.2, PyYAML 6.0, mpmath 1.2.1 (cross-check only); each CSV's first comment line
    records the versions that actually produced it.

RERUN (from the repository root)
    apt-get install -y python3-scipy python3-pandas python3-yaml python3-mpmath
    /usr/bin/python3 internal/values/testdata/reference/make_reference.py

The script also prints a cross-check of the Garwood formula (chi2 against gammaincinv, against the
Poisson tail probabilities, and against mpmath at 40 digits); nothing of it is written to files.
"""

import csv
import os
import platform
import sys
from collections import defaultdict

import numpy
import pandas
import scipy
import yaml
from scipy.special import gammaincinv
from scipy.stats import chi2, poisson

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
PER = 100000
LO_P, HI_P = 0.025, 0.975
POOL_FROM, POOL_TO = 2015, 2024
GROUP = ["09", "13", "15"]  # Ciudad de México, Hidalgo, Estado de México (a three-state group)

HEADER = ("# generated by internal/values/testdata/reference/make_reference.py with Python %s, "
          "SciPy %s, pandas %s, NumPy %s" % (platform.python_version(), scipy.__version__,
                                             pandas.__version__, numpy.__version__))


def path(*p):
    return os.path.join(ROOT, *p)


def area_code(cve):
    return "MEX" if cve == "00" else "MEX-" + cve


def fmt(v):
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, (bool, numpy.bool_)):
        return "1" if v else "0"
    if isinstance(v, (int, numpy.integer)):
        return str(int(v))
    return repr(float(v))


def write(name, columns, rows, note):
    with open(os.path.join(HERE, name), "w", newline="", encoding="utf-8") as f:
        f.write(HEADER + "\n")
        for line in note.strip().splitlines():
            f.write("# " + line.strip() + "\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([fmt(r[c]) for c in columns])
    print("wrote %s (%d rows)" % (name, len(rows)))


# ---------------------------------------------------------------- statistics

def garwood(c):
    """Exact Poisson interval for a count c (Garwood 1936), 95 %."""
    lo = 0.0 if c == 0 else float(chi2.ppf(LO_P, 2 * c)) / 2
    hi = float(chi2.ppf(HI_P, 2 * c + 2)) / 2
    return lo, hi


def rate_ci(c, den):
    lo, hi = garwood(c)
    d = float(den)
    return float(c) / d * PER, lo / d * PER, hi / d * PER


# ---------------------------------------------------------------- inputs

def load_profile():
    with open(path("internal", "ingest", "profiles", "sesnsp-victims.yaml"), encoding="utf-8") as f:
        p = yaml.safe_load(f)
    assert p["unit"] == "victim" and p["source"]["type"] == "prosecution", p
    assert p["offence"]["columns"] == ["subtipo_de_delito", "modalidad"], p["offence"]
    assert p["offence"]["code_list"] == "mx-sesnsp-victimas"
    return p


def load_mapping():
    m = {}
    with open(path("data", "mappings", "mx-sesnsp-victimas.csv"), encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            m[r["national_code"].strip().casefold()] = r
    return m


def classify(mapping, subtipo, modalidad):
    """Longest prefix first, as the profile's offence.columns imply."""
    parts = [subtipo, modalidad]
    while len(parts) > 1 and parts[-1] == "":
        parts.pop()
    for n in range(len(parts), 0, -1):
        e = mapping.get(" / ".join(parts[:n]).strip().casefold())
        if e is not None:
            return e
    raise SystemExit("offence %r / %r is not in the mapping" % (subtipo, modalidad))


def load_indicators(ids):
    with open(path("data", "indicators.yaml"), encoding="utf-8") as f:
        cat = {i["id"]: i for i in yaml.safe_load(f)["indicators"]}
    return {i: cat[i] for i in ids}


def load_victims(profile, mapping):
    d = pandas.read_csv(path("data", "mexico", "sesnsp_victims_state_month_selected_nonzero.csv"),
                        dtype=str, keep_default_na=False)
    d["n"] = d["n_victimas"].astype(int)
    assert (d["n"] > 0).all()
    d["year"] = d["year"].astype(int)
    d["month"] = d["month"].astype(int)
    sexmap, agemap = profile["sex"]["map"], profile["age"]["map"]
    iccs, sex, context = [], [], []
    cache = {}
    for sub, mod, gen in zip(d["subtipo_de_delito"], d["modalidad"], d["genero"]):
        key = (sub, mod)
        if key not in cache:
            cache[key] = classify(mapping, sub, mod)
        e = cache[key]
        s = sexmap[gen]
        if e["sex"]:
            assert s in ("U", "T", e["sex"]), ("implied sex conflicts", sub, mod, gen)
            s = e["sex"]
        iccs.append(e["iccs"])
        sex.append(s)
        context.append(e["context"])
    d["iccs"], d["sex"], d["context"] = iccs, sex, context
    d["age"] = d["rango_de_edad"].map(agemap)
    assert d["age"].notna().all(), d.loc[d["age"].isna(), "rango_de_edad"].unique()
    print("classification (subtype / modality -> ICCS, implied sex, context):")
    for (sub, mod), e in sorted(cache.items()):
        print("   %-20s / %-32s -> %-7s %-2s %s" % (sub, mod, e["iccs"], e["sex"], e["context"]))
    return d


def load_population():
    p = pandas.read_csv(path("data", "mexico", "population_state_year_sex.csv"), dtype={"cve_ent": str})
    pop = {}
    for r in p.itertuples():
        pop[(r.cve_ent, r.year, "T")] = int(r.population_total)
        pop[(r.cve_ent, r.year, "F")] = int(r.population_female)
        pop[(r.cve_ent, r.year, "M")] = int(r.population_male)
        assert r.population_female + r.population_male == r.population_total
    return pop


# ---------------------------------------------------------------- numerators

def numerator_mask(d, ind, profile):
    num = ind["numerator"]
    assert num["unit"] == profile["unit"], ind["id"]
    assert profile["source"]["type"] in num["source_types"], ind["id"]
    m = pandas.Series(False, index=d.index)
    for code in num["iccs"]:
        m |= d["iccs"].str.startswith(code)
    if num.get("sex"):
        m &= d["sex"] == num["sex"]
    if num.get("context"):
        m &= d["context"] == num["context"]
    return m


def main():
    print(HEADER[2:])
    profile = load_profile()
    mapping = load_mapping()
    ids = ["homicide-rate", "femicide-rate", "kidnapping-rate", "extortion-rate", "trafficking-rate"]
    inds = load_indicators(ids)
    d = load_victims(profile, mapping)
    pop = load_population()

    states = sorted(pandas.read_csv(path("data", "mexico", "states_cve_ent.csv"), dtype=str)["cve_ent"])
    assert states == ["%02d" % i for i in range(1, 33)], states
    assert set(d["cve_ent"]) == set(states)
    years = sorted(d["year"].unique().tolist())
    assert all((s, y, "T") in pop for s in states + ["00"] for y in years)
    areas = ["00"] + states

    # Months reported: per state-year, and (year, month) pairs for spans.
    ym = defaultdict(set)  # cve -> {(year, month)}
    for cve, y, mo in zip(d["cve_ent"], d["year"], d["month"]):
        ym[cve].add((y, mo))
        ym["00"].add((y, mo))

    def months(members, y0, y1):
        u = set()
        for cve in members:
            u |= {p for p in ym[cve] if y0 <= p[0] <= y1}
        return len(u)

    def area_months(members, y0, y1):
        return sum(months([c], y0, y1) for c in members)

    print("\nyears:", years)
    for y in years:
        full = [c for c in states if months([c], y, y) == 12]
        missing = {area_code(c): months([c], y, y) for c in states if months([c], y, y) < 12}
        print("   %d: national months %d, states with 12 months %d, short: %s"
              % (y, months(states, y, y), len(full), missing or "none"))

    # Counts by (indicator, cve, year, sex).
    counts = {}
    for iid, ind in inds.items():
        sub = d[numerator_mask(d, ind, profile)]
        g = sub.groupby(["cve_ent", "year", "sex"])["n"].sum()
        for (cve, y, s), n in g.items():
            counts[(iid, cve, y, s)] = int(n)

    def count(iid, cve, y, sex):
        if cve == "00":
            return sum(count(iid, c, y, sex) for c in states)
        if sex == "T":
            return sum(counts.get((iid, cve, y, s), 0) for s in ("F", "M", "U"))
        return counts.get((iid, cve, y, sex), 0)

    # Checks against data/mexico/PROVENANCE.md (Homicidio doloso alone) and internal consistency.
    hd = d[d["subtipo_de_delito"] == "Homicidio doloso"].groupby("year")["n"].sum()
    for y, n in {2015: 17884, 2018: 33742, 2024: 30046, 2025: 12752}.items():
        assert hd[y] == n, (y, hd[y], n)
    fem = d[d["subtipo_de_delito"] == "Feminicidio"]
    assert (fem["genero"] == "Mujer").all()
    for y in years:
        assert count("homicide-rate", "00", y, "T") == hd[y] + fem.loc[fem["year"] == y, "n"].sum()
        assert count("femicide-rate", "00", y, "T") == fem.loc[fem["year"] == y, "n"].sum()
        for c in areas:
            assert count("femicide-rate", c, y, "T") <= count("homicide-rate", c, y, "F")
    assert sum(count(i, "00", y, "T") for i in ids if i != "femicide-rate" for y in years) == d["n"].sum()

    # National population = sum of the states?
    print("\nCONAPO national population minus the sum of the 32 states:")
    worst = 0
    for y in years:
        diffs = {s: pop[("00", y, s)] - sum(pop[(c, y, s)] for c in states) for s in ("T", "F", "M")}
        worst = max(worst, max(abs(v) for v in diffs.values()))
        print("   %d: %s" % (y, " ".join("%s %+d" % kv for kv in diffs.items())))
    assert worst <= 0.001 * min(pop[("00", y, "M")] for y in years), worst

    def value(iid, cve, y, sex, denom_sex):
        c = count(iid, cve, y, sex)
        den = pop[(cve, y, denom_sex)]
        r, lo, hi = rate_ci(c, den)
        mo = months(states if cve == "00" else [cve], y, y)
        return dict(indicator=iid, area=area_code(cve), period=str(y), sex=sex, count=c,
                    denominator=den, rate=r, ci_low=lo, ci_high=hi, months=mo, partial=mo < 12)

    cols = ["indicator", "area", "period", "sex", "count", "denominator", "rate", "ci_low",
            "ci_high", "months", "partial"]

    # 1. homicide-rate by sex.
    assert inds["homicide-rate"]["denominator"]["population"]["sex"] == "T"
    rows = [value("homicide-rate", c, y, s, s) for c in areas for y in years for s in ("T", "F", "M")]
    write("mexico_homicide.csv", cols, rows, """
homicide-rate (ICCS 0101 victims: SESNSP Homicidio doloso + Feminicidio, all modalities), per 100,000.
sex T = all victims incl. unknown sex / total population; F = female victims / female population; M = male / male.
rate = count/denominator*1e5; ci = Garwood 95 % (chi2.ppf(0.025,2c)/2, chi2.ppf(0.975,2c+2)/2)/denominator*1e5.
months = distinct months with any SESNSP row for the area and year; partial = 1 when months < 12 (not annualised).
""")
    homicide_rows = rows

    # 2. femicide-rate.
    fden = inds["femicide-rate"]["denominator"]["population"]["sex"]
    assert fden == "F"
    rows = [value("femicide-rate", c, y, "T", fden) for c in areas for y in years]
    write("mexico_femicide.csv", cols, rows, """
femicide-rate (ICCS 0101 with sex F and context femicide = SESNSP Feminicidio, all modalities) per 100,000 women.
sex T means no breakdown: the numerator is female by definition and the denominator is the female population.
rate, ci, months and partial as in mexico_homicide.csv.
""")

    # 3. kidnapping, extortion, trafficking.
    other = ["kidnapping-rate", "extortion-rate", "trafficking-rate"]
    for iid in other:
        assert inds[iid]["denominator"]["population"]["sex"] == "T"
    rows = [value(iid, c, y, "T", "T") for iid in other for c in areas for y in years]
    write("mexico_other_rates.csv", cols, rows, """
kidnapping-rate (020221 = SESNSP Secuestro, all 5 modalities), extortion-rate (02051 = Extorsión),
trafficking-rate (0204 = Trata de personas): victims of any sex per 100,000 inhabitants, sex T.
rate, ci, months and partial as in mexico_homicide.csv.
""")

    # 4. aggregates.
    specs = [("homicide-rate", "T", "T"), ("homicide-rate", "F", "F"), ("homicide-rate", "M", "M"),
             ("femicide-rate", "T", "F"), ("kidnapping-rate", "T", "T"),
             ("extortion-rate", "T", "T"), ("trafficking-rate", "T", "T")]
    periods = [(y, y) for y in years] + [(POOL_FROM, POOL_TO)]

    def agg(kind, iid, sex, dsex, members, y0, y1, label):
        c = sum(count(iid, m, y, sex) for m in members for y in range(y0, y1 + 1))
        den = sum(pop[(m, y, dsex)] for m in members for y in range(y0, y1 + 1))
        r, lo, hi = rate_ci(c, den)
        nyears = y1 - y0 + 1
        mo = months(members, y0, y1)
        if kind == "pooled_years":
            parts = [rate_ci(count(iid, members[0], y, sex), pop[(members[0], y, dsex)])[0]
                     for y in range(y0, y1 + 1)]
        else:
            parts = [rate_ci(sum(count(iid, m, y, sex) for y in range(y0, y1 + 1)),
                             sum(pop[(m, y, dsex)] for y in range(y0, y1 + 1)))[0] for m in members]
        row = dict(kind=kind, indicator=iid, area=label, members=";".join(area_code(m) for m in members),
                   period=str(y0) if y0 == y1 else "%d/%d" % (y0, y1), sex=sex, count=c, denominator=den,
                   rate=r, ci_low=lo, ci_high=hi, months=mo, partial=mo < 12 * nyears,
                   area_months=area_months(members, y0, y1), n_areas=len(members), n_years=nyears,
                   mean_of_rates=float(numpy.mean(parts)), national_population=None,
                   population_difference=None)
        if kind == "sum_of_states":
            nat = sum(pop[("00", y, dsex)] for y in range(y0, y1 + 1))
            row["national_population"] = nat
            row["population_difference"] = nat - den
        return row

    arows = []
    for iid, sex, dsex in specs:
        for c in areas:
            arows.append(agg("pooled_years", iid, sex, dsex, [c], POOL_FROM, POOL_TO, area_code(c)))
    for iid, sex, dsex in specs:
        for y0, y1 in periods:
            r = agg("sum_of_states", iid, sex, dsex, states, y0, y1, "MEX")
            # The nation rebuilt from its states must equal the national value.
            if y0 == y1:
                nat = value(iid, "00", y0, sex, dsex)
                assert r["count"] == nat["count"]
                print_diff = r["denominator"] - nat["denominator"]
                assert print_diff == 0 or abs(r["rate"] / nat["rate"] - 1) < 1e-3
            arows.append(r)
    for iid, sex, dsex in specs:
        for y0, y1 in periods:
            arows.append(agg("area_group", iid, sex, dsex, GROUP, y0, y1,
                             "+".join(area_code(m) for m in GROUP)))
    # The pooled national row equals the pooled sum-of-states row (same count, same population here).
    for iid, sex, dsex in specs:
        a = [r for r in arows if r["indicator"] == iid and r["sex"] == sex and r["area"] == "MEX"
             and r["period"] == "%d/%d" % (POOL_FROM, POOL_TO)]
        assert len(a) == 2 and a[0]["count"] == a[1]["count"]
        assert abs(a[0]["denominator"] - a[1]["denominator"]) <= 0.001 * a[0]["denominator"]
    acols = ["kind", "indicator", "area", "members", "period", "sex", "count", "denominator", "rate",
             "ci_low", "ci_high", "months", "partial", "area_months", "n_areas", "n_years",
             "mean_of_rates", "national_population", "population_difference"]
    write("mexico_aggregates.csv", acols, arows, """
Aggregates are sums of numerators over sums of denominators; rate and Garwood 95 %% interval come from those sums.
kind pooled_years: one area over %d/%d, count = sum of yearly counts, denominator = sum of yearly populations (person-years).
kind sum_of_states: area MEX rebuilt from its 32 states, per year and pooled; national_population = CONAPO's national
  figure (cve_ent 00) for comparison, population_difference = national_population - denominator.
kind area_group: the states in members (%s) as one area, per year and pooled.
months = distinct (year, month) in which any member reports; partial = 1 when months < 12 * n_years;
area_months = sum over members of their own months (32 * 12 = 384 for a complete national year).
mean_of_rates (informative, NOT the aggregate): unweighted mean of the yearly rates (pooled_years) or of the
  members' rates over the same period (sum_of_states, area_group); it differs from rate, which weights by population.
""" % (POOL_FROM, POOL_TO, ";".join(area_code(m) for m in GROUP)))

    # 5. national homicide victims by age band.
    hm = d[numerator_mask(d, inds["homicide-rate"], profile)]
    bands = ["0-17", "18+", "U"]
    assert set(hm["age"]) <= set(bands), set(hm["age"])
    g = hm.groupby(["year", "sex", "age"])["n"].sum()
    brows = []
    for y in years:
        mo = months(states, y, y)
        for s in ("T", "F", "M", "U"):
            for a in ["T"] + bands:
                ss = ("F", "M", "U") if s == "T" else (s,)
                aa = bands if a == "T" else [a]
                n = int(sum(g.get((y, x, b), 0) for x in ss for b in aa))
                brows.append(dict(indicator="homicide-rate", area="MEX", period=str(y), sex=s, age=a,
                                  count=n, months=mo, partial=mo < 12))
        tot = [r for r in brows if r["period"] == str(y) and r["sex"] == "T" and r["age"] == "T"][0]
        assert tot["count"] == count("homicide-rate", "00", y, "T")
    write("mexico_homicide_by_age.csv",
          ["indicator", "area", "period", "sex", "age", "count", "months", "partial"], brows, """
National homicide (0101) victims by SESNSP age band: Menores de edad (0-17) -> 0-17, Adultos (18 y más) -> 18+,
No especificado / No identificado -> U (profile age.map); sex and age T are totals. Counts only: CONAPO's
population file has no age bands, so no rate by age is available. Victims of unknown sex (U) have unknown age.
""")

    # 6. Cross-check of the Garwood formula (printed only).
    cross_check(sorted({r["count"] for r in homicide_rows + rows + arows + brows}))

    # Sample rows.
    print("\nsamples:")
    for r in homicide_rows:
        if (r["area"], r["period"]) in (("MEX", "2018"), ("MEX-09", "2024")):
            print("   ", ",".join(fmt(r[c]) for c in cols))


def cross_check(ks):
    """Garwood via chi2.ppf against gammaincinv, the Poisson tails and mpmath."""
    print("\nGarwood cross-check over %d distinct counts (0 .. %d) plus small ones:" % (len(ks), max(ks)))
    ks = sorted(set(ks) | {0, 1, 2, 3, 4, 5, 10, 20, 100})
    worst_g, worst_tail = 0.0, 0.0
    for k in ks:
        lo, hi = garwood(k)
        glo = 0.0 if k == 0 else float(gammaincinv(k, LO_P))
        ghi = float(gammaincinv(k + 1, HI_P))
        if k > 0:
            worst_g = max(worst_g, abs(lo / glo - 1))
            # P(X >= k | mu = lo) = 0.025
            worst_tail = max(worst_tail, abs(float(poisson.sf(k - 1, lo)) / LO_P - 1))
        worst_g = max(worst_g, abs(hi / ghi - 1))
        # P(X <= k | mu = hi) = 0.025
        worst_tail = max(worst_tail, abs(float(poisson.cdf(k, hi)) / LO_P - 1))
    # Not independent: SciPy's chi2.ppf(p, df) is 2 * gammaincinv(df / 2, p) internally; the
    # Poisson tails and mpmath below are the independent checks.
    print("   max |chi2.ppf/2 / gammaincinv - 1| = %.3g (same SciPy routine underneath)" % worst_g)
    print("   max |Poisson tail at the bound / 0.025 - 1| = %.3g" % worst_tail)
    assert worst_g < 1e-12 and worst_tail < 1e-9, (worst_g, worst_tail)
    # internal/stats computes the tail as (1 - 0.95) / 2 = 0.025000000000000022, not 0.025.
    a = (1 - 0.95) / 2
    worst_a = 0.0
    for k in ks:
        lo, hi = garwood(k)
        lo2 = 0.0 if k == 0 else float(chi2.ppf(a, 2 * k)) / 2
        hi2 = float(chi2.ppf(1 - a, 2 * k + 2)) / 2
        worst_a = max(worst_a, abs(hi2 / hi - 1), 0 if k == 0 else abs(lo2 / lo - 1))
    print("   tail 0.025 vs (1-0.95)/2 = %r: max relative difference %.3g" % (a, worst_a))
    try:
        import mpmath
        mpmath.mp.dps = 40
        worst = 0.0
        for k in [1, 2, 5, 17, 100, 1000, 12752, 33742, 36000]:
            lo, hi = garwood(k)
            mlo = mpmath.findroot(lambda m: mpmath.gammainc(k, 0, m, regularized=True) - mpmath.mpf(LO_P), lo)
            mhi = mpmath.findroot(lambda m: mpmath.gammainc(k + 1, 0, m, regularized=True) - mpmath.mpf(HI_P), hi)
            worst = max(worst, abs(lo / float(mlo) - 1), abs(hi / float(mhi) - 1))
        print("   mpmath %s (40 digits): max relative difference %.3g" % (mpmath.__version__, worst))
        assert worst < 1e-12
    except ImportError:
        print("   mpmath not installed: skipped")
    try:
        from statsmodels.stats.rates import confint_poisson  # statsmodels >= 0.14
        worst = 0.0
        for k in ks[:200]:
            lo, hi = confint_poisson(k, 1, method="exact-c", alpha=0.05)
            glo, ghi = garwood(k)
            worst = max(worst, abs(hi / ghi - 1), 0 if k == 0 else abs(lo / glo - 1))
        print("   statsmodels confint_poisson exact-c: max relative difference %.3g" % worst)
    except ImportError:
        try:
            import statsmodels
            v = statsmodels.__version__
        except ImportError:
            v = "not installed"
        print("   statsmodels (%s) has no one-sample exact Poisson interval (confint_poisson is 0.14+): skipped" % v)


if __name__ == "__main__":
    sys.exit(main())
