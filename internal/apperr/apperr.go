// Package apperr is the application's error: a code the edges map to a
// response (an HTTP status, an exit code) and a message in Chinese that a
// user can act on, naming what it is about (the department code and year,
// the field). The store, the web server and the command line return and
// read the same type, so a refusal means the same wherever it starts.
package apperr

import (
	"errors"
	"fmt"
)

// Codes.
const (
	ENOTFOUND = "ENOTFOUND" // no such department-year (or one the user may not see)
	ECONFLICT = "ECONFLICT" // someone else changed it first; reload and retry
	EINVALID  = "EINVALID"  // the request cannot be carried out as given
	// EUNAUTHORIZED: not signed in, or the credentials are wrong. A wrong
	// username and a wrong password give the same error.
	EUNAUTHORIZED = "EUNAUTHORIZED"
	// EFORBIDDEN: signed in, but the user's role, department or the
	// department-year's status does not allow the action.
	EFORBIDDEN = "EFORBIDDEN"
	EINTERNAL  = "EINTERNAL" // anything else: database unreachable, disk full, …
)

// Error is an error the user can act on.
type Error struct {
	Code    string
	Message string
	// Err is the cause behind it (a database error), for logs; it is
	// never shown.
	Err error
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// Errorf makes an Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Code returns the code of the *Error in err's chain, EINTERNAL for any
// other error, and "" for nil.
func Code(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}
