package web

// workPageRoutes are the portal's working pages for signed-in users:
// upload, mapping editor, approval queue, users (issue 5). Each page then
// checks the object it touches (work*.go) and refuses API tokens.
func (s *Server) workPageRoutes() []route {
	return []route{
		{"GET /work", ActionWork, s.handleWork},
		{"GET /work/upload", ActionIngest, s.handleWorkUpload},
		{"POST /work/upload", ActionIngest, s.handleWorkUploadPost},
		{"GET /work/batches", ActionReadBatches, s.handleWorkBatches},
		{"GET /work/batches/{id}", ActionReadBatches, s.handleWorkBatch},
		{"GET /work/mappings", ActionEditMappings, s.handleWorkMappings},
		{"GET /work/mappings/{codelist}", ActionEditMappings, s.handleWorkMapping},
		{"POST /work/mappings/{codelist}", ActionEditMappings, s.handleWorkMappingPost},
		{"GET /work/approvals", ActionApprove, s.handleWorkApprovals},
		{"POST /work/approvals", ActionApprove, s.handleWorkApprovalsPost},
		{"GET /work/users", ActionManageUsers, s.handleWorkUsers},
		{"POST /work/users", ActionManageUsers, s.handleWorkUserAdd},
		{"POST /work/users/{id}", ActionManageUsers, s.handleWorkUserChange},
		{"GET /work/settings", ActionManageSettings, s.handleWorkSettings},
		{"POST /work/settings", ActionManageSettings, s.handleWorkSettingsPost},
		{"GET /work/sources", ActionManageSources, s.handleWorkSources},
		{"GET /work/account", ActionWork, s.handleWorkAccount},
		{"POST /work/account", ActionWork, s.handleWorkAccountPost},
	}
}
