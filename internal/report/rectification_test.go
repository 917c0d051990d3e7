package report_test

import (
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/scoring"
)

// The next year's report says how last year's problems were rectified,
// from the items the store read (Cycle.Rectification), after the
// analysis of the self-evaluation; a year without items, or a plain data
// file, has no such section.
func TestRectificationSection(t *testing.T) {
	ev := loadExample(t, "../../examples/tianhe-gov-office-2023.yaml")
	ev.Year = 2024
	lib, _ := datafile.LoadLibrary()
	res, ds := scoring.ScoreWith(ev, lib, calendar.ScoringOptions())
	if ds.Err() != nil {
		t.Fatal(ds)
	}
	fw, _ := lib.Framework(ev.Framework)
	r := &evaluation.Rectification{Year: 2023, AsOf: civil.MustDate(2024, 7, 1), Items: []evaluation.RectificationRecord{
		{Year: 2023, Number: 1, Problem: "政府采购合同备案的及时性不足", Measure: "优化合同审批流转", Status: "closed", StatusName: "已销号", Closed: true,
			IssuedOn: civil.MustDate(2024, 4, 1), CompleteDue: "2024年8月1日", ClosedOn: civil.MustDate(2024, 6, 3)},
		{Year: 2023, Number: 2, Problem: "固定资产动态管理有待加强", Status: "open", StatusName: "未整改", Overdue: true,
			IssuedOn: civil.MustDate(2024, 4, 1), MeasuresDue: "2024年5月6日"},
		// An older item still open: warned about, not reported here.
		{Year: 2022, Number: 1, Problem: "旧问题", Status: "in_progress", StatusName: "整改中"},
	}}
	for _, c := range []struct {
		name  string
		cycle *evaluation.Cycle
		want  bool
	}{{"file", nil, false}, {"no items", &evaluation.Cycle{}, false}, {"items", &evaluation.Cycle{Rectification: r}, true}} {
		d := report.Build(report.Input{Evaluation: ev, Result: res, Framework: fw, Cycle: c.cycle})
		hs := strings.Join(headings(d), "\n")
		if got := strings.Contains(hs, "上年问题整改情况"); got != c.want {
			t.Errorf("%s: section present %v:\n%s", c.name, got, hs)
		}
		if !c.want {
			continue
		}
		if !strings.Contains(hs, "（四）上年问题整改情况\n三、存在的主要问题") {
			t.Errorf("section not last of 二:\n%s", hs)
		}
		var tbl *report.Table
		var text []string
		for _, b := range d.Blocks {
			switch b := b.(type) {
			case *report.Table:
				if b.Sheet == "上年问题整改情况" {
					tbl = b
				}
			case *report.Paragraph:
				for _, r := range b.Runs {
					text = append(text, r.Text)
				}
			}
		}
		body := strings.Join(text, "\n")
		if !strings.Contains(body, "针对2023年度绩效评价发现的问题，财政部门下达整改事项2项，截至2024年7月1日，已销号1项，未整改1项，其中逾期未整改到位1项。") {
			t.Errorf("sentence missing:\n%s", body)
		}
		if tbl == nil || len(tbl.Rows) != 3 {
			t.Fatalf("table %+v", tbl)
		}
		row := func(i int) string {
			var cs []string
			for _, c := range tbl.Rows[i].Cells {
				cs = append(cs, c.Text)
			}
			return strings.Join(cs, "|")
		}
		if got := row(1); got != "1|政府采购合同备案的及时性不足|优化合同审批流转|已销号（2024年6月3日）|2024年4月1日|2024年8月1日" {
			t.Errorf("row 1 %s", got)
		}
		if got := row(2); got != "2|固定资产动态管理有待加强|尚未报送|未整改（逾期，整改措施报送期限2024年5月6日）|2024年4月1日|—" {
			t.Errorf("row 2 %s", got)
		}
	}
}
