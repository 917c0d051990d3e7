package store

import (
	"strings"
	"testing"
	"time"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/rectify"
	"github.com/jixiao/jixiao/internal/results"
	"github.com/jixiao/jixiao/internal/workflow"
)

// resultsStore holds Qinghe 2024 (coded projects, the first continuing)
// and Tianhe 2023 (no project codes), both accepted, and a Qinghe
// variant for another department still in review.
func resultsStore(t *testing.T, dsn string) (*Store, people) {
	t.Helper()
	s := open(t, dsn)
	qh := exampleEntry(t, qinghePath)
	qh.Evaluation.Projects[1].Kind = evaluation.ProjectNew
	th := exampleEntry(t, tianhePath)
	th.Evaluation.Projects[0].Code = ""
	other := entry(t, variant(t, qh.Evaluation, "900200", 0), "c.yaml")
	mustImport(t, s, []Entry{qh, th, other}, Summary{Created: 3})
	p := mkPeople(t, s, qh.Evaluation.Department.Code, "900200")
	setStatus(t, s, qh.Evaluation.Department.Code, 2024, workflow.Accepted)
	setStatus(t, s, th.Evaluation.Department.Code, 2023, workflow.Published)
	setStatus(t, s, "900200", 2024, workflow.UnderReview)
	return s, p
}

func findRow(t *testing.T, y *ResultsYear, scope string) ResultRow {
	t.Helper()
	for _, r := range y.Rows() {
		if r.Scope == scope {
			return r
		}
	}
	t.Fatalf("no row %s in %s", scope, y.DepartmentCode)
	return ResultRow{}
}

func TestResultsSuggestions(t *testing.T) {
	rules := datafile.DefaultResults()
	eachBackend(t, func(t *testing.T, dsn string) {
		s, _ := resultsStore(t, dsn)
		qh := loadExample(t, qinghePath)
		code := qh.Department.Code
		ys, total, err := s.Suggestions(ctx, ResultsFilter{Year: 2024}, rules)
		if err != nil {
			t.Fatal(err)
		}
		// Only the accepted year: 900200 is under review.
		if total != 1 || len(ys) != 1 || ys[0].DepartmentCode != code {
			t.Fatalf("got %d years (total %d), want Qinghe alone", len(ys), total)
		}
		y := ys[0]
		if y.Year != 2024 || len(y.Projects) != len(qh.Projects) {
			t.Fatalf("%d projects, want %d", len(y.Projects), len(qh.Projects))
		}
		dep := y.Overall
		if dep.Base != qh.Finance.Budget.Initial || dep.Grade == "" || dep.Suggestion == nil {
			t.Fatalf("department row %+v", dep)
		}
		p1 := findRow(t, y, "project:"+qh.Projects[0].Code)
		if p1.Kind != evaluation.ProjectContinuing || p1.Type != results.Recurring || p1.Base != qh.Projects[0].Initial {
			t.Errorf("project 1: kind %q type %q base %s", p1.Kind, p1.Type, p1.Base)
		}
		p2 := findRow(t, y, "project:"+qh.Projects[1].Code)
		if p2.Kind != evaluation.ProjectNew || p2.Type != results.OneOff {
			t.Errorf("project 2: kind %q type %q, want new → one_off", p2.Kind, p2.Type)
		}
		want, _ := rules.Suggest(results.Input{Scope: results.ScopeProject, Type: p1.Type, Grade: p1.Grade, Base: p1.Base, BaseName: BaseName})
		if p1.Suggestion == nil || p1.Suggestion.Amount != want.Amount || p1.Suggestion.Rule.ID != want.Rule.ID {
			t.Errorf("project 1 suggestion %+v, want %+v", p1.Suggestion, want)
		}
		// Filters: the grade of the department, decided or not, region.
		for _, tc := range []struct {
			f    ResultsFilter
			want int
		}{
			{ResultsFilter{Year: 2024, Grade: dep.Grade}, 1},
			{ResultsFilter{Year: 2024, Grade: otherGrade(dep.Grade)}, 0},
			{ResultsFilter{Year: 2024, Decided: ResultsUndecided}, 1},
			{ResultsFilter{Year: 2024, Decided: ResultsDecided}, 0},
			{ResultsFilter{Year: 2024, Region: "没有的地区"}, 0},
			{ResultsFilter{Year: 2023}, 1},
			{ResultsFilter{Year: 2024, Offset: 1}, 1},
		} {
			got, n, err := s.Suggestions(ctx, tc.f, rules)
			rows := tc.want
			if tc.f.Offset > 0 {
				rows = 0
			}
			if err != nil || n != tc.want || len(got) != rows {
				t.Errorf("%+v: %d (%d rows), %v; want %d", tc.f, n, len(got), err, tc.want)
			}
		}
		// Tianhe's projects have no codes: kept by position.
		th, _, err := s.Suggestions(ctx, ResultsFilter{Year: 2023}, rules)
		if err != nil {
			t.Fatal(err)
		}
		if r := th[0].Projects[0]; r.Scope != "seq:1" || r.Type != results.Recurring || r.Suggestion == nil {
			t.Errorf("Tianhe project 1: %+v", r)
		}
		// Every bad filter value at once.
		_, _, err = s.Suggestions(ctx, ResultsFilter{Year: 1, Grade: "合格", Decided: "maybe", Limit: MaxResultsYears + 1, Offset: -1}, rules)
		if apperr.Code(err) != apperr.EINVALID {
			t.Fatalf("bad filter: %v", err)
		}
		for _, w := range []string{"年度应在", "合格", "maybe", "每次最多读取", "起始位置"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q lacks %q", err, w)
			}
		}
	})
}

