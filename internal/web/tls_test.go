package web_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya/internal/web"
)

// TestServeTLS serves over TLS with a self-signed certificate and with the
// same certificate loaded from PEM files: the client that trusts it gets
// answers with HSTS; HSTS is never sent over plain HTTP.
func TestServeTLS(t *testing.T) {
	srv, _ := newServer(t)
	h := srv.Handler()
	if rec := do(t, h, "GET", "/api/v1/health", local, nil, ""); rec.Header().Get("Strict-Transport-Security") != "" {
		t.Fatal("HSTS over plain HTTP")
	}
	conf, err := web.SelfSignedTLS([]string{"localhost", "127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cert := conf.Certificates[0]
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
	fromFiles, err := web.TLSConfig(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := web.TLSConfig(certFile, filepath.Join(dir, "missing.pem")); err == nil {
		t.Fatal("a missing key file is accepted")
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	for name, c := range map[string]*tls.Config{"self-signed": conf, "files": fromFiles} {
		ctx, cancel := context.WithCancel(context.Background())
		addr := make(chan net.Addr, 1)
		done := make(chan error, 1)
		go func() { done <- web.ListenAndServe(ctx, "127.0.0.1:0", h, c, func(a net.Addr) { addr <- a }) }()
		a := <-addr
		_, port, _ := net.SplitHostPort(a.String())
		resp, err := client.Get("https://localhost:" + port + "/api/v1/health")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Strict-Transport-Security") == "" || resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
			t.Fatalf("%s: %d, HSTS %q", name, resp.StatusCode, resp.Header.Get("Strict-Transport-Security"))
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("%s: shutdown: %v", name, err)
		}
	}
}
