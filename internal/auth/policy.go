package auth

import (
	"strings"
	"unicode/utf8"

	"github.com/oas-atalaya/atalaya"
)

// Password length limits, in characters. A long minimum is the one rule
// that measurably helps (NIST SP 800-63B §3.1.1.2); composition rules do not.
// The maximum only keeps requests small: argon2id costs the same for any
// length.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 256
)

// commonPasswords are passwords of 12 characters or more that appear near
// the top of public breach lists, or that a person at an observatory would
// try first. Compared case-insensitively. Shorter ones fail the length rule.
var commonPasswords = map[string]bool{
	"123456789012": true, "1234567890123": true, "12345678910111213": true,
	"111111111111": true, "000000000000": true, "123123123123": true,
	"password1234": true, "password123!": true, "password12345": true,
	"passwordpassword": true, "qwertyuiop12": true, "qwertyuiopasdfghjkl": true,
	"qwerty123456": true, "1q2w3e4r5t6y": true, "1qaz2wsx3edc": true,
	"iloveyou1234": true, "letmein12345": true, "welcome12345": true,
	"administrator": true, "administrador": true, "contraseña123": true,
	"contrasena123": true, "changeme1234": true, "abcdefghijkl": true,
	"abc123456789": true, "football1234": true, "monkey123456": true,
	"atalaya12345": true, "atalaya2025!": true, "atalaya2026!": true,
	"observatorio": true, "observatorio1": true, "seguridad123": true,
}

// CheckPasswordPolicy reports why password may not be used by the account
// named username, or nil. The messages can be shown to the user as they are.
func CheckPasswordPolicy(password, username string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return atalaya.Errorf(atalaya.EINVALID, "the password is not valid UTF-8 text")
	case n < MinPasswordLen:
		return atalaya.Errorf(atalaya.EINVALID, "the password must have at least %d characters (it has %d)", MinPasswordLen, n)
	case n > MaxPasswordLen:
		return atalaya.Errorf(atalaya.EINVALID, "the password must have at most %d characters (it has %d)", MaxPasswordLen, n)
	}
	lower := strings.ToLower(password)
	if u := strings.ToLower(strings.TrimSpace(username)); u != "" && strings.Contains(lower, u) {
		return atalaya.Errorf(atalaya.EINVALID, "the password must not contain the user name")
	}
	if commonPasswords[lower] {
		return atalaya.Errorf(atalaya.EINVALID, "the password is too common; choose another (a few unrelated words work well)")
	}
	if _, size := utf8.DecodeRuneInString(password); strings.Count(password, password[:size]) == n {
		return atalaya.Errorf(atalaya.EINVALID, "the password must not repeat one character only")
	}
	return nil
}
