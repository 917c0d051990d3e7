package rectify_test

import (
	"os"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/rectify"
	"github.com/jixiao/jixiao/internal/workflow"
)

func tianhe(t *testing.T) *assess.Assessment {
	t.Helper()
	path := "../../examples/tianhe-gov-office-2023.yaml"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l, ds := datafile.Evaluation(path, data)
	if ds.Err() != nil {
		t.Fatal(ds)
	}
	lib, ds := datafile.LoadLibrary()
	if ds.Err() != nil {
		t.Fatal(ds)
	}
	a := assess.Assess(l.Value, lib, assess.Options{Calendar: calendar.ScoringOptions().Calendar})
	if a.Result == nil {
		t.Fatal(a.Findings)
	}
	return a
}

// Tianhe 2023 lost points in T3 (a target), B5.6 (contract filing), B6.5
// (transfers) and B6.6 (labels); its two problems name the last three:
// contracts the first, assets the second. T3 is named by no problem.
func TestSuggestTianhe(t *testing.T) {
	a := tianhe(t)
	s := rectify.Suggest(a.Evaluation, a.Result)
	var lost []string
	for _, l := range s.Lost {
		lost = append(lost, l.Scope+"/"+l.Node)
	}
	if got := strings.Join(lost, " "); got != "department/T3 department/B5.6 department/B6.5 department/B6.6 project:THZFB-2023-06/P1 project:THZFB-2023-07/P2.3" {
		t.Fatalf("lost points %s", got)
	}
	if len(s.Problems) != 2 {
		t.Fatalf("problems %+v", s.Problems)
	}
	nodes := func(p rectify.ProblemMatch) string {
		var out []string
		for _, l := range p.Lost {
			out = append(out, l.Node)
		}
		return strings.Join(out, " ")
	}
	if got := nodes(s.Problems[0]); got != "B5.6" {
		t.Errorf("problem 1 (contracts) linked to %q", got)
	}
	if got := nodes(s.Problems[1]); got != "B6.5 B6.6" {
		t.Errorf("problem 2 (assets) linked to %q", got)
	}
	if !strings.Contains(s.Problems[0].Measure, "合同") || !strings.Contains(s.Problems[1].Measure, "资产") {
		t.Errorf("measures %q / %q", s.Problems[0].Measure, s.Problems[1].Measure)
	}
	if len(s.Unmatched) != 3 || s.Unmatched[0].Node != "T3" || s.Unmatched[2].Scope != "project:THZFB-2023-07" {
		t.Errorf("unmatched %+v", s.Unmatched)
	}
	// The link carries the trace's sentence and the points.
	l := s.Problems[0].Lost[0].Link()
	if l.Kind != rectify.LinkDeduction || l.Ref() != "department/B5.6" || !strings.Contains(l.Trace, "备案") || l.Lost != "1" {
		t.Errorf("link %+v", l)
	}
	ds := s.Drafts()
	if len(ds) != 2 || len(ds[1].Links) != 2 || ds[0].Problem != a.Evaluation.Problems[0] {
		t.Errorf("drafts %+v", ds)
	}
	for i, d := range ds {
		if msgs := rectify.ValidateDraft("", &d, civil.MustDate(2024, 5, 10)); len(msgs) > 0 {
			t.Errorf("draft %d: %v", i, msgs)
		}
	}
}

func TestValidateListsEveryProblem(t *testing.T) {
	d := &rectify.Draft{Problem: " ", Unit: "a\nb", CompleteDue: civil.MustDate(2024, 1, 1), Links: []rectify.Link{
		{Kind: "deduction", Scope: "nowhere", Node: ""},
		{Kind: "warning"},
		{Kind: "email"},
		{Kind: "review_comment", ID: 3}, {Kind: "review_comment", ID: 3},
	}}
	msgs := rectify.ValidateDraft("第1项：", d, civil.MustDate(2024, 5, 10))
	want := []string{"问题描述不能为空", "责任单位不能换行", "早于下达日期", "范围 \"nowhere\" 无效", "缺少扣分的指标", "缺少编号", "种类 \"email\" 无效", "重复"}
	all := strings.Join(msgs, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("missing %q in:\n%s", w, all)
		}
	}
	for _, m := range msgs {
		if !strings.HasPrefix(m, "第1项：") {
			t.Errorf("%q does not say where", m)
		}
	}
	ev := rectify.ValidateEvidence("", 19, []rectify.Evidence{{Text: "备案表"}, {File: "x.pdf"}})
	if len(ev) != 2 || !strings.Contains(ev[0], "最多 20 项") || !strings.Contains(ev[1], "缺少说明") {
		t.Errorf("evidence %v", ev)
	}
}

