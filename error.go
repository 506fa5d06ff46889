package atalaya

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status and one CLI exit behaviour,
// rendered in one place (internal/web and internal/cli).
const (
	EINVALID      = "invalid"       // the input is wrong; the message says how
	ENOTFOUND     = "not_found"     // the object does not exist
	ECONFLICT     = "conflict"      // the object exists or changed in between
	EUNAUTHORIZED = "unauthorized"  // sign-in needed
	EFORBIDDEN    = "forbidden"     // signed in, but not allowed
	ETOOLARGE     = "too_large"     // input over a size limit
	ETOOMANY      = "too_many"      // too many attempts or requests; try again later
	EINTERNAL     = "internal"      // a bug or an outage; details are logged, not shown
	EREJECTED     = "rows_rejected" // an ingest finished but rejected rows
)

// Error is the domain error: a code, a message safe to show to the user, and
// an optional wrapped cause that is logged but never shown.
type Error struct {
	Code    string
	Message string
	Err     error
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Message, e.Err)
	}
	return e.Message
}

// Unwrap returns the wrapped cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted public message.
// A %w verb in format wraps its argument as the cause.
func Errorf(code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Code: code, Message: err.Error(), Err: errors.Unwrap(err)}
}

// ErrorCode returns the code of the first *Error in err's chain, or EINTERNAL
// for any other non-nil error, or "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the public message of the first *Error in err's chain,
// or a generic message for any other error.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
