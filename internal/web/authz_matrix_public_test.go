package web_test

// publicPageMatrix holds the matrix entries of the portal's public pages
// (routes_public.go).
var publicPageMatrix = map[string]matrixCase{}