func otherGrade(g string) string {
	if g == "差" {
		return "优"
	}
	return "差"
}

func TestResultsDecide(t *testing.T) {
	rules := datafile.DefaultResults()
	eachBackend(t, func(t *testing.T, dsn string) {
		s, p := resultsStore(t, dsn)
		qh := loadExample(t, qinghePath)
		code, pcode := qh.Department.Code, qh.Projects[1].Code
		scope := "project:" + pcode
		before, err := s.Get(ctx, code, 2024)
		if err != nil {
			t.Fatal(err)
		}
		// Only a reviewer decides.
		for _, u := range []User{p.editorA, p.approverA, p.admin} {
			_, err := s.DecideResult(ctx, code, 2024, ResultDecisionInput{Scope: scope, Type: results.OneOff, Decision: "as_needed"}, rules, u)
			if apperr.Code(err) != apperr.EFORBIDDEN {
				t.Errorf("%s decided: %v", u.Username, err)
			}
		}
		// A year not accepted: refused.
		if _, err := s.DecideResult(ctx, "900200", 2024, ResultDecisionInput{Scope: ResultScopeDepartment, Decision: "as_needed"}, rules, p.reviewer); apperr.Code(err) != apperr.EINVALID {
			t.Errorf("decision on a year under review: %v", err)
		}
		// Every problem at once.
		_, err = s.DecideResult(ctx, code, 2024, ResultDecisionInput{Scope: scope, Type: "weekly", Decision: "double", Amount: -1}, rules, p.reviewer)
		if apperr.Code(err) != apperr.EINVALID {
			t.Fatalf("bad decision: %v", err)
		}
		for _, w := range []string{"项目类型“weekly”无效", "处理决定“double”", "决定金额 -0.01 元"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q lacks %q", err, w)
			}
		}
		if _, err := s.DecideResult(ctx, code, 2024, ResultDecisionInput{Scope: "project:NONE", Decision: "cancel"}, rules, p.reviewer); apperr.Code(err) != apperr.ENOTFOUND {
			t.Errorf("unknown scope: %v", err)
		}
		// The reviewer makes it phased: the suggestion follows the type.
		row := findRow(t, mustResults(t, s, code), scope)
		phased, _ := rules.Suggest(results.Input{Scope: results.ScopeProject, Type: results.Phased, Grade: row.Grade, Base: row.Base})
		// A decision differing from the suggestion needs a reason.
		changed := ResultDecisionInput{Scope: scope, Type: results.Phased, Decision: "reduce", Amount: phased.Amount - money.Yuan(1000)}
		if _, err := s.DecideResult(ctx, code, 2024, changed, rules, p.reviewer); apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "须说明理由") {
			t.Fatalf("decision differing without reason: %v", err)
		}
		changed.Reason = "项目实施期缩短，核减部分资金"
		got, err := s.DecideResult(ctx, code, 2024, changed, rules, p.reviewer)
		if err != nil {
			t.Fatal(err)
		}
		d := got.Decision
		if d == nil || d.Version != 1 || d.Type != results.Phased || d.Suggested != phased.Amount || d.Decided != changed.Amount || d.RuleID != phased.Rule.ID || d.DecidedBy != "reviewer" {
			t.Fatalf("decision %+v, suggested %+v", d, phased)
		}
		// A second first decision conflicts; a stale revision too.
		if _, err := s.DecideResult(ctx, code, 2024, changed, rules, p.reviewer); apperr.Code(err) != apperr.ECONFLICT {
			t.Errorf("second decision: %v", err)
		}
		rev := changed
		rev.Version, rev.Reason, rev.Decision, rev.Amount = 1, "", phased.Suggestion, phased.Amount
		if _, err := s.DecideResult(ctx, code, 2024, rev, rules, p.reviewer); apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "修改已作出的决定须说明理由") {
			t.Errorf("revision without reason: %v", err)
		}
		rev.Reason = "按建议决定"
		if got, err = s.DecideResult(ctx, code, 2024, rev, rules, p.reviewer); err != nil || got.Decision.Version != 2 {
			t.Fatalf("revision: %v %+v", err, got)
		}
		rev.Version = 1
		if _, err := s.DecideResult(ctx, code, 2024, rev, rules, p.reviewer); apperr.Code(err) != apperr.ECONFLICT {
			t.Errorf("stale revision: %v", err)
		}
		// The department, as suggested: no reason needed.
		dep := mustResults(t, s, code).Overall
		if _, err := s.DecideResult(ctx, code, 2024, ResultDecisionInput{Scope: ResultScopeDepartment, Decision: dep.Suggestion.Suggestion, Amount: dep.Suggestion.Amount}, rules, p.reviewer); err != nil {
			t.Fatal(err)
		}
		// Read back: stored type wins over the kind's default; not stale.
		y := mustResults(t, s, code)
		if r := findRow(t, y, scope); r.Type != results.Phased || r.Decision == nil || r.Stale() {
			t.Errorf("row after decision: type %s decision %+v stale %v", r.Type, r.Decision, r.Stale())
		}
		if _, n, _ := s.Suggestions(ctx, ResultsFilter{Year: 2024, Decided: ResultsUndecided}, rules); n != 1 {
			t.Errorf("undecided: %d, want 1 (projects left)", n)
		}
		// History: one row per decision, labelled in Chinese; the year's
		// version unchanged.
		hs := historyAt(t, s, code, 2024, "results."+scope+".decision")
		if len(hs) != 2 || hs[0].Reason != changed.Reason || hs[1].Reason != "按建议决定" || !strings.Contains(hs[1].New, phased.Name) || !strings.Contains(hs[1].Old, "阶段性项目") {
			t.Fatalf("history %+v", hs)
		}
		if f := hs[0].Field(before.Evaluation); f != "项目“"+qh.Projects[1].Name+"”结果应用决定" {
			t.Errorf("label %q", f)
		}
		if hd := historyAt(t, s, code, 2024, "results.department.decision"); len(hd) != 1 || hd[0].Reason != "按建议决定" || hd[0].Field(nil) != "部门整体结果应用决定" {
			t.Errorf("department history %+v", hd)
		}
		after, _ := s.Get(ctx, code, 2024)
		if after.Version != before.Version {
			t.Errorf("version %d → %d", before.Version, after.Version)
		}
		// Next year reads the latest decided year as 参考.
		refs, err := s.ResultReferences(ctx, code, 2025, rules)
		if err != nil {
			t.Fatal(err)
		}
		ref, ok := refs[scope]
		if !ok || ref.Year != 2024 || ref.Decision.Decided != phased.Amount || ref.DecisionName != phased.Name {
			t.Errorf("reference %+v", ref)
		}
		if _, ok := refs[ResultScopeDepartment]; !ok {
			t.Error("no department reference")
		}
		if refs, _ := s.ResultReferences(ctx, code, 2024, rules); len(refs) != 0 {
			t.Errorf("a year's own decisions are not its reference: %v", refs)
		}
	})
}

