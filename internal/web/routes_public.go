package web

// publicPageRoutes are the portal's public pages (issue 5); the Home page
// (GET /{$}, index.go) is in the API's table, which predates the portal.
func (s *Server) publicPageRoutes() []route {
	return []route{
		{"GET /explore", ActionReadPublic, s.handleExplore},
		{"GET /areas", ActionReadPublic, s.handleAreasPage},
		{"GET /areas/{code}", ActionReadPublic, s.handleAreaPage},
		{"GET /methods", ActionReadPublic, s.handleMethods},
		{"GET /methods/{id}", ActionReadPublic, s.handleMethod},
		{"GET /quality", ActionReadPublic, s.handleQuality},
		{"GET /embed/chart", ActionReadPublic, s.handleEmbed},
	}
}
