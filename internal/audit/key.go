package audit

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/oas-atalaya/atalaya"
	"golang.org/x/mod/sumdb/note"
)

// Key is the node's audit signing key, or only its public half. It is an
// Ed25519 key in the text forms of golang.org/x/mod/sumdb/note: the private
// key "PRIVATE+KEY+name+hash+key" and the public (verifier) key
// "name+hash+key", which is what a third party needs to check checkpoints
// and proofs.
type Key struct {
	signer   note.Signer // nil for a public key only
	verifier note.Verifier
	public   string
}

// DefaultKeyName is the key name (and checkpoint origin) used when none is
// given.
const DefaultKeyName = "atalaya-audit"

// LoadKey reads the private key at path, or, when the file does not exist,
// generates a new key named name and writes it there with mode 0600 (its
// directory is created 0700) and its public key at path + ".pub". The key
// is kept in a file, not in the database, so that someone who can change
// the database cannot sign a checkpoint for a changed log. The private key
// is never logged or printed.
func LoadKey(path, name string) (*Key, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createKey(path, name)
	}
	if err != nil {
		return nil, atalaya.Errorf(atalaya.EINVALID, "audit key %s: %v", path, err)
	}
	return parsePrivate(path, strings.TrimSpace(string(b)))
}

func createKey(path, name string) (*Key, error) {
	if name == "" {
		name = DefaultKeyName
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		return nil, atalaya.Errorf(atalaya.EINVALID, "generate audit key %q: %v", name, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("audit: create key directory: %w", err)
	}
	// O_EXCL: two processes starting at once must not both write a key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadKey(path, name)
	}
	if err != nil {
		return nil, fmt.Errorf("audit: create key file: %w", err)
	}
	if _, err := f.WriteString(skey + "\n"); err != nil {
		f.Close()
		return nil, fmt.Errorf("audit: write key file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("audit: write key file: %w", err)
	}
	if err := os.WriteFile(path+".pub", []byte(vkey+"\n"), 0o644); err != nil {
		return nil, fmt.Errorf("audit: write public key file: %w", err)
	}
	return parsePrivate(path, skey)
}

func parsePrivate(path, skey string) (*Key, error) {
	s, err := note.NewSigner(skey)
	if err != nil {
		// The error of note names no key material, but say nothing of it.
		return nil, atalaya.Errorf(atalaya.EINVALID, "audit key %s is not a private note key", path)
	}
	vkey, err := publicOf(s.Name(), skey)
	if err != nil {
		return nil, atalaya.Errorf(atalaya.EINVALID, "audit key %s is not a private note key", path)
	}
	k, err := ParsePublicKey(vkey)
	if err != nil {
		return nil, err
	}
	k.signer = s
	return k, nil
}

// publicOf derives the public key "name+hash+key" from the private key
// text "PRIVATE+KEY+name+hash+base64(1 || seed)", which note.NewSigner has
// already checked; note has no direct conversion.
func publicOf(name, skey string) (string, error) {
	parts := strings.SplitN(skey, "+", 5)
	if len(parts) != 5 {
		return "", errors.New("malformed private key")
	}
	data, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(data) != 1+ed25519.SeedSize || data[0] != 1 {
		return "", errors.New("malformed private key")
	}
	pub := ed25519.NewKeyFromSeed(data[1:]).Public().(ed25519.PublicKey)
	return note.NewEd25519VerifierKey(name, pub)
}

// ReadPublicKey reads a public key file ("name+hash+key", as LoadKey
// writes next to the private key).
func ReadPublicKey(path string) (*Key, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, atalaya.Errorf(atalaya.EINVALID, "audit public key %s: %v", path, err)
	}
	return ParsePublicKey(strings.TrimSpace(string(b)))
}

// ParsePublicKey parses a public key "name+hash+key".
func ParsePublicKey(vkey string) (*Key, error) {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, atalaya.Errorf(atalaya.EINVALID, "not an audit public key: %v", err)
	}
	return &Key{verifier: v, public: vkey}, nil
}

// Public returns the public key, "name+hash+key", to publish.
func (k *Key) Public() string { return k.public }

// Name returns the key's name, which is also the checkpoints' origin.
func (k *Key) Name() string { return k.verifier.Name() }

// ID returns the key's name and hash, "name+hex8", as stored with each
// checkpoint.
func (k *Key) ID() string { return fmt.Sprintf("%s+%08x", k.verifier.Name(), k.verifier.KeyHash()) }

// CanSign reports whether k holds the private key.
func (k *Key) CanSign() bool { return k.signer != nil }
