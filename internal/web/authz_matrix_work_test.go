package web_test

// workPageMatrix holds the matrix entries of the portal's working pages
// (routes_work.go). Object-level cases (another source's batch, profile and
// code list; one's own role; the last admin) are in work_test.go.
var workPageMatrix = map[string]matrixCase{
	"GET /work":         {method: "GET", path: "/work", want: workAny},
	"GET /work/upload":  {method: "GET", path: "/work/upload", want: workSteward},
	"POST /work/upload": {method: "POST", path: "/work/upload", body: workUploadBody, ctype: workUploadType, want: [10]int{401, 303, 403, 403, 403, 401, 401, 401, 403, 403}},
	"GET /work/batches": {method: "GET", path: "/work/batches", want: workBatchesWant},
	// Batch 1 is source A's: every reader of batches sees it.
	"GET /work/batches/{id}": {method: "GET", path: "/work/batches/1", want: workBatchesWant},
	// An unknown code list: stewards may only edit their sources' lists
	// (it has none), admins may edit any (and find none).
	"GET /work/mappings":             {method: "GET", path: "/work/mappings", want: [10]int{401, 200, 403, 403, 200, 401, 401, 401, 403, 403}},
	"GET /work/mappings/{codelist}":  {method: "GET", path: "/work/mappings/none", want: workNoCodeList},
	"POST /work/mappings/{codelist}": {method: "POST", path: "/work/mappings/none", body: "rows=0&reason=matrix", ctype: formType, want: workNoCodeList},
	"GET /work/approvals":            {method: "GET", path: "/work/approvals", want: workApprover},
	"POST /work/approvals": {method: "POST", path: "/work/approvals", ctype: formType,
		body: "source=canonical&area=MEX&period=2022&status=validated&reason=matrix", want: [10]int{401, 403, 403, 303, 403, 401, 401, 401, 403, 403}},
	"GET /work/users":  {method: "GET", path: "/work/users", want: workAdmin},
	"POST /work/users": {method: "POST", path: "/work/users", body: "id=matrix-new&role=analyst&password=correct+horse+battery+staple+42", ctype: formType, want: workAdminWrite},
	// Enabling an enabled account changes nothing but is a write.
	"POST /work/users/{id}": {method: "POST", path: "/work/users/analyst", body: "op=enable", ctype: formType, want: workAdminWrite},
	"GET /work/settings":    {method: "GET", path: "/work/settings", want: workAdmin},
	"POST /work/settings":   {method: "POST", path: "/work/settings", body: "", ctype: formType, want: workAdminWrite},
	"GET /work/sources":     {method: "GET", path: "/work/sources", want: workAdmin},
	"GET /work/account":     {method: "GET", path: "/work/account", want: workAny},
	// A wrong current password: the form again, with the refusal.
	"POST /work/account": {method: "POST", path: "/work/account", body: "current=wrong&password=x&again=x", ctype: formType,
		want: [10]int{401, 400, 400, 400, 400, 401, 401, 401, 403, 403}},
}

const formType = "application/x-www-form-urlencoded"

// Columns: public, steward (of A), analyst, approver, admin, disabled user's
// session, expired token, revoked token, admin's ingest-scoped token,
// steward's ingest-scoped token. The working pages refuse API tokens: the
// steward's ingest token passes the route's check for uploads but not the
// page's.
var (
	workAny         = [10]int{401, 200, 200, 200, 200, 401, 401, 401, 403, 403}
	workSteward     = [10]int{401, 200, 403, 403, 403, 401, 401, 401, 403, 403}
	workBatchesWant = [10]int{401, 200, 200, 200, 200, 401, 401, 401, 403, 403}
	workApprover    = [10]int{401, 403, 403, 200, 403, 401, 401, 401, 403, 403}
	workAdmin       = [10]int{401, 403, 403, 403, 200, 401, 401, 401, 403, 403}
	workAdminWrite  = [10]int{401, 403, 403, 403, 303, 401, 401, 401, 403, 403}
	workNoCodeList  = [10]int{401, 403, 403, 403, 404, 401, 401, 401, 403, 403}
)

// workUploadBody is the upload form with one file for source A's profile.
const (
	workUploadType = "multipart/form-data; boundary=WORKBOUNDARY"
	workUploadBody = "--WORKBOUNDARY\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nignored\r\n" +
		"--WORKBOUNDARY\r\nContent-Disposition: form-data; name=\"profile\"\r\n\r\ncanonical-incidents\r\n" +
		"--WORKBOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"work.csv\"\r\nContent-Type: text/csv\r\n\r\n" +
		"record_id,occurred_on,iccs,area,victim_sex\nW1,2024-02-07,0101,MEX-09,F\nW2,2024-02-31,0101,MEX-09,F\n\r\n" +
		"--WORKBOUNDARY--\r\n"
)
