package apperr

import (
	"errors"
	"fmt"
	"testing"
)

func TestCode(t *testing.T) {
	if Code(nil) != "" || Code(errors.New("x")) != EINTERNAL {
		t.Error("Code of nil or a plain error")
	}
	cause := errors.New("database is locked")
	e := &Error{Code: ECONFLICT, Message: "已被他人修改", Err: cause}
	wrapped := fmt.Errorf("context: %w", e)
	if Code(wrapped) != ECONFLICT {
		t.Error("Code does not see a wrapped *Error")
	}
	if !errors.Is(wrapped, cause) || e.Error() != "已被他人修改" {
		t.Errorf("the cause is not kept behind the message: %v", e)
	}
	if f := Errorf(EINVALID, "部门 %s 的%s", "106001", "名称"); f.Code != EINVALID || f.Message != "部门 106001 的名称" {
		t.Errorf("Errorf = %+v", f)
	}
}