func TestMovesAndOverdue(t *testing.T) {
	for _, c := range []struct {
		action, from, role, to string
		ok                     bool
	}{
		{rectify.ActionFile, rectify.Open, workflow.Editor, rectify.InProgress, true},
		{rectify.ActionFile, rectify.Open, workflow.Reviewer, "", false},
		{rectify.ActionDone, rectify.InProgress, workflow.Editor, rectify.Done, true},
		{rectify.ActionDone, rectify.Open, workflow.Editor, "", false},
		{rectify.ActionConfirm, rectify.Done, workflow.Reviewer, rectify.Closed, true},
		{rectify.ActionConfirm, rectify.Done, workflow.Editor, "", false},
		{rectify.ActionConfirm, rectify.InProgress, workflow.Reviewer, "", false},
		{rectify.ActionReject, rectify.Done, workflow.Reviewer, rectify.InProgress, true},
		{rectify.ActionWaive, rectify.Open, workflow.Reviewer, rectify.Closed, true},
		{rectify.ActionWaive, rectify.Closed, workflow.Reviewer, "", false},
		{rectify.ActionWaive, rectify.Open, workflow.Approver, "", false},
	} {
		m, err := rectify.FindMove(c.action, c.from, c.role)
		if (err == nil) != c.ok || (c.ok && m.To != c.to) {
			t.Errorf("%s from %s by %s: %+v, %v", c.action, c.from, c.role, m, err)
		}
		if err != nil && !strings.Contains(err.Error(), "不能") {
			t.Errorf("message %q", err)
		}
	}
	if _, err := rectify.FindMove("close", rectify.Open, workflow.Reviewer); err == nil || !strings.Contains(err.Error(), "未知的整改操作") {
		t.Errorf("unknown action: %v", err)
	}
	for _, m := range rectify.Moves {
		if (m.Action == rectify.ActionReject || m.Action == rectify.ActionWaive) != m.NeedsComment {
			t.Errorf("%s needs comment = %v", m.Action, m.NeedsComment)
		}
	}

	it := rectify.Item{Status: rectify.Open, MeasuresDue: rectify.Due{Date: civil.MustDate(2024, 5, 20), Rule: "measures_filed"}}
	if it.Overdue(civil.MustDate(2024, 5, 20)) || !it.Overdue(civil.MustDate(2024, 5, 21)) {
		t.Error("open item: overdue the day after its measures were due")
	}
	if it.StatusText(civil.MustDate(2024, 6, 1)) != "未整改（逾期）" {
		t.Errorf("status text %q", it.StatusText(civil.MustDate(2024, 6, 1)))
	}
	it.Status, it.CompleteDue = rectify.InProgress, rectify.Due{Rule: "rectification_complete"}
	if it.Overdue(civil.MustDate(2030, 1, 1)) {
		t.Error("a pending completion date is never overdue")
	}
	if it.CompleteDue.Text() != rectify.PendingNote {
		t.Errorf("pending text %q", it.CompleteDue.Text())
	}
	it.CompleteDue = rectify.Due{Date: civil.MustDate(2024, 9, 1), Rule: rectify.RuleByReviewer}
	if !it.Overdue(civil.MustDate(2024, 9, 2)) {
		t.Error("in progress past completion: overdue")
	}
	it.Status = rectify.Done
	if it.Overdue(civil.MustDate(2024, 9, 2)) {
		t.Error("done, awaiting confirmation: not overdue")
	}
	it.Status = rectify.Closed
	if it.Overdue(civil.MustDate(2025, 1, 1)) {
		t.Error("closed: never overdue")
	}

	items := []rectify.Item{
		{DepartmentCode: "2", Number: 1, Status: rectify.InProgress, CompleteDue: rectify.Due{Date: civil.MustDate(2024, 8, 1)}},
		{DepartmentCode: "1", Number: 1, Status: rectify.Closed},
		{DepartmentCode: "1", Number: 2, Status: rectify.Open, MeasuresDue: rectify.Due{Date: civil.MustDate(2024, 6, 1)}},
		{DepartmentCode: "1", Number: 3, Status: rectify.Open, MeasuresDue: rectify.Due{Date: civil.MustDate(2024, 9, 1)}},
	}
	rectify.Order(items, civil.MustDate(2024, 7, 1))
	var order []string
	for _, it := range items {
		order = append(order, it.DepartmentCode+"-"+string(rune('0'+it.Number)))
	}
	if got := strings.Join(order, " "); got != "1-2 2-1 1-3 1-1" {
		t.Errorf("bureau order %s", got)
	}
}
