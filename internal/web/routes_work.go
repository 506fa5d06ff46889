package web

// workPageRoutes are the portal's working pages for signed-in users:
// upload, mapping editor, approval queue, users (issue 5).
func (s *Server) workPageRoutes() []route {
	return nil
}
