package exante

import (
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
)

func pts(s string) num.Points {
	p, err := num.ParsePoints(s)
	if err != nil {
		panic(err)
	}
	return p
}

func ptr[T any](v T) *T { return &v }

type lib map[string]*framework.Framework

func (l lib) Framework(id string) (*framework.Framework, bool) { f, ok := l[id]; return f, ok }

// testFramework: N 40 (qualitative) + E 30 (checklist 20 + 10) + M 30
// (manual); conclusions at 80 and 60.
func testFramework() *framework.Framework {
	return &framework.Framework{
		ID: "t-exante", Name: "测试事前评估", Version: "1", Scope: framework.ScopeExante, Total: num.Whole(100),
		Grades: []framework.Grade{{Name: "予以支持", Min: num.Whole(80)}, {Name: "调整后予以支持", Min: num.Whole(60)}, {Name: "不予支持", Min: 0}},
		Indicators: []*framework.Indicator{
			{Code: "N", Name: "立项必要性", Points: num.Whole(40), Rule: &framework.Rule{Kind: framework.KindQualitative}},
			{Code: "E", Name: "投入经济性", Points: num.Whole(30), Rule: &framework.Rule{Kind: framework.KindChecklist, Items: []framework.ChecklistItem{
				{Code: "E1", Text: "测算依据充分", Points: num.Whole(20)},
				{Code: "E2", Text: "有成本控制措施", Points: num.Whole(10)},
			}}},
			{Code: "M", Name: "筹资合规性", Points: num.Whole(30), Rule: &framework.Rule{Kind: framework.KindManual}},
		},
	}
}

// record is a complete record for a 3,000,000-yuan new project assessed by
// the department, scoring 40 + 30 + m.
func record(m string) *Evaluation {
	return &Evaluation{
		Framework: "t-exante", Year: 2025,
		Department: Department{Code: "999-207001", Name: "示例局"},
		Project:    Project{Code: "P-2025-01", Name: "示例项目", Kind: KindNew, Amount: money.Yuan(3_000_000)},
		Assessor:   AssessorDepartment, Evaluator: "示例局事前绩效评估工作组", Date: civil.MustDate(2024, 9, 20),
		Scores: map[string]evaluation.Input{
			"N": {Level: "met", Score: ptr(num.Whole(40))},
			"M": {Score: ptr(pts(m)), Reason: "自筹资金尚未落实"},
		},
		Report: Report{Subject: "甲", Work: "乙", Assessment: "丙", Suggestions: "丁"},
	}
}

func codes(ds diag.List) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Code+" "+d.Path)
	}
	return out
}

func has(ds diag.List, code, path string) bool {
	for _, d := range ds {
		if d.Code == code && d.Path == path {
			return true
		}
	}
	return false
}

func TestNeed(t *testing.T) {
	th := DefaultThresholds
	cases := []struct {
		kind     string
		yuan     int64
		needed   bool
		assessor string
	}{
		{KindNew, 999_999, false, ""},
		{KindNew, 1_000_000, true, AssessorDepartment},
		{KindPolicy, 4_999_999, true, AssessorDepartment},
		{KindNew, 5_000_000, true, AssessorFinance},
		{KindPolicy, 80_000_000, true, AssessorFinance},
		{KindContinuing, 80_000_000, false, ""},
	}
	for _, c := range cases {
		r := th.Need(c.kind, money.Yuan(c.yuan))
		if r.Needed != c.needed || r.Assessor != c.assessor || r.Reason == "" {
			t.Errorf("%s %d: %+v, want needed %v by %q", c.kind, c.yuan, r, c.needed, c.assessor)
		}
	}
	if r := th.Need(KindNew, money.Yuan(5_000_000)); !strings.Contains(r.Reason, "500万元") || !strings.Contains(r.Reason, "默认标准") {
		t.Errorf("reason of the default thresholds: %q", r.Reason)
	}
	// Configured thresholds move the lines and are not called default.
	local := Thresholds{Department: money.Yuan(500_000), Finance: money.Yuan(3_000_000)}
	if r := local.Need(KindNew, money.Yuan(3_000_000)); r.Assessor != AssessorFinance || strings.Contains(r.Reason, "默认") {
		t.Errorf("local thresholds: %+v", r)
	}
	if local.Check() != "" || (Thresholds{Department: money.Yuan(5), Finance: money.Yuan(4)}).Check() == "" || (Thresholds{}).Check() == "" {
		t.Error("threshold checks")
	}
	if WanText(money.Yuan(865_000)) != "86.5" || WanText(money.Yuan(1_000_000)) != "100" {
		t.Errorf("WanText: %s %s", WanText(money.Yuan(865_000)), WanText(money.Yuan(1_000_000)))
	}
}

