package web

import (
	"net/http"
)

// workTask is one thing the dashboard offers: a page the user may open.
type workTask struct {
	Href, Title, Text string // catalogue keys for Title and Text
}

// workTasks are the dashboard's entries, each with the action its page
// needs, in the order a day's work goes: upload, check, map, approve,
// administer, audit.
var workTasks = []struct {
	action Action
	task   workTask
}{
	{ActionIngest, workTask{"/work/upload", "work.upload.title", "work.dash.upload"}},
	{ActionReadBatches, workTask{"/work/batches", "work.batches.title", "work.dash.batches"}},
	{ActionEditMappings, workTask{"/work/mappings", "work.mappings.title", "work.dash.mappings"}},
	{ActionApprove, workTask{"/work/approvals", "work.approvals.title", "work.dash.approvals"}},
	{ActionManageUsers, workTask{"/work/users", "work.users.title", "work.dash.users"}},
	{ActionManageSettings, workTask{"/work/settings", "work.settings.title", "work.dash.settings"}},
	{ActionManageSources, workTask{"/work/sources", "work.sources.title", "work.dash.sources"}},
	{ActionReadAudit, workTask{"/audit", "work.audit.title", "work.dash.audit"}},
	{ActionWork, workTask{"/work/account", "work.account.title", "work.dash.account"}},
}

// workDashboard is what work_dashboard.html shows.
type workDashboard struct {
	RoleKey string // catalogue key of the role's description
	Sources []string
	Tasks   []workTask
}

// handleWork is GET /work: what the signed-in user may do, by role. Each
// entry is there only if the route it links to would let the user in.
func (s *Server) handleWork(w http.ResponseWriter, r *http.Request) {
	_, p, err := s.workAccounts(r)
	if err != nil {
		s.workError(w, r, err)
		return
	}
	d := workDashboard{RoleKey: "work.role." + string(p.Role), Sources: p.Sources}
	for _, t := range workTasks {
		if s.Auth.Authorize(r, t.action) == nil {
			d.Tasks = append(d.Tasks, t.task)
		}
	}
	s.render(w, r, http.StatusOK, "work_dashboard.html", s.newPage(w, r, "work", "work.title", d))
}
