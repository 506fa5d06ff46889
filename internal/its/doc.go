// Package its estimates the effect of an intervention on a monthly (or
// other regular) count series by interrupted time series: segmented
// Poisson regression with a population offset,
//
//	log E[y_t] = b0 + b1·t + b2·post_t + b3·(t − t0)·post_t
//	             + Σ_k (s_k sin(2πkx_t/P) + c_k cos(2πkx_t/P)) + log pop_t,
//
// fitted by iteratively reweighted least squares, with model-based
// (optionally quasi-Poisson), heteroscedasticity-robust (HC0, HC1, HC3) or
// Newey–West (HAC) standard errors. t counts the points from 1, t0 is the
// t of the first point after the interruption, and x_t is the calendar
// month (1–12) when the period is 12, else t.
//
// The level change exp(b2) and slope change exp(b3) are rate ratios; the
// counterfactual is the fitted model with b2 and b3 set to zero, and the
// cumulative effect is observed minus counterfactual over the post period.
// See Lopez Bernal, Cummins and Gasparrini (2017), Int J Epidemiol
// 46:348–355.
//
// Coefficients and standard errors are checked against Python statsmodels
// 0.13.5 GLM and R's sandwich package by the golden files in testdata,
// written by the scripts there; the tests need neither.
package its
