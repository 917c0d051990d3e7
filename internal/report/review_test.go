package report_test

import (
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/cycle"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/rectify"
	"github.com/jixiao/jixiao/internal/report"
)

// reviewed is the Tianhe example assessed with review scores on a
// department target, a checklist item and an indicator of the second
// project.
func reviewed(t *testing.T) (*assess.Assessment, report.Input) {
	t.Helper()
	ev := loadExample(t, "../../examples/tianhe-gov-office-2023.yaml")
	lib, _ := datafile.LoadLibrary()
	scores := assess.Scores{
		assess.ScopeDepartment:                      {"T3": {Points: 300, Reason: "采用数据无佐证", Reviewer: "rv"}, "B5.1": {Points: 0, Reason: "意向公开晚于规定", Reviewer: "rv"}},
		assess.ProjectScope(1, ev.Projects[1].Code): {"P1": {Points: 500, Reason: "执行数含预付款", Reviewer: "rv"}},
	}
	a := assess.Assess(ev, lib, assess.Options{Calendar: calendar.ScoringOptions().Calendar, Reviews: scores})
	if a.Result == nil || a.Review == nil {
		t.Fatal(a.Findings)
	}
	return a, report.Input{Evaluation: ev, Result: a.Result, Framework: a.Weighted, Review: a.Review}
}

// cellTexts is every cell of a table, row by row.
func reviewCells(t *report.Table) [][]string {
	var out [][]string
	for _, r := range t.Rows {
		var row []string
		for _, c := range r.Cells {
			row = append(row, c.Text)
		}
		out = append(out, row)
	}
	return out
}

// spans is the columns a row covers.
func spans(r report.Row) int {
	n := 0
	for _, c := range r.Cells {
		n += max(c.ColSpan, 1)
	}
	return n
}

// Where a review score counts, the tables show 复核得分 beside 得分 (the
// self-scores unchanged), the reason in the last column and the totals
// and grades after review; a project table the review did not touch keeps
// the eight columns; the text states the results after review.
func TestReviewInTables(t *testing.T) {
	a, in := reviewed(t)
	dt := report.DepartmentTable(in)
	if len(dt.Columns) != 9 {
		t.Fatalf("department table: %d columns", len(dt.Columns))
	}
	rows := reviewCells(dt)
	var t3, b5, total []string
	for _, tb := range []*report.Table{dt, report.ProjectTable(in, 1), report.ProjectTable(in, 0)} {
		if _, err := tb.Grid(); err != nil {
			t.Errorf("%s: %v", tb.Sheet, err)
		}
	}
	for i := range dt.Rows {
		for _, c := range rows[i] {
			switch {
			case strings.Contains(c, "政务信息被市级以上刊物采用"):
				t3 = rows[i]
			case c == "采购管理":
				b5 = rows[i]
			case c == "总分":
				total = rows[i]
			}
		}
	}
	if len(t3) < 2 || t3[len(t3)-3] != "4" || t3[len(t3)-2] != "3" || !strings.Contains(t3[len(t3)-1], "复核由4分调整为3分：采用数据无佐证") {
		t.Errorf("T3 row %q", t3)
	}
	if len(b5) < 2 || !strings.Contains(b5[len(b5)-1], "复核B5.1 由2分调整为0分：意向公开晚于规定") {
		t.Errorf("B5 row %q", b5)
	}
	if len(total) != 5 || total[2] != "97" || total[3] != a.Review.Total.String() || total[4] != "自评等级：优；复核后等级："+a.Review.Grade {
		t.Errorf("total row %q (after review %s)", total, a.Review.Total)
	}
	p1 := report.ProjectTable(in, 1)
	if len(p1.Columns) != 9 || !strings.Contains(strings.Join(p1.Notes, ""), "执行数含预付款") {
		t.Errorf("project 2 table: %d columns, notes %q", len(p1.Columns), p1.Notes)
	}
	pr := a.Review.Projects[1]
	last := reviewCells(p1)[len(p1.Rows)-1]
	if last[3] != pr.ReviewTotal.Fixed() || !strings.Contains(last[4], "复核后等级："+pr.Grade) {
		t.Errorf("project 2 total %q, want %s %s", last, pr.ReviewTotal, pr.Grade)
	}
	if p0 := report.ProjectTable(in, 0); len(p0.Columns) != 8 {
		t.Errorf("project 1 (not reviewed): %d columns", len(p0.Columns))
	}
	text := ""
	for _, b := range report.Build(in).Blocks {
		if p, ok := b.(*report.Paragraph); ok {
			for _, r := range p.Runs {
				text += r.Text
			}
		}
	}
	if !strings.Contains(text, "自评97分") || !strings.Contains(text, "部门整体复核后总分"+a.Review.Total.String()+"分") || !strings.Contains(text, "项目“"+pr.Name+"”自评") {
		t.Errorf("report text lacks the review: %s", text)
	}
}

