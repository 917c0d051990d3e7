package report_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/monitor"
	"github.com/jixiao/jixiao/internal/render"
	"github.com/jixiao/jixiao/internal/report"
)

// monitoringCase is the worked example of docs/monitoring.md (560,000.00
// yuan, 174,720.00 paid by 31 July) with a ≥ indicator behind its June
// milestone and a department indicator on track.
func monitoringCase(t *testing.T) report.Monitoring {
	t.Helper()
	ev := &evaluation.Evaluation{Year: 2024, Department: evaluation.Department{Code: "U1", Name: "示例局"}, OverallGoal: "完成年度培训任务。"}
	ev.Finance.Budget.Initial = money.Yuan(2_000_000)
	ev.Targets = []evaluation.Target{{Code: "T1", Category: "output", Subcategory: "数量指标", Name: "重点工作完成率", Direction: ">=", Target: "95", Unit: "%"}}
	ev.Projects = []evaluation.Project{{Code: "P1", Name: "基层干部培训", Initial: money.Yuan(560_000), Goal: "培训基层干部1000人次。", Targets: []evaluation.Target{
		{Code: "T1", Category: "output", Subcategory: "数量指标", Name: "培训人次", Direction: ">=", Target: "1000", Unit: "人次", Milestones: &evaluation.Milestones{Q1: "200", Q2: "400", Q3: "700", Q4: "1000"}},
		{Code: "T2", Category: "satisfaction", Subcategory: "服务对象满意度指标", Name: "学员满意度", Direction: ">=", Target: "90", Unit: "%"},
	}}}
	paid := []monitor.MonthlyPaid{
		{UnitCode: "U1", ProjectCode: "P1", Month: 1, Amount: money.Yuan(20_000)},
		{UnitCode: "U1", ProjectCode: "P1", Month: 3, Amount: money.Yuan(60_000)},
		{UnitCode: "U1", ProjectCode: "P1", Month: 5, Amount: money.Yuan(50_000)},
		{UnitCode: "U1", ProjectCode: "P1", Month: 6, Amount: money.Yuan(48_000)},
		{UnitCode: "U1", ProjectCode: "P1", Month: 7, Amount: money.Yuan(-3_280)},
		{UnitCode: "U1", ProjectCode: "", Month: 2, Amount: money.Yuan(700_000)},
	}
	st, err := monitor.StatusOf(ev, paid, 7, monitor.Schedule{})
	if err != nil {
		t.Fatal(err)
	}
	expected := money.Yuan(540_000)
	c := &monitor.Checkpoint{Month: 7,
		Targets: []monitor.Progress{{Code: "T1", ToDate: "60", Expected: "96", Likelihood: monitor.Certain}},
		Projects: []monitor.ProjectProgress{{Code: "P1", Expected: &expected, Indicators: []monitor.Progress{
			{Code: "T1", ToDate: "350", Expected: "950", Causes: []string{monitor.CauseFunds, monitor.CauseStaff}, Likelihood: monitor.Possible,
				Explanation: "上级资金6月下旬到位，二季度培训推迟", Measures: "8月起每月加开两期"},
		}}}}
	return report.Monitoring{Evaluation: ev, Checkpoint: c, Status: st}
}

// cellTexts returns a table's cell texts row by row, joined by "|".
func rowTexts(tb *report.Table) []string {
	var out []string
	for _, r := range tb.Rows {
		var cs []string
		for _, c := range r.Cells {
			cs = append(cs, c.Text)
		}
		out = append(out, strings.Join(cs, "|"))
	}
	return out
}

func TestBuildMonitoring(t *testing.T) {
	m := monitoringCase(t)
	d := report.BuildMonitoring(m)
	if d.Title != "示例局2024年1—7月绩效目标执行监控表" {
		t.Errorf("title %q", d.Title)
	}
	ts := d.Tables()
	if len(ts) != 3 || ts[0].Sheet != "部门整体监控表" || ts[1].Sheet != "项目汇总" || ts[2].Sheet != "监控项目1" {
		t.Fatalf("tables %d", len(ts))
	}
	for _, tb := range ts {
		if _, err := tb.Grid(); err != nil {
			t.Errorf("%s: %v", tb.Sheet, err)
		}
	}
	rows := strings.Join(rowTexts(ts[2]), "\n")
	// Funds: computed from the payments (17.47 万元 paid, 31.20%), the
	// expected spending as entered.
	for _, want := range []string{
		"项目资金（万元）|年初预算数|1—7月执行数|1—7月执行率|全年预计执行数",
		"56.00|17.47|31.20%|54.00",
		"数量指标|培训人次|≥1000人次|350人次\n（未达Q2节点值400）|950人次|经费保障、人员保障|有可能|上级资金6月下旬到位，二季度培训推迟\n纠偏措施：8月起每月加开两期|",
		"服务对象满意度指标|学员满意度|≥90%||||||",
	} {
		if !strings.Contains(rows, want) {
			t.Errorf("project table lacks %q:\n%s", want, rows)
		}
	}
	// The department: every payment of the unit (874,720.00 yuan), the
	// projection marked as computed.
	dept := strings.Join(rowTexts(ts[0]), "\n")
	if !strings.Contains(dept, "200.00|87.47|43.74%|149.95※") {
		t.Errorf("department funds:\n%s", dept)
	}
	sum := strings.Join(rowTexts(ts[1]), "\n")
	if !strings.Contains(sum, "基层干部培训（P1）|56.00|17.47|31.20%|54.00|2|1|1") || !strings.Contains(sum, "合计|56.00|17.47|31.20%|54.00") {
		t.Errorf("summary:\n%s", sum)
	}
	// A rate cell carries its number for the spreadsheet.
	for _, r := range ts[2].Rows {
		for _, c := range r.Cells {
			if c.Text == "31.20%" && (c.Number == nil || *c.Number != 0.312 || c.Format != "0.00%") {
				t.Errorf("rate cell %+v", c)
			}
		}
	}
}

// Projects without a budget (a year just opened) have no rate: the
// tables say "—" instead of dividing by zero.
func TestBuildMonitoringWithoutBudgets(t *testing.T) {
	m := monitoringCase(t)
	m.Evaluation.Projects[0].Initial = 0
	st, err := monitor.StatusOf(m.Evaluation, nil, 7, monitor.Schedule{})
	if err != nil {
		t.Fatal(err)
	}
	m.Status = st
	sum := strings.Join(rowTexts(report.BuildMonitoring(m).Tables()[1]), "\n")
	if !strings.Contains(sum, "合计|0.00|0.00|—|54.00") {
		t.Errorf("summary:\n%s", sum)
	}
}

// Every registry format renders the document; JIXIAO_MONITORING_OUT keeps
// the files for a look (soffice, pdftoppm).
func TestRenderMonitoring(t *testing.T) {
	d := report.BuildMonitoring(monitoringCase(t))
	dir := os.Getenv("JIXIAO_MONITORING_OUT")
	for _, ext := range []string{"md", "docx", "xlsx", "html"} {
		f, _ := render.Lookup(ext)
		var buf bytes.Buffer
		if err := f.Render(context.Background(), &buf, d, nil); err != nil {
			t.Fatalf("%s: %v", ext, err)
		}
		if buf.Len() == 0 {
			t.Errorf("%s: empty", ext)
		}
		if ext == "md" && !strings.Contains(buf.String(), "（未达Q2节点值400）") {
			t.Errorf("markdown lacks the entry:\n%s", buf.String())
		}
		if dir != "" {
			if err := os.WriteFile(filepath.Join(dir, "monitoring."+ext), buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
