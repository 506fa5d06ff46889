package web_test

// analysisMatrix holds the matrix entries of the analysis routes
// (routes_analysis.go).
var analysisMatrix = map[string]matrixCase{}
