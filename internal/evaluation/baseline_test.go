package evaluation

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/diag"
)

// approvedYear is a year at 批复: declared fields set, year-end fields
// empty, every indicator with a code.
func approvedYear() *Evaluation {
	e := prevYear()
	e.Targets[1].Code = "T4"
	e.Projects[0].Targets[0].Code = "T1"
	e.OverallGoal = "年度总体目标"
	e.Finance.Budget.Initial = wan("1000")
	return e
}

func findingsOf(ds diag.List, code string) []diag.Finding {
	var out []diag.Finding
	for _, f := range ds {
		if f.Code == code {
			out = append(out, f)
		}
	}
	return out
}

func TestDeclaredKeepsOnlyTheDeclaredPart(t *testing.T) {
	e := approvedYear()
	d := Declared(e)
	if d.OverallGoal != "年度总体目标" || d.BudgetInitial != wan("1000") || len(d.Targets) != 2 || len(d.Projects) != 1 {
		t.Fatalf("declared part = %+v", d)
	}
	if tg := d.Targets[0]; tg.Actual != "" || tg.Deviation != "" || tg.Evidence != nil || tg.Deductions != nil || tg.Target != "1000" || tg.Points == nil {
		t.Errorf("declared target = %+v", tg)
	}
	if p := d.Projects[0]; p.Executed != 0 || p.Adjusted != 0 || p.Achieved != "" || p.Funding != nil || p.Scores != nil || p.Initial != wan("100") || p.Goal != "目标" {
		t.Errorf("declared project = %+v", p)
	}
	// Nothing is shared: changing the document leaves the part alone.
	*e.Targets[0].Points = 1
	e.Weights["B6.1"] = 1
	if *d.Targets[0].Points == 1 || d.Weights["B6.1"] == 1 {
		t.Error("the declared part shares memory with the document")
	}
}

// A year-end upload that changes targets gets the approved ones back,
// with a W183 naming each field; a target not declared is W182 and kept;
// a declared target left out is put back; year-end values stay.
func TestKeepBaseline(t *testing.T) {
	b := Declared(approvedYear())
	up := approvedYear()
	up.Targets[0].Target = "800"             // lowered: kept at 1000
	up.Targets[0].Actual = "900"             // year-end: kept as given
	up.Targets[0].Remark = ""                // empty: filled silently
	up.OverallGoal = "改写的目标"                 // kept
	up.Finance.Budget.Adjusted = wan("1200") // year-end
	up.Targets = append(up.Targets, Target{Code: "T9", Name: "新增指标", Category: "output", Direction: ">=", Target: "1", Actual: "2"})
	up.Targets[0], up.Targets[1] = up.Targets[1], up.Targets[0] // order does not matter
	up.Projects[0].Targets = nil                                // a declared indicator dropped
	up.Projects[0].Initial = wan("90")
	ds := up.KeepBaseline(b)

	if up.Targets[0].Code != "T3" || up.Targets[0].Target != "1000" || up.Targets[0].Actual != "900" || up.OverallGoal != "年度总体目标" {
		t.Errorf("targets = %+v, goal %q", up.Targets, up.OverallGoal)
	}
	if len(up.Targets) != 3 || up.Targets[2].Code != "T9" || up.Targets[2].Actual != "2" {
		t.Errorf("the undeclared target is not kept last: %+v", up.Targets)
	}
	if up.Finance.Budget.Adjusted != wan("1200") || up.Projects[0].Initial != wan("100") || len(up.Projects[0].Targets) != 1 || up.Projects[0].Targets[0].Code != "T1" {
		t.Errorf("project = %+v", up.Projects[0])
	}
	kept := findingsOf(ds, diag.BaselineKept)
	var msgs []string
	for _, f := range kept {
		msgs = append(msgs, f.Path+" "+f.Message)
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{
		"targets[1].target 绩效目标“办文数量”年度指标值“800”与批复的绩效目标不一致（批复“1000”）",
		"overall_goal 部门整体支出绩效目标“改写的目标”",
		"projects[0].initial 项目“政务服务”年初预算数“900000.00”",
		"projects[0].targets 批复的绩效指标“事项数”（编码 T1）不在上传的数据中，已按批复恢复",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("W183 findings lack %q:\n%s", want, all)
		}
	}
	if len(kept) != 4 {
		t.Errorf("%d W183 findings, want 4 (an empty remark is filled silently):\n%s", len(kept), all)
	}
	nd := findingsOf(ds, diag.NotDeclared)
	if len(nd) != 1 || nd[0].Path != "targets[2]" || !strings.Contains(nd[0].Message, "新增指标") || nd[0].Severity != diag.Warning {
		t.Errorf("W182 = %+v", nd)
	}
	// Keeping again finds nothing: the document now is the baseline.
	if again := up.KeepBaseline(b); len(findingsOf(again, diag.BaselineKept)) != 0 {
		t.Errorf("second keep: %v", again)
	}
	// The baseline itself is not changed.
	if b.Targets[0].Actual != "" || len(b.Targets) != 2 {
		t.Errorf("baseline changed: %+v", b.Targets)
	}
}

