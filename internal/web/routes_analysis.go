package web

// analysisRoutes are the analysis API and pages (issue 6).
func (s *Server) analysisRoutes() []route {
	return nil
}
