package store

import (
	"strings"
	"testing"
	"time"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/cycle"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/rectify"
	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/workflow"
)

// at sets the store's clock to a day in Beijing time (10:00).
func at(s *Store, y int, m time.Month, d int) {
	s.now = func() time.Time { return time.Date(y, m, d, 10, 0, 0, 0, chinaTime).UTC() }
}

func assessStored(t *testing.T, s *Store, code string, year int) (*Record, *assess.Assessment) {
	t.Helper()
	r, err := s.Get(ctx, code, year)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := r.Library()
	if err != nil {
		t.Fatal(err)
	}
	return r, assess.Assess(r.Evaluation, lib, r.AssessOptions())
}

func linkRefs(it rectify.Item) string {
	var out []string
	for _, l := range it.Links {
		out = append(out, l.Ref())
	}
	return strings.Join(out, " ")
}

// The Tianhe example end to end: the two problems of 2023 become items
// linked to the points lost in 采购管理 (B5.6) and 资产管理 (B6.5, B6.6);
// the department files, reports and the reviewer returns, confirms; the
// year opened from 2023 warns of the item still open (W187); at year end
// its B4.5 loses a point for each item overdue and its report lists the
// items; waiving one rescores the year.
func TestRectificationTianhe(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn)
		code := th.Evaluation.Department.Code
		at(s, 2024, time.May, 10)

		sg, err := s.RectificationSuggestions(ctx, code, 2023)
		if err != nil {
			t.Fatal(err)
		}
		if len(sg.Problems) != 2 || len(sg.Problems[0].Lost) != 1 || len(sg.Problems[1].Lost) != 2 {
			t.Fatalf("suggestions %+v", sg.Problems)
		}
		if _, err := s.IssueFromProblems(ctx, code, 2023, p.editorA, ""); apperr.Code(err) != apperr.EFORBIDDEN {
			t.Fatalf("editor issuing: %v", err)
		}
		items, err := s.IssueFromProblems(ctx, code, 2023, p.reviewer, "2023年度绩效评价结果反馈")
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 2 {
			t.Fatalf("items %+v", items)
		}
		one, two := items[0], items[1]
		if one.Number != 1 || two.Number != 2 || one.Status != rectify.Open || one.IssuedBy != p.reviewer.Username {
			t.Errorf("items %+v", items)
		}
		if linkRefs(one) != "department/B5.6" || linkRefs(two) != "department/B6.5 department/B6.6" {
			t.Errorf("links %q / %q", linkRefs(one), linkRefs(two))
		}
		if !strings.Contains(one.Links[0].Trace, "THZFB-2023-HT-011") || one.Links[0].Lost != "1" {
			t.Errorf("the link does not carry the trace: %+v", one.Links[0])
		}
		// 30 days from 10 May 2024 is Sunday 9 June, then 端午 on the 10th: rolled to the 11th.
		if one.IssuedOn != civil.MustDate(2024, 5, 10) || one.MeasuresDue.Date != civil.MustDate(2024, 6, 11) || one.MeasuresDue.Rule != cycle.MeasuresFiled {
			t.Errorf("dates %s %+v", one.IssuedOn, one.MeasuresDue)
		}
		if one.CompleteDue.Set() || !strings.Contains(one.Measure, "合同") {
			t.Errorf("complete due %+v, measure %q", one.CompleteDue, one.Measure)
		}
		if _, err := s.IssueFromProblems(ctx, code, 2023, p.reviewer, ""); apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "均已下达") {
			t.Errorf("issuing twice: %v", err)
		}
		// Bad drafts: every problem listed, nothing stored.
		_, err = s.IssueRectifications(ctx, code, 2023, []rectify.Draft{
			{Problem: one.Problem},
			{Problem: "新问题", Links: []rectify.Link{{Kind: rectify.LinkDeduction, Scope: rectify.ScopeDepartment, Node: "B1.1"}, {Kind: rectify.LinkWarning, ID: 999}}},
			{Problem: ""},
		}, p.reviewer, "")
		if apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "第 3 项：问题描述不能为空") {
			t.Fatalf("bad drafts: %v", err)
		}
		_, err = s.IssueRectifications(ctx, code, 2023, []rectify.Draft{
			{Problem: one.Problem},
			{Problem: "新问题", Links: []rectify.Link{{Kind: rectify.LinkDeduction, Scope: rectify.ScopeDepartment, Node: "B1.1"}, {Kind: rectify.LinkWarning, ID: 999}}},
		}, p.reviewer, "")
		for _, w := range []string{"已作为第 1 号整改事项下达", "B1.1", "没有扣分", "没有该监控预警"} {
			if apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), w) {
				t.Errorf("bad links: want %q in %v", w, err)
			}
		}
		if got, _ := s.Rectifications(ctx, code, 2023); len(got) != 2 {
			t.Fatalf("a refused issue stored items: %d", len(got))
		}
		// A hand-made item has no source.
		hand, err := s.IssueRectifications(ctx, code, 2023, []rectify.Draft{{Problem: "办公用房使用面积超标", Unit: "办公室", Person: "张三",
			CompleteDue: civil.MustDate(2024, 12, 31)}}, Operator("operator", workflow.Reviewer), "")
		if err != nil || len(hand) != 1 || hand[0].Number != 3 || len(hand[0].Links) != 0 || hand[0].CompleteDue.Rule != rectify.RuleByReviewer {
			t.Fatalf("by hand: %+v %v", hand, err)
		}

		// The stored 2023 year still scores 97 优: the items are its own,
		// they decide nothing in it.
		if _, a := assessStored(t, s, code, 2023); a.Result == nil || a.Result.Total != 9700 || a.Result.Grade != "优" {
			t.Fatalf("2023 after issuing: %+v", a.Result)
		}

		// The life of item 1.
		mv := func(u User, action string, in RectificationMove, v int) (*rectify.Item, error) {
			return s.MoveRectification(ctx, code, 2023, 1, action, in, v, u)
		}
		if _, err := mv(p.reviewer, rectify.ActionConfirm, RectificationMove{}, 1); apperr.Code(err) != apperr.EFORBIDDEN {
			t.Errorf("confirming an open item: %v", err)
		}
		if _, err := mv(p.editorB, rectify.ActionFile, RectificationMove{}, 1); apperr.Code(err) != apperr.EFORBIDDEN {
			t.Errorf("another department's editor: %v", err)
		}
		at(s, 2024, time.May, 20)
		it, err := mv(p.editorA, rectify.ActionFile, RectificationMove{Measure: "建立合同备案台账，签订后 5 个工作日内备案"}, 1)
		if err != nil {
			t.Fatal(err)
		}
		if it.Status != rectify.InProgress || it.MeasuresFiledOn != civil.MustDate(2024, 5, 20) || it.CompleteDue.Date != civil.MustDate(2024, 8, 19) ||
			it.CompleteDue.Rule != cycle.RectificationComplete || it.Version != 2 {
			t.Errorf("filed %+v", it)
		}
		if _, err := mv(p.editorA, rectify.ActionDone, RectificationMove{}, 1); apperr.Code(err) != apperr.ECONFLICT {
			t.Errorf("stale version: %v", err)
		}
		if _, err := mv(p.editorA, rectify.ActionDone, RectificationMove{Evidence: []rectify.Evidence{{File: "a.pdf"}}}, 2); apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "缺少说明") {
			t.Errorf("evidence without text: %v", err)
		}
		if _, err := mv(p.editorA, rectify.ActionDone, RectificationMove{}, 2); apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "须附佐证材料") {
			t.Errorf("done without evidence: %v", err)
		}
		it, err = mv(p.editorA, rectify.ActionDone, RectificationMove{Evidence: []rectify.Evidence{{Text: "合同备案登记表", File: "备案表.pdf"}}}, 2)
		if err != nil || it.Status != rectify.Done || len(it.Evidence) != 1 || it.Evidence[0].AddedBy != p.editorA.Username {
			t.Fatalf("done %+v %v", it, err)
		}
		if _, err := mv(p.reviewer, rectify.ActionReject, RectificationMove{}, 3); apperr.Code(err) != apperr.EINVALID {
			t.Errorf("return without a comment: %v", err)
		}
		if it, err = mv(p.reviewer, rectify.ActionReject, RectificationMove{Comment: "缺少备案系统截图"}, 3); err != nil || it.Status != rectify.InProgress || it.Comment != "缺少备案系统截图" {
			t.Fatalf("returned %+v %v", it, err)
		}
		if it, err = mv(p.editorA, rectify.ActionDone, RectificationMove{Evidence: []rectify.Evidence{{Text: "备案系统截图"}}}, 4); err != nil || len(it.Evidence) != 2 {
			t.Fatalf("done again %+v %v", it, err)
		}
		at(s, 2024, time.June, 3)
		if it, err = mv(p.reviewer, rectify.ActionConfirm, RectificationMove{}, 5); err != nil || it.Status != rectify.Closed || it.ClosedOn != civil.MustDate(2024, 6, 3) || it.Confirmer != p.reviewer.Username {
			t.Fatalf("confirmed %+v %v", it, err)
		}
		// Edits: the reviewer the problem, not the measure.
		if _, err := s.EditRectification(ctx, code, 2023, 2, RectificationEdit{Measure: ptrTo("x")}, 1, p.reviewer, ""); apperr.Code(err) != apperr.EFORBIDDEN || !strings.Contains(err.Error(), "整改措施") {
			t.Errorf("reviewer editing the measure: %v", err)
		}
		if it, err = s.EditRectification(ctx, code, 2023, 2, RectificationEdit{Unit: ptrTo("行政科"), Person: ptrTo("李四")}, 1, p.editorA, "明确责任人"); err != nil || it.Unit != "行政科" || it.Version != 2 {
			t.Fatalf("editor editing %+v %v", it, err)
		}

		// History of the origin year, in words.
		hist, err := s.History(ctx, code, 2023)
		if err != nil {
			t.Fatal(err)
		}
		var labels []string
		for _, h := range hist {
			if strings.HasPrefix(h.Path, "rectification[") {
				labels = append(labels, h.Field(nil)+"="+h.ValueName(h.New))
			}
		}
		all := strings.Join(labels, "\n")
		for _, w := range []string{"整改事项第1号=" + one.Problem, "整改事项第1号状态=整改中", "整改事项第1号整改措施=建立合同备案台账", "整改事项第1号佐证材料=合同备案登记表（备案表.pdf）",
			"整改事项第1号状态=已销号", "整改事项第2号责任人=李四"} {
			if !strings.Contains(all, w) {
				t.Errorf("history lacks %q:\n%s", w, all)
			}
		}

		// The next year: opened from 2023, its declaration warns of the
		// items still open.
		if _, err := s.OpenYears(ctx, []OpenRequest{{Code: code, Year: 2024}}, "operator", ""); err != nil {
			t.Fatal(err)
		}
		at(s, 2024, time.July, 1)
		r, a := assessStored(t, s, code, 2024)
		if r.Cycle.Rectification == nil || len(r.Cycle.Rectification.Previous()) != 3 || r.Cycle.Rectification.Year != 2023 {
			t.Fatalf("2024 reads %+v", r.Cycle.Rectification)
		}
		var w187 []string
		for _, f := range a.Findings {
			if f.Code == diag.RectificationOpen {
				w187 = append(w187, f.Message)
			}
		}
		if len(w187) != 2 || !strings.Contains(w187[0], "2023年度整改事项第2号") || !strings.Contains(w187[0], "逾期") {
			t.Errorf("W187 %v", w187)
		}

		// The bureau's list: overdue first.
		list, total, err := s.BureauRectifications(ctx, RectificationFilter{})
		if err != nil || total != 3 || len(list) != 3 || list[0].Number != 2 || list[1].Number != 3 || list[2].Number != 1 {
			t.Fatalf("bureau list %v %d %v", numbers(list), total, err)
		}
		if list, total, err = s.BureauRectifications(ctx, RectificationFilter{Overdue: true}); err != nil || total != 2 || list[0].Number != 2 || list[1].Number != 3 {
			t.Errorf("overdue %v %d %v", numbers(list), total, err)
		}
		if list, total, err = s.BureauRectifications(ctx, RectificationFilter{Status: rectify.Closed, Year: 2023, Department: code}); err != nil || total != 1 || list[0].Number != 1 || len(list[0].Links) != 1 {
			t.Errorf("closed %v %d %v", numbers(list), total, err)
		}
		if list, total, err = s.BureauRectifications(ctx, RectificationFilter{Limit: 1, Offset: 1}); err != nil || total != 3 || len(list) != 1 || list[0].Number != 3 {
			t.Errorf("paged %v %d %v", numbers(list), total, err)
		}
		if list, total, err = s.BureauRectifications(ctx, RectificationFilter{Department: "a\x00b"}); err != nil || total != 0 || len(list) != 0 {
			t.Errorf("a code with NUL: %v %d %v", numbers(list), total, err)
		}
		if _, err := s.Rectification(ctx, code, 2023, 0); apperr.Code(err) != apperr.ENOTFOUND {
			t.Errorf("item 0: %v", err)
		}
		if _, _, err = s.BureauRectifications(ctx, RectificationFilter{Limit: MaxRectificationPage + 1}); apperr.Code(err) != apperr.EINVALID {
			t.Errorf("over the page bound: %v", err)
		}

		// At year end (the stage set directly, and the year's data
		// replaced by the year-end file) B4.5 loses a point for each of
		// items 2 and 3 (overdue), and the report lists every item of 2023.
		setStage(t, s, code, 2024, workflow.Evaluation, workflow.Draft)
		ev24 := clone(t, th.Evaluation)
		ev24.Year = 2024
		mustImport(t, s, []Entry{entry(t, ev24, "tianhe-2024.yaml")}, Summary{Replaced: 1})
		r, a = assessStored(t, s, code, 2024)
		if a.Result == nil {
			t.Fatal(a.Findings.Errors())
		}
		b45 := deduction(a.Result, "B4.5")
		if b45 == nil || b45.Points != 200 || !strings.Contains(b45.Reason, "2023年度整改事项第2号") || !strings.Contains(b45.Reason, "2023年度整改事项第3号") {
			t.Fatalf("B4.5 %+v", b45)
		}
		doc := report.Build(report.Input{Evaluation: r.Evaluation, Result: a.Result, Framework: a.Weighted, Cycle: r.Cycle})
		var tbl *report.Table
		for _, b := range doc.Blocks {
			if t, ok := b.(*report.Table); ok && t.Sheet == "上年问题整改情况" {
				tbl = t
			}
		}
		if tbl == nil || len(tbl.Rows) != 4 {
			t.Fatalf("report table %+v", tbl)
		}
		if got := tbl.Rows[1].Cells[3].Text; got != "已销号（2024年6月3日）" {
			t.Errorf("item 1 status %q", got)
		}
		if got := tbl.Rows[2].Cells[3].Text; got != "未整改（逾期，整改措施报送期限2024年6月11日）" {
			t.Errorf("item 2 status %q", got)
		}
		before, _ := s.Get(ctx, code, 2024)
		if _, err := s.MoveRectification(ctx, code, 2023, 2, rectify.ActionWaive, RectificationMove{Comment: "机构改革后资产已整体划转"}, 2, p.reviewer); err != nil {
			t.Fatal(err)
		}
		after, _ := s.Get(ctx, code, 2024)
		if after.Total != before.Total+100 {
			t.Errorf("waiving the overdue item: total %s → %s, want a point more", before.Total, after.Total)
		}
	})
}