// An adjustment replaces one scope and marks the indicators it changed
// with the value first approved; the rest of the baseline stays.
func TestAdjust(t *testing.T) {
	b := Declared(approvedYear())
	scope, ok := b.Scope("P-01")
	if !ok || len(scope.Projects) != 1 || scope.Targets != nil {
		t.Fatalf("scope = %+v", scope)
	}
	scope.Projects[0].Targets[0].Target = "4"
	scope.Projects[0].Targets = append(scope.Projects[0].Targets, Target{Code: "T2", Name: "满意度", Category: "satisfaction", Direction: ">=", Target: "90", Unit: "%"})
	a1, err := b.Adjust("P-01", scope, 1, "上级调减任务")
	if err != nil {
		t.Fatal(err)
	}
	ts := a1.Projects[0].Targets
	if ts[0].Target != "4" || ts[0].Adjusted == nil || ts[0].Adjusted.Number != 1 || ts[0].Adjusted.From.Target != "5" || ts[0].Adjusted.Reason != "上级调减任务" {
		t.Errorf("changed indicator = %+v %+v", ts[0], ts[0].Adjusted)
	}
	if ts[1].Adjusted == nil || ts[1].Adjusted.From != nil {
		t.Errorf("added indicator = %+v", ts[1].Adjusted)
	}
	if a1.Targets[0].Adjusted != nil || b.Projects[0].Targets[0].Target != "5" {
		t.Error("the adjustment touched another scope or the old baseline")
	}
	// A second adjustment keeps the value first approved.
	s2, _ := a1.Scope("P-01")
	s2.Projects[0].Targets[0].Target = "3"
	a2, err := a1.Adjust("P-01", s2, 2, "再次调整")
	if err != nil {
		t.Fatal(err)
	}
	if adj := a2.Projects[0].Targets[0].Adjusted; adj.Number != 2 || adj.From.Target != "5" {
		t.Errorf("second adjustment = %+v", adj)
	}
	if adj := a2.Projects[0].Targets[1].Adjusted; adj.Number != 1 {
		t.Errorf("an unchanged indicator lost its marker: %+v", adj)
	}
	// Proposals of the wrong shape are refused with the reason.
	dep, _ := b.Scope(ScopeDepartment)
	dep.Targets[0].Code = ""
	if _, err := b.Adjust(ScopeDepartment, dep, 1, "r"); err == nil || !strings.Contains(err.Error(), "缺少指标编码") {
		t.Errorf("target without code: %v", err)
	}
	if _, err := b.Adjust("P-01", dep, 1, "r"); err == nil || !strings.Contains(err.Error(), "P-01") {
		t.Errorf("wrong scope: %v", err)
	}
	// The marker survives a year-end upload and keeping the baseline.
	up := approvedYear()
	up.KeepBaseline(a1)
	data, _ := json.Marshal(up.Projects[0].Targets[0])
	if !strings.Contains(string(data), `"adjusted":{"number":1,"from":{"direction":"\u003e=","target":"5"},"reason":"上级调减任务"}`) {
		t.Errorf("kept target = %s", data)
	}
}
