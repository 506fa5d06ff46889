package web_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/oas-atalaya/atalaya/internal/web"
)

type iccsNode struct {
	Code     string
	National []struct {
		CodeList     string `json:"code_list"`
		NationalCode string `json:"national_code"`
	}
	Children []iccsNode
}

func TestICCSTreeWithNationalMappings(t *testing.T) {
	h := (&web.Server{Store: realDataStore(t), Now: now}).Handler()
	rec := do(t, h, "GET", "/api/v1/iccs?tree=1&mappings=1", remote, nil, "")
	var body struct{ Categories []iccsNode }
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != 200 {
		t.Fatalf("%d %v", rec.Code, err)
	}
	if len(body.Categories) != 11 {
		t.Fatalf("%d top-level sections, want 11", len(body.Categories))
	}
	var find func(ns []iccsNode, code string) *iccsNode
	find = func(ns []iccsNode, code string) *iccsNode {
		for i := range ns {
			if ns[i].Code == code {
				return &ns[i]
			}
			if n := find(ns[i].Children, code); n != nil {
				return n
			}
		}
		return nil
	}
	n := find(body.Categories, "0101")
	if n == nil || find(body.Categories[0].Children, "0101") == nil {
		t.Fatal("0101 is not under section 01")
	}
	found := false
	for _, nc := range n.National {
		if nc.CodeList == "mx-sesnsp-victimas" && strings.Contains(nc.NationalCode, "Homicidio doloso") {
			found = true
		}
	}
	if !found {
		t.Fatalf("0101 lacks SESNSP's Homicidio doloso: %+v", n.National)
	}
}

func TestAreaTree(t *testing.T) {
	h := (&web.Server{Store: realDataStore(t), Now: now}).Handler()
	rec := do(t, h, "GET", "/api/v1/areas?country=MEX&tree=1", remote, nil, "")
	var body struct {
		Areas []struct {
			Code     string
			Children []struct{ Code, Parent string }
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != 200 {
		t.Fatalf("%d %v", rec.Code, err)
	}
	if len(body.Areas) != 1 || body.Areas[0].Code != "MEX" || len(body.Areas[0].Children) != 4 || body.Areas[0].Children[0].Parent != "MEX" {
		t.Fatalf("tree %+v", body.Areas)
	}
}
