// Package compstat holds the comparisons of a CompStat-style report and the
// seasonal decomposition behind a trend chart.
//
// A period-over-period comparison (Compare) sets the count of the last 7 or
// 28 days, or of the year to date, against the same window a year earlier
// and against the window just before, and says with an exact test whether
// the change is larger than Poisson noise (RateRatioTest, the conditional
// binomial test of R's poisson.test). CompareMonths does the same for a
// monthly series, and CompareTable for a table of offences by area, with
// Benjamini–Hochberg q-values so that a large table does not flag noise.
// YearOverYear compares each month with the same month a year before. STL is a port of the Fortran behind R's
// stats::stl (Cleveland, Cleveland, McRae and Terpenning 1990) and matches
// it to rounding.
//
// Every result is checked against R by the golden files in testdata, which
// were written by testdata/make_golden.R; the tests do not need R.
package compstat
