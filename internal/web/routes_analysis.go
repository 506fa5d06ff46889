package web

// ActionAnalyse registers programmes and runs and records evaluations
// (analysts, approvers and admins).
const ActionAnalyse Action = "analyse"

// analysisRoutes are the analysis API and pages (issue 6). Reading
// hot spots, CompStat tables, programmes and evaluation reports is
// public: they are computed from published figures only. The point
// analyses (kernel density, near repeats) read geolocated records and
// are restricted to who may read live data.
func (s *Server) analysisRoutes() []route {
	return []route{
		{"GET /analysis", ActionReadPublic, s.handleAnalysisPage},
		{"GET /analysis/hotspots", ActionReadPublic, s.handleHotspotsPage},
		{"GET /analysis/programmes/{id}", ActionReadPublic, s.handleProgrammePage},
		{"POST /analysis/programmes", ActionAnalyse, s.handleProgrammeForm},
		{"POST /analysis/programmes/{id}/evaluations", ActionAnalyse, s.handleEvaluateForm},
		{"GET /analysis/evaluations/{id}", ActionReadPublic, s.handleEvaluationPage},
		{"GET /analysis/compstat", ActionReadPublic, s.handleCompStatPage},
		{"GET /analysis/points", ActionReadLive, s.handlePointsPage},
		{"GET /analysis/points/density.png", ActionReadLive, s.handleDensityPNG},
		{"GET /api/v1/analysis/hotspots", ActionReadPublic, s.handleHotspotsAPI},
		{"GET /api/v1/analysis/compstat", ActionReadPublic, s.handleCompStatAPI},
		{"GET /api/v1/programmes", ActionReadPublic, s.handleProgrammesAPI},
		{"POST /api/v1/programmes", ActionAnalyse, s.handleCreateProgrammeAPI},
		{"GET /api/v1/programmes/{id}", ActionReadPublic, s.handleProgrammeAPI},
		{"POST /api/v1/programmes/{id}/evaluations", ActionAnalyse, s.handleEvaluateAPI},
		{"GET /api/v1/evaluations/{id}", ActionReadPublic, s.handleEvaluationAPI},
	}
}