// The conclusion follows the framework's thresholds, boundary included in
// the higher band, and every lost point carries its reason in the trace.
func TestAssessConclusion(t *testing.T) {
	l := lib{"t-exante": testFramework()}
	for _, c := range []struct{ m, total, conclusion string }{
		{"30", "100", framework.ConclusionSupport},
		{"10", "80", framework.ConclusionSupport},
		{"9.99", "79.99", framework.ConclusionAdjusted},
		{"0", "70", framework.ConclusionAdjusted},
	} {
		a := Assess(record(c.m), l, Options{})
		if err := a.Findings.Err(); err != nil || a.Result == nil {
			t.Fatalf("m=%s: %v", c.m, err)
		}
		if a.Result.Total != pts(c.total) || a.Conclusion != c.conclusion || a.Scored != c.conclusion {
			t.Errorf("m=%s: total %s conclusion %s, want %s %s", c.m, a.Result.Total, a.Conclusion, c.total, c.conclusion)
		}
	}
	// A failed checklist item and a partly met qualitative judgement: 24 +
	// 10 + 20 = 54, 不予支持, each loss explained.
	ev := record("20")
	ev.Scores["N"] = evaluation.Input{Level: "partly", Score: ptr(num.Whole(24)), Reason: "需求调查样本不足"}
	ev.Scores["E"] = evaluation.Input{Checklist: []evaluation.ItemCheck{{Item: "E1", Passed: false, Reason: "设备单价无询价记录"}}}
	a := Assess(ev, l, Options{})
	if a.Result == nil || a.Result.Total != num.Whole(54) || a.Conclusion != framework.ConclusionReject || a.Result.Grade != "不予支持" {
		t.Fatalf("54: %+v %v", a.Result, a.Findings)
	}
	for _, n := range a.Result.Indicators {
		var lost num.Points
		for _, d := range n.Trace.Deductions {
			if d.Reason == "" {
				t.Errorf("%s: a deduction without a reason", n.Code)
			}
			lost += d.Points
		}
		if lost != n.Lost() || n.Trace.Formula == "" {
			t.Errorf("%s: deductions %s, lost %s, formula %q", n.Code, lost, n.Lost(), n.Trace.Formula)
		}
	}
}

