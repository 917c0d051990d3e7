package report_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/render"
	"github.com/jixiao/jixiao/internal/render/markdown"
	"github.com/jixiao/jixiao/internal/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func loadExample(t *testing.T, path string) *evaluation.Evaluation {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l, ds := datafile.Evaluation(path, data)
	if ds.Err() != nil {
		t.Fatal(ds)
	}
	return l.Value
}

// The declaration of the Qinghe example, as Markdown, is the golden file:
// one department table and one table per project, every declared field in
// its place.
func TestDeclarationGolden(t *testing.T) {
	d := report.BuildDeclaration(loadExample(t, "../../examples/qinghe-health-2024.yaml"))
	var buf bytes.Buffer
	if err := markdown.Render(&buf, d); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "declaration-qinghe.md")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if buf.String() != string(want) {
		t.Errorf("declaration differs from %s (run go test -update to accept):\n%s", golden, buf.String())
	}
}

// cellTexts is the text of every cell that starts at its grid position,
// row by row.
func cellTexts(t *testing.T, tb *report.Table) [][]string {
	t.Helper()
	grid, err := tb.Grid()
	if err != nil {
		t.Fatalf("%s: %v", tb.Sheet, err)
	}
	var out [][]string
	for _, row := range grid {
		var r []string
		for _, s := range row {
			if !s.Covered {
				r = append(r, s.Cell.Text)
			}
		}
		out = append(out, r)
	}
	return out
}

func rowWith(rows [][]string, first string) []string {
	for _, r := range rows {
		if len(r) > 0 && r[0] == first {
			return r
		}
	}
	return nil
}

func TestDeclarationTables(t *testing.T) {
	ev := loadExample(t, "../../examples/qinghe-health-2024.yaml")
	d := report.BuildDeclaration(ev)
	tables := d.Tables()
	if len(tables) != 1+len(ev.Projects) {
		t.Fatalf("%d tables, want the department's and one per project (%d)", len(tables), 1+len(ev.Projects))
	}
	dept := cellTexts(t, tables[0])
	if got := rowWith(dept, "年度资金（万元）"); strings.Join(got, "|") != "年度资金（万元）|资金总额|财政拨款（本级）|财政拨款（上级）|自有资金|其他资金" {
		t.Errorf("fund captions: %q", got)
	}
	// The amounts row follows the captions: 5650.00 = 5230 + 340 + 80 + 0.
	for i, r := range dept {
		if len(r) > 0 && r[0] == "年度资金（万元）" {
			if got := strings.Join(dept[i+1], "|"); got != "5650.00|5230.00|340.00|80.00|0.00" {
				t.Errorf("fund amounts: %s", got)
			}
			if got := strings.Join(dept[i+2], "|"); got != "其中：基本支出|3270.00|项目支出|2380.00" {
				t.Errorf("basic and project: %s", got)
			}
		}
	}
	p := cellTexts(t, tables[1])
	for _, want := range [][]string{
		{"项目属性", "延续", "项目负责人", "王某"},
		{"项目起止时间", "2022年1月1日至2026年12月31日", "项目总资金（万元）", "7000.00"},
		{"实施进度计划", "实施内容", "开始时间", "完成时间"},
		{"产出指标", "数量指标", "居民电子健康档案建档率", "≥", "90", "%", "历史标准", "86 / 88 / 89 / 90", ""},
	} {
		if got := rowWith(p, want[0]); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("project row %s = %q, want %q", want[0], got, want)
		}
	}
	// A project that declares nothing still gets its table: the total from
	// the initial budget, the supervisor and unit default to the department.
	q := cellTexts(t, tables[2])
	if got := rowWith(q, "主管部门"); len(got) < 4 || got[1] != ev.Department.Name || got[3] != ev.Department.Name {
		t.Errorf("undeclared project: %q", got)
	}
	if got := rowWith(q, "项目属性"); strings.Join(got, "|") != "项目属性||项目负责人|" {
		t.Errorf("undeclared project kind: %q", got)
	}
}

// Indicators are grouped by level-1 and level-2 indicator in the national
// order whatever order the file lists them in; milestones not set print
// as "—"; a qualitative indicator prints 定性.
func TestDeclarationIndicatorOrder(t *testing.T) {
	ev := loadExample(t, "../../examples/qinghe-health-2024.yaml")
	ev.Declaration = nil
	ev.Targets = []evaluation.Target{
		{Category: "satisfaction", Subcategory: "服务对象满意度指标", Name: "满意度", Direction: ">=", Target: "90", Unit: "%"},
		{Category: "output", Subcategory: "质量指标", Name: "合格率", Direction: "=", Target: "100", Unit: "%", Milestones: &evaluation.Milestones{Q4: "100"}},
		{Category: "output", Subcategory: "数量指标", Name: "场次", Direction: ">=", Target: "4", Unit: "场", Basis: "plan"},
		{Category: "effect", Subcategory: "社会效益指标", Name: "成效", Direction: "qualitative", Target: "明显提升"},
		{Category: "output", Subcategory: "数量指标", Name: "人次", Direction: ">=", Target: "500", Unit: "人次"},
	}
	ev.Projects = nil
	tb := report.DepartmentDeclarationTable(ev)
	rows := cellTexts(t, tb)
	var got []string
	started := false
	for _, r := range rows {
		if r[0] == "一级指标" {
			started = true
			continue
		}
		if started {
			got = append(got, strings.Join(r, "|"))
		}
	}
	want := []string{
		"产出指标|数量指标|场次|≥|4|场|计划标准||",
		"人次|≥|500|人次|||",
		"质量指标|合格率|=|100|%||— / — / — / 100|",
		"效益指标|社会效益指标|成效|定性|明显提升||||",
		"满意度指标|服务对象满意度指标|满意度|≥|90|%|||",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("indicator rows:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Without a declaration block the total is the initial budget and the
	// sources are left blank.
	for i, r := range rows {
		if r[0] == "年度资金（万元）" {
			if got := strings.Join(rows[i+1], "|"); got != ev.Finance.Budget.Initial.Wan()+"||||" {
				t.Errorf("undeclared funds: %q", got)
			}
		}
	}
}

func TestDeclarationOpenPeriod(t *testing.T) {
	ev := loadExample(t, "../../examples/qinghe-health-2024.yaml")
	ev.Projects[0].Period.End = civil.Date{}
	rows := cellTexts(t, report.ProjectDeclarationTable(ev, 0))
	if got := rowWith(rows, "项目起止时间"); len(got) < 2 || got[1] != "2022年1月1日起" {
		t.Errorf("open period: %q", got)
	}
}

// Every format but PDF (the HTML printed by a browser) draws the
// declaration of both examples, the one that declares nothing included:
// the tables' spans lay out on their grids.
func TestDeclarationRendersInEveryFormat(t *testing.T) {
	for _, path := range []string{"../../examples/tianhe-gov-office-2023.yaml", "../../examples/qinghe-health-2024.yaml"} {
		d := report.BuildDeclaration(loadExample(t, path))
		for _, tb := range d.Tables() {
			if _, err := tb.Grid(); err != nil {
				t.Errorf("%s: %v", path, err)
			}
		}
		for _, f := range render.Formats {
			if f.Ext == "pdf" {
				continue
			}
			var buf bytes.Buffer
			if err := f.Render(context.Background(), &buf, d, nil); err != nil || buf.Len() == 0 {
				t.Errorf("%s as %s: %v", path, f.Ext, err)
			}
		}
	}
}
