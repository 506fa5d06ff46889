package web

import (
	"net/http"

	"github.com/oas-atalaya/atalaya"
)

// iccsNode is an ICCS category with, on request, the national codes that
// map to it and its subcategories.
type iccsNode struct {
	atalaya.ICCSCategory
	National []nationalCode `json:"national,omitempty"`
	Children []*iccsNode    `json:"children,omitempty"`
}

// nationalCode is a code of a national code list mapped to an ICCS
// category by the latest version of its mapping.
type nationalCode struct {
	CodeList string `json:"code_list"`
	Version  int    `json:"version"`
	Code     string `json:"national_code"`
	Label    string `json:"label,omitempty"`
}

// handleICCS lists the classification: flat by default, as a tree with
// ?tree=1, and with the national codes that map to each category (latest
// mapping of every code list) with ?mappings=1.
func (s *Server) handleICCS(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	tree, mappings := q.Get("tree") == "1", q.Get("mappings") == "1"
	for _, p := range []string{"tree", "mappings"} {
		if v := q.Get(p); v != "" && v != "1" && v != "0" {
			s.error(w, r, atalaya.Errorf(atalaya.EINVALID, "%s=%q: use %s=1", p, v, p))
			return
		}
	}
	cats, err := s.Store.ICCS(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !tree && !mappings {
		s.writeCached(w, r, "", 0, map[string]any{"classification": "ICCS v1.0", "categories": nonNil(cats)})
		return
	}
	nodes := make(map[string]*iccsNode, len(cats))
	flat := make([]*iccsNode, len(cats))
	for i, c := range cats {
		flat[i] = &iccsNode{ICCSCategory: c}
		nodes[c.Code] = flat[i]
	}
	if mappings {
		lists, err := s.Store.CodeLists(r.Context())
		if err != nil {
			s.error(w, r, err)
			return
		}
		for _, cl := range lists {
			m, err := s.Store.Mapping(r.Context(), cl.ID, 0)
			if atalaya.ErrorCode(err) == atalaya.ENOTFOUND {
				continue
			}
			if err != nil {
				s.error(w, r, err)
				return
			}
			for _, e := range m.Entries {
				if n := nodes[e.ICCS]; n != nil {
					n.National = append(n.National, nationalCode{CodeList: cl.ID, Version: m.Version, Code: e.NationalCode, Label: e.Label})
				}
			}
		}
	}
	out := flat
	if tree {
		out = nil
		for _, n := range flat {
			if p := nodes[n.Parent]; p != nil && n.Parent != "" {
				p.Children = append(p.Children, n)
			} else {
				out = append(out, n)
			}
		}
	}
	s.writeCached(w, r, "", 0, map[string]any{"classification": "ICCS v1.0", "categories": nonNil(out)})
}
