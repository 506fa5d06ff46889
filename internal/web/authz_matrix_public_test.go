package web_test

// publicPageMatrix holds the matrix entries of the portal's public pages
// (routes_public.go): open to everyone, like the public API; an expired or
// revoked token is refused all the same.
var publicPageMatrix = map[string]matrixCase{
	"GET /explore":      {method: "GET", path: "/explore?indicator=homicide-rate&area=MEX", want: public},
	"GET /areas":        {method: "GET", path: "/areas", want: public},
	"GET /areas/{code}": {method: "GET", path: "/areas/MEX-09", want: public},
	"GET /methods":      {method: "GET", path: "/methods", want: public},
	"GET /methods/{id}": {method: "GET", path: "/methods/homicide-rate", want: public},
	"GET /quality":      {method: "GET", path: "/quality", want: public},
	"GET /embed/chart":  {method: "GET", path: "/embed/chart?indicator=homicide-rate&area=MEX", want: public},
}