func ptrTo(s string) *string { return &s }

func numbers(items []rectify.Item) []int {
	out := make([]int, len(items))
	for i, it := range items {
		out[i] = it.Number
	}
	return out
}

// deduction finds the deduction of a checklist item in the department tree.
func deduction(res *scoring.Result, item string) *scoring.Deduction {
	var found *scoring.Deduction
	var walk func(ns []*scoring.Node)
	walk = func(ns []*scoring.Node) {
		for _, n := range ns {
			for i, d := range n.Trace.Deductions {
				if strings.HasPrefix(d.Item, item+" ") {
					found = &n.Trace.Deductions[i]
				}
			}
			walk(n.Children)
		}
	}
	walk(res.Indicators)
	return found
}

// An item issued when the calendar does not have the year of its due
// date keeps the date empty, with the rule, never a guess.
func TestRectificationDuePending(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn)
		at(s, 2026, time.December, 20)
		items, err := s.IssueRectifications(ctx, th.Evaluation.Department.Code, 2023, []rectify.Draft{{Problem: "问题"}}, p.reviewer, "")
		if err != nil {
			t.Fatal(err)
		}
		d := items[0].MeasuresDue
		if d.Set() || !d.Pending() || d.Rule != cycle.MeasuresFiled || d.From != civil.MustDate(2026, 12, 20) || d.Text() != rectify.PendingNote {
			t.Errorf("due %+v", d)
		}
		if items[0].Overdue(civil.MustDate(2030, 1, 1)) {
			t.Error("a pending date made the item overdue")
		}
		// Once the calendar has the year, migrate fills it in; one it
		// still lacks stays pending. (An item of 2024 made pending by hand
		// stands for one issued before the 2024 notice was loaded.)
		at(s, 2024, time.May, 10)
		more, err := s.IssueRectifications(ctx, th.Evaluation.Department.Code, 2023, []rectify.Draft{{Problem: "另一问题"}}, p.reviewer, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.db.Exec(s.rebind("UPDATE rectification_items SET measures_due = NULL WHERE id = ?"), more[0].ID); err != nil {
			t.Fatal(err)
		}
		if n, err := s.FillPendingDues(ctx); err != nil || n != 1 {
			t.Fatalf("filled %d, %v", n, err)
		}
		got, _ := s.Rectification(ctx, th.Evaluation.Department.Code, 2023, more[0].Number)
		if got.MeasuresDue.Date != civil.MustDate(2024, 6, 11) || got.Version != more[0].Version {
			t.Errorf("filled %+v", got.MeasuresDue)
		}
		if n, err := s.FillPendingDues(ctx); err != nil || n != 0 {
			t.Errorf("filled again %d, %v", n, err)
		}
		if still, _ := s.Rectification(ctx, th.Evaluation.Department.Code, 2023, items[0].Number); !still.MeasuresDue.Pending() {
			t.Errorf("a date of 2027 was guessed: %+v", still.MeasuresDue)
		}
		hist, _ := s.History(ctx, th.Evaluation.Department.Code, 2023)
		found := false
		for _, h := range hist {
			found = found || h.Path == "rectification[2].measures_due" && h.Field(nil) == "整改事项第2号整改措施报送期限" && h.New == "2024年6月11日"
		}
		if !found {
			t.Error("no history row for the filled date")
		}
	})
}

