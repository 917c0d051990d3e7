package store

import (
	"errors"
	"fmt"

	"github.com/jixiao/jixiao/internal/workflow"
)

// Error codes.
const (
	ENOTFOUND = "ENOTFOUND" // no such department-year
	ECONFLICT = "ECONFLICT" // someone else changed it first; reload and retry
	EINVALID  = "EINVALID"  // the request cannot be stored as given
	// EUNAUTHORIZED: not logged in, or the credentials are wrong. A wrong
	// username and a wrong password give the same error.
	EUNAUTHORIZED = "EUNAUTHORIZED"
	// EFORBIDDEN: logged in, but the user's role, department or the
	// department-year's status does not allow the action.
	EFORBIDDEN = "EFORBIDDEN"
	EINTERNAL  = "EINTERNAL" // anything else: database unreachable, disk full, …
)

// Error is an error the user can act on, with a message in Chinese naming
// the department code and year.
type Error struct {
	Code    string
	Message string
	err     error // the underlying database error, if any
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the database error behind e, if any.
func (e *Error) Unwrap() error { return e.err }

// ErrorCode returns the code of the *Error in err's chain, EINTERNAL for
// any other error, and "" for nil.
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

func errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func notFound(code string, year int) *Error {
	return errorf(ENOTFOUND, "未找到部门 %s %d 年度的数据", code, year)
}

func conflict(code string, year int, current, expected int) *Error {
	return errorf(ECONFLICT, "部门 %s %d 年度的数据已被他人修改（当前版本 %d，您编辑的版本 %d），请刷新后重试", code, year, current, expected)
}

func notEditable(code string, year int, status string) *Error {
	return errorf(EFORBIDDEN, "部门 %s %d 年度的数据当前状态为“%s”，不能修改；只有草稿或已退回的数据可以修改", code, year, statusName(status))
}

func statusName(status string) string {
	if n, ok := workflow.StatusNames[status]; ok {
		return n
	}
	return status
}