func mustResults(t *testing.T, s *Store, code string) *ResultsYear {
	t.Helper()
	y, err := s.ResultsOf(ctx, code, 2024, datafile.DefaultResults())
	if err != nil {
		t.Fatal(err)
	}
	return y
}

// A department whose earlier rectification is overdue gets the results
// rules' no-rectification suggestion for its department and projects
// (not for exempt ones), and the row says why.
func TestResultsRectificationOverdue(t *testing.T) {
	rules := datafile.DefaultResults()
	eachBackend(t, func(t *testing.T, dsn string) {
		s, p := resultsStore(t, dsn)
		qh := loadExample(t, qinghePath)
		code := qh.Department.Code
		before := mustResults(t, s, code)
		if before.OverdueRectifications != 0 || before.Overall.Suggestion == nil || before.Overall.Suggestion.Rule.ID == rules.NoRectification.ID {
			t.Fatalf("before any item: %+v", before.Overall)
		}
		prev := entry(t, variant(t, qh, code, 2023), "qh2023.yaml")
		mustImport(t, s, []Entry{prev}, Summary{Created: 1})
		at(s, 2024, time.March, 1)
		if _, err := s.IssueRectifications(ctx, code, 2023, []rectify.Draft{{Problem: "预算执行进度偏慢"}}, p.reviewer, "2023年度评价结果反馈"); err != nil {
			t.Fatal(err)
		}
		// Thirty days later the measures are not filed: overdue.
		at(s, 2024, time.May, 1)
		after := mustResults(t, s, code)
		if after.OverdueRectifications != 1 {
			t.Fatalf("overdue items %d, want 1", after.OverdueRectifications)
		}
		for _, r := range after.Rows() {
			if r.Suggestion == nil {
				t.Fatalf("%s: no suggestion (%s)", r.Scope, r.Problem)
			}
			if r.Type != results.Exempt && r.Suggestion.Rule.ID != rules.NoRectification.ID {
				t.Errorf("%s: rule %s, want %s", r.Scope, r.Suggestion.Rule.ID, rules.NoRectification.ID)
			}
		}
	})
}
