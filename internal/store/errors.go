package store

import (
	"fmt"
	"strings"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/evaluation"
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

// maxFrozenNamed bounds how many fields a refusal of a frozen part names.
const maxFrozenNamed = 20

// refuseFrozen refuses a write whose changes touch a part of the
// document the editor may not change in the year's stage and status
// (EditableParts, docs/cycle.md §4), naming every such field in Chinese
// (up to maxFrozenNamed, then the count). changes are what the write
// changes after the store kept what it owns (KeepMaster, KeepBaseline):
// once targets are approved the declared part and the adjustment markers
// are what KeepBaseline made them (approved values put back; an
// indicator added at year end kept with W182, a finding and not a
// refusal), so they pass.
// also lists parts the caller may change beyond those (an import: the
// fixed part and the master data).
func refuseFrozen(code string, year int, stage, status string, baselined bool, old, ev *evaluation.Evaluation, changes []evaluation.Change, also ...string) error {
	allowed := EditableParts(stage, status, baselined)
	for _, p := range also {
		allowed[p] = true
	}
	if baselined && workflow.Editable(status) {
		allowed[workflow.PartDeclared], allowed[workflow.PartAdjusted] = true, true
	}
	var names []string
	seen := map[string]bool{}
	for _, c := range changes {
		if allowed[evaluation.PartOf(c.Path)] || zeroText(c.Old) && zeroText(c.New) {
			continue
		}
		label := ev.FieldLabel(c.Path)
		if c.New == "" {
			label = old.FieldLabel(c.Path)
		}
		if !seen[label] {
			seen[label] = true
			names = append(names, label)
		}
	}
	if len(names) == 0 {
		return nil
	}
	list := strings.Join(names[:min(len(names), maxFrozenNamed)], "、")
	if len(names) > maxFrozenNamed {
		list += fmt.Sprintf("等 %d 处", len(names))
	}
	return errorf(apperr.EFORBIDDEN, "部门 %s %d 年度处于“%s”阶段（%s），以下内容现在不能修改：%s；本次修改未保存", code, year,
		workflow.StageName(stage), workflow.StatusName(stage, status), list)
}

// zeroText is how Diff shows a field at its zero value, or absent: a row
// added or removed in a part that is open brings its other fields at
// zero (a new project's executed amount, 0.00), which changes nothing.
func zeroText(s string) bool { return s == "" || s == "0.00" || s == "0" || s == "false" }
