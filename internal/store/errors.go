package store

import (
	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/workflow"
)

// The store's refusals are apperr.Error values (the application's error
// type, in the core); these helpers word the common ones.

func errorf(code, format string, args ...any) *apperr.Error {
	return apperr.Errorf(code, format, args...)
}

func notFound(code string, year int) *apperr.Error {
	return errorf(apperr.ENOTFOUND, "未找到部门 %s %d 年度的数据", code, year)
}

func conflict(code string, year int, current, expected int) *apperr.Error {
	return errorf(apperr.ECONFLICT, "部门 %s %d 年度的数据已被他人修改（当前版本 %d，您编辑的版本 %d），请刷新后重试", code, year, current, expected)
}

func notEditable(code string, year int, status string) *apperr.Error {
	return errorf(apperr.EFORBIDDEN, "部门 %s %d 年度的数据当前状态为“%s”，不能修改；只有草稿或已退回的数据可以修改", code, year, statusName(status))
}

func statusName(status string) string {
	if n, ok := workflow.StatusNames[status]; ok {
		return n
	}
	return status
}