func TestAssessFindings(t *testing.T) {
	l := lib{"t-exante": testFramework(), "dept": {ID: "dept", Scope: framework.ScopeDepartment}}

	// A 6,000,000-yuan project assessed by the department: E210, not
	// scored. By the finance bureau: fine.
	ev := record("30")
	ev.Project.Amount = money.Yuan(6_000_000)
	if a := Assess(ev, l, Options{}); !has(a.Findings, diag.ExanteAssessor, "assessor") || a.Result != nil {
		t.Errorf("department assessing a finance-level project: %v", codes(a.Findings))
	}
	ev.Assessor = AssessorFinance
	if a := Assess(ev, l, Options{}); a.Findings.Err() != nil || a.Requirement.Assessor != AssessorFinance {
		t.Errorf("finance assessing: %v", codes(a.Findings))
	}
	// The finance bureau may assess a department-level project too; under
	// local thresholds the same amount needs no evaluation at all (I210).
	ev = record("30")
	ev.Assessor = AssessorFinance
	if a := Assess(ev, l, Options{}); len(a.Findings) != 0 {
		t.Errorf("finance assessing a department-level project: %v", codes(a.Findings))
	}
	a := Assess(record("30"), l, Options{Thresholds: Thresholds{Department: money.Yuan(5_000_000), Finance: money.Yuan(10_000_000)}})
	if !has(a.Findings, diag.ExanteNotNeeded, "project.amount") || a.Result == nil {
		t.Errorf("below the threshold: %v", codes(a.Findings))
	}

	// A stated conclusion other than the score's needs a reason.
	ev = record("0") // 70: 调整后予以支持
	ev.Conclusion = framework.ConclusionReject
	if a := Assess(ev, l, Options{}); !has(a.Findings, diag.ConclusionNoReason, "conclusion_reason") {
		t.Errorf("stated conclusion without reason: %v", codes(a.Findings))
	}
	ev.ConclusionReason = "选址尚未取得规划许可，条件不成熟"
	a = Assess(ev, l, Options{})
	if !has(a.Findings, diag.ConclusionStated, "conclusion") || a.Findings.Err() != nil || a.Conclusion != framework.ConclusionReject || a.Scored != framework.ConclusionAdjusted {
		t.Errorf("stated conclusion with reason: %v, %s/%s", codes(a.Findings), a.Conclusion, a.Scored)
	}

	// Missing and wrong fields, each named.
	bad := &Evaluation{Framework: "t-exante", Year: 1999, Project: Project{Kind: "continuing", Amount: -1}, Assessor: "city", Conclusion: "maybe",
		Scores: map[string]evaluation.Input{"Z": {Level: "good"}, "E": {Checklist: []evaluation.ItemCheck{{Item: "E9"}}}},
		Report: Report{Subject: "甲\x00"}}
	a = Assess(bad, l, Options{})
	for _, want := range []struct{ code, path string }{
		{diag.BadValue, "year"}, {diag.Missing, "department.code"}, {diag.Missing, "department.name"},
		{diag.Missing, "project.code"}, {diag.Missing, "project.name"}, {diag.BadChoice, "project.kind"},
		{diag.BadValue, "project.amount"}, {diag.BadChoice, "assessor"}, {diag.Missing, "evaluator"}, {diag.Missing, "date"},
		{diag.BadChoice, "conclusion"}, {diag.BadChoice, "scores.Z.level"}, {diag.UnknownRef, "scores.Z"},
		{diag.UnknownRef, "scores.E.checklist[0].item"}, {diag.BadText, "report.subject"}, {diag.NarrativeAbsent, "report.work"},
	} {
		if !has(a.Findings, want.code, want.path) {
			t.Errorf("want %s at %s; got %v", want.code, want.path, codes(a.Findings))
		}
	}
	if a.Result != nil {
		t.Error("a record with errors must not be scored")
	}
	// A missing manual score is an error naming the field, after the
	// record itself is fine.
	ev = record("30")
	delete(ev.Scores, "M")
	if a := Assess(ev, l, Options{}); !has(a.Findings, diag.Missing, "scores.M.score") || a.Result != nil {
		t.Errorf("missing score: %v", codes(a.Findings))
	}
	// The framework must exist and be an ex-ante one.
	ev.Framework = "dept"
	if a := Assess(ev, l, Options{}); !has(a.Findings, diag.BadChoice, "framework") {
		t.Errorf("department framework: %v", codes(a.Findings))
	}
	ev.Framework = "nope"
	if a := Assess(ev, l, Options{}); !has(a.Findings, diag.UnknownRef, "framework") {
		t.Errorf("unknown framework: %v", codes(a.Findings))
	}
	// Read errors: checked, not scored.
	if a := Assess(record("30"), l, Options{ReadErrors: true}); a.Result != nil {
		t.Error("read errors must stop scoring")
	}
}
