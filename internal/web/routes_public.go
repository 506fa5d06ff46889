package web

// publicPageRoutes are the portal's public pages (issue 5).
func (s *Server) publicPageRoutes() []route {
	return nil
}