// An item may come from a review comment of the year: the link carries
// the comment's text; a comment of another year is refused.
func TestRectificationFromComment(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn)
		code := th.Evaluation.Department.Code
		c, err := s.AddComment(ctx, code, 2023, "", "B5", "合同备案台账未按月更新", p.reviewer)
		if err != nil {
			t.Fatal(err)
		}
		items, err := s.IssueRectifications(ctx, code, 2023, []rectify.Draft{{Problem: "合同备案台账未按月更新",
			Links: []rectify.Link{{Kind: rectify.LinkReviewComment, ID: c.ID}}}}, p.reviewer, "复核意见")
		if err != nil {
			t.Fatal(err)
		}
		l := items[0].Links
		if len(l) != 1 || l[0].Kind != rectify.LinkReviewComment || l[0].ID != c.ID || l[0].Trace != "合同备案台账未按月更新" || l[0].Describe() == "" {
			t.Errorf("links %+v", l)
		}
		other, err := s.AddComment(ctx, "900100", 2023, "", "B5", "另一部门的意见", p.reviewer)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.IssueRectifications(ctx, code, 2023, []rectify.Draft{{Problem: "x", Links: []rectify.Link{{Kind: rectify.LinkReviewComment, ID: other.ID}}}}, p.reviewer, "")
		if apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "没有该复核意见") {
			t.Errorf("another year's comment: %v", err)
		}
	})
}

// RectificationCounts counts a year's items by status and those overdue.
func TestRectificationCounts(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn)
		code := th.Evaluation.Department.Code
		at(s, 2024, time.May, 10)
		if _, err := s.IssueFromProblems(ctx, code, 2023, p.reviewer, "反馈"); err != nil {
			t.Fatal(err)
		}
		by, overdue, err := s.RectificationCounts(ctx, 2023)
		if err != nil || by[rectify.Open] != 2 || overdue != 0 {
			t.Fatalf("on issue: %v, %d overdue, %v", by, overdue, err)
		}
		// The measures were due on 11 June 2024.
		at(s, 2024, time.June, 12)
		if by, overdue, err = s.RectificationCounts(ctx, 2023); err != nil || by[rectify.Open] != 2 || overdue != 2 {
			t.Fatalf("after the deadline: %v, %d overdue, %v", by, overdue, err)
		}
		if by, _, err = s.RectificationCounts(ctx, 2022); err != nil || len(by) != 0 {
			t.Errorf("another year: %v, %v", by, err)
		}
	})
}
