package cli_test

import "testing"

func TestServeTLSFlags(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--tls-cert", "c.pem"},
		{"serve", "--tls-key", "k.pem"},
		{"serve", "--tls-self-signed", "--tls-cert", "c.pem", "--tls-key", "k.pem"},
		{"demo", "--tls-key", "k.pem"},
	} {
		if code, _, stderr := atalaya(t, args...); code != 2 || stderr == "" {
			t.Errorf("%v: exit %d (%s), want 2 with a message", args, code, stderr)
		}
	}
	if code, _, stderr := atalaya(t, "serve", "--db", "sqlite:"+t.TempDir()+"/a.db", "--tls-cert", "missing.pem", "--tls-key", "missing.pem"); code != 1 || stderr == "" {
		t.Errorf("missing certificate files: exit %d (%s), want 1", code, stderr)
	}
}
