package atalaya_test

import (
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
)

func TestAuditEntry_Canonical(t *testing.T) {
	at := time.Date(2026, 3, 1, 6, 30, 0, 123456789, time.FixedZone("CST", -6*3600))
	tests := []struct {
		e    atalaya.AuditEntry
		want string
	}{
		{atalaya.AuditEntry{Seq: 12, At: at, Actor: "u:7", Action: "read.rejections", Object: "batch:12", Origin: "192.0.2.7", Reason: "QA <review> & \"fix\""},
			`{"action":"read.rejections","actor":"u:7","at":"2026-03-01T12:30:00.123456Z","object":"batch:12","origin":"192.0.2.7","reason":"QA \u003creview\u003e \u0026 \"fix\"","seq":12,"v":1}`},
		{atalaya.AuditEntry{},
			`{"action":"","actor":"","at":"0001-01-01T00:00:00.000000Z","object":"","origin":"","reason":"","seq":0,"v":1}`},
	}
	for _, tt := range tests {
		got := string(tt.e.Canonical())
		if got != tt.want {
			t.Errorf("Canonical(%+v) =\n %s\nwant\n %s", tt.e, got, tt.want)
		}
		e, err := atalaya.ParseAuditEntry([]byte(got))
		if err != nil || string(e.Canonical()) != got {
			t.Errorf("ParseAuditEntry(%s) = %+v, %v; want it back", got, e, err)
		}
	}
	for _, bad := range []string{
		`{"action":"a","actor":"b","at":"2026-03-01T12:30:00.123456Z","object":"","origin":"","reason":"","seq":1,"v":2}`,
		`{"actor":"b","action":"a","at":"2026-03-01T12:30:00.123456Z","object":"","origin":"","reason":"","seq":1,"v":1}`,
		`{"action":"a","actor":"b","at":"2026-03-01T12:30:00Z","object":"","origin":"","reason":"","seq":1,"v":1}`,
		`not json`,
	} {
		if _, err := atalaya.ParseAuditEntry([]byte(bad)); atalaya.ErrorCode(err) != atalaya.EINVALID {
			t.Errorf("ParseAuditEntry(%s) = %v; want invalid", bad, err)
		}
	}
}