// The review letter: addressed to the department; both totals and
// grades; every changed item with self-score, review score and reason;
// the comments; the measures deadline from the acceptance day on the
// calendar (30 days rolled from 2024-04-01 is 2024-05-06, after the May
// Day holiday), or the note that it runs from acceptance.
func TestReviewLetter(t *testing.T) {
	a, in := reviewed(t)
	cal, err := calendar.Default()
	if err != nil {
		t.Fatal(err)
	}
	li := report.ReviewLetterInput{Evaluation: in.Evaluation, Result: a.Result, Review: a.Review, Comments: []string{"B5 采购管理：合同未按规定备案"},
		Accepted: civil.MustDate(2024, 4, 1), Rules: datafile.DefaultCycle(), Calendar: cal, Issuer: "天河区财政局"}
	d := report.BuildReviewLetter(li)
	var text strings.Builder
	var changes *report.Table
	for _, b := range d.Blocks {
		switch x := b.(type) {
		case *report.Paragraph:
			for _, r := range x.Runs {
				text.WriteString(r.Text)
			}
		case *report.Table:
			if x.Title == "复核调整的指标" {
				changes = x
			}
		}
	}
	s := text.String()
	for _, want := range []string{"广州市天河区人民政府办公室：", "自评97分", "复核后得分" + a.Review.Total.String() + "分", "合同未按规定备案", "2024年5月6日前", "天河区财政局"} {
		if !strings.Contains(s, want) {
			t.Errorf("letter lacks %q:\n%s", want, s)
		}
	}
	if changes == nil || len(changes.Rows) != 4 {
		t.Fatalf("changes table %+v", changes)
	}
	if r := reviewCells(changes)[3]; !strings.Contains(r[1], in.Evaluation.Projects[1].Name) || r[2] != "P1 预算执行率" || r[5] != "5" || r[6] != "执行数含预付款" {
		t.Errorf("project line %q", r)
	}
	// The items issued for the year are listed with their source and
	// measures deadline.
	li.Items = []rectify.Item{{Year: 2023, Number: 1, Problem: "合同未按规定备案", Status: rectify.Open,
		MeasuresDue: rectify.Due{Rule: cycle.MeasuresFiled, Date: civil.MustDate(2024, 5, 6)},
		Links:       []rectify.Link{{Kind: rectify.LinkDeduction, Scope: rectify.ScopeDepartment, Node: "B5.6"}}}}
	var items *report.Table
	for _, b := range report.BuildReviewLetter(li).Blocks {
		if x, ok := b.(*report.Table); ok && x.Title == "整改事项" {
			items = x
		}
	}
	if items == nil || len(items.Rows) != 2 {
		t.Fatalf("items table %+v", items)
	}
	if r := reviewCells(items)[1]; r[0] != "2023-1" || !strings.Contains(r[2], "B5.6") || r[3] != "2024年5月6日" || r[4] != "未整改" {
		t.Errorf("item row %q", r)
	}
	li.Items = nil
	li.Accepted = civil.Date{}
	d = report.BuildReviewLetter(li)
	found := false
	for _, b := range d.Blocks {
		if p, ok := b.(*report.Paragraph); ok && strings.Contains(p.Runs[0].Text, "复核尚未通过") {
			found = true
		}
	}
	if !found || d.Date != "" {
		t.Error("a letter before acceptance does not say the deadline runs from it")
	}
}
