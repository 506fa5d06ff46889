package web_test

// analysisMatrix holds the matrix entries of the analysis routes
// (routes_analysis.go). Writes need the analyse permission (analysts,
// approvers, admins) through a session; no token scope covers it.
var analysisMatrix = map[string]matrixCase{
	"GET /analysis/compstat":        {method: "GET", path: "/analysis/compstat?area=MEX", want: public},
	"GET /api/v1/analysis/compstat": {method: "GET", path: "/api/v1/analysis/compstat?area=MEX", want: badPublic},
	// Point analyses read geolocated records: who may read live data;
	// the matrix's node has too few points (400 after the check).
	"GET /analysis/points":             {method: "GET", path: "/analysis/points?source=canonical", want: live},
	"GET /analysis/points/density.png": {method: "GET", path: "/analysis/points/density.png?source=canonical", want: [10]int{401, 403, 400, 400, 400, 401, 401, 401, 403, 403}},
	"GET /analysis":                    {method: "GET", path: "/analysis", want: public},
	"GET /analysis/hotspots":           {method: "GET", path: "/analysis/hotspots?area=MEX&period=2024", want: public},
	"GET /analysis/programmes/{id}":    {method: "GET", path: "/analysis/programmes/none", want: notFound},
	"GET /analysis/evaluations/{id}":   {method: "GET", path: "/analysis/evaluations/999", want: notFound},
	"GET /api/v1/analysis/hotspots":    {method: "GET", path: "/api/v1/analysis/hotspots?area=MEX&period=2024", want: badPublic},
	"GET /api/v1/programmes":           {method: "GET", path: "/api/v1/programmes", want: public},
	"GET /api/v1/programmes/{id}":      {method: "GET", path: "/api/v1/programmes/none", want: notFound},
	"GET /api/v1/evaluations/{id}":     {method: "GET", path: "/api/v1/evaluations/999", want: notFound},
	"POST /analysis/programmes":        {method: "POST", path: "/analysis/programmes", body: "id=x", ctype: "application/x-www-form-urlencoded", want: analyse400},
	"POST /api/v1/programmes":          {method: "POST", path: "/api/v1/programmes", body: `{"id":"x"}`, ctype: "application/json", want: analyse400},
	"POST /analysis/programmes/{id}/evaluations": {method: "POST", path: "/analysis/programmes/none/evaluations", body: "method=its",
		ctype: "application/x-www-form-urlencoded", want: analyse404},
	"POST /api/v1/programmes/{id}/evaluations": {method: "POST", path: "/api/v1/programmes/none/evaluations", body: `{"method":"its"}`,
		ctype: "application/json", want: analyse404},
}

var (
	// badPublic: a public read whose query the node cannot answer (too
	// few sub-areas with values in the matrix's node).
	badPublic  = [10]int{400, 400, 400, 400, 400, 400, 401, 401, 400, 400}
	analyse400 = [10]int{401, 403, 400, 400, 400, 401, 401, 401, 403, 403}
	analyse404 = [10]int{401, 403, 404, 404, 404, 401, 401, 401, 403, 403}
)
