package web_test

// workPageMatrix holds the matrix entries of the portal's working pages
// (routes_work.go).
var workPageMatrix = map[string]matrixCase{}
