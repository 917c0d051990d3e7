package report_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/scoring"
)

func build(t *testing.T, path string, edit func(*evaluation.Evaluation)) *report.Document {
	t.Helper()
	ev := loadExample(t, path)
	if edit != nil {
		edit(ev)
	}
	lib, _ := datafile.LoadLibrary()
	res, ds := scoring.ScoreWith(ev, lib, calendar.ScoringOptions())
	if ds.Err() != nil {
		t.Fatal(ds)
	}
	fw, _ := lib.Framework(ev.Framework)
	if len(ev.Weights) > 0 {
		fw, _ = fw.WithPoints(ev.Weights)
	}
	return report.Build(report.Input{Evaluation: ev, Result: res, Framework: fw})
}

func headings(d *report.Document) []string {
	var hs []string
	for _, b := range d.Blocks {
		if h, ok := b.(*report.Heading); ok && h.Level <= 2 {
			hs = append(hs, h.Text)
		}
	}
	return hs
}

// The outline is the reference's: 一 to 四 with every subsection.
func TestOutline(t *testing.T) {
	d := build(t, "../../examples/tianhe-gov-office-2023.yaml", nil)
	want := []string{
		"一、部门基本情况", "（一）部门职能", "（二）年度总体工作和重点工作任务", "（三）部门整体支出绩效目标",
		"（四）部门整体收支情况（以决算数为统计口径）", "（五）部门整体绩效管理情况",
		"二、绩效自评情况", "（一）自评结论", "（二）履职效能分析", "（三）管理效率分析",
		"三、存在的主要问题", "四、下一步改进措施",
	}
	if got := headings(d); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("outline:\n got %q\nwant %q", got, want)
	}
	if d.Label != "附件2" || !strings.HasPrefix(d.Title, "广州市天河区人民政府办公室2023年度") {
		t.Errorf("label %q title %q", d.Label, d.Title)
	}
}

// An optional section takes its place without leaving a gap in the
// numbering.
func TestOptionalSectionRenumbers(t *testing.T) {
	d := build(t, "../../examples/tianhe-gov-office-2023.yaml", func(e *evaluation.Evaluation) {
		e.Department.Organisation = "内设综合科等科室。"
		e.Department.Staffing = &evaluation.Staffing{Authorised: 60, Actual: 58}
	})
	hs := strings.Join(headings(d), "|")
	for _, s := range []string{"（二）设置机构及人员情况", "（三）年度总体工作和重点工作任务", "（六）部门整体绩效管理情况"} {
		if !strings.Contains(hs, s) {
			t.Errorf("outline lacks %q: %s", s, hs)
		}
	}
	if !strings.Contains(text(d), "编制 60 人，2023年末实有人数 58 人") {
		t.Error("staffing sentence missing")
	}
}

func text(d *report.Document) string {
	var b strings.Builder
	for _, bl := range d.Blocks {
		switch v := bl.(type) {
		case *report.Paragraph:
			b.WriteString(v.Text())
		case *report.Heading:
			b.WriteString(v.Text)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// A fall in income is stated as a fall, with its own sign handling; with
// two sources, the change is said of the total, before the sources, not
// after the last source as if it were that source's.
func TestIncomeSentenceDecrease(t *testing.T) {
	ev := &evaluation.Evaluation{Year: 2024, Department: evaluation.Department{ShortName: "我局"}}
	ev.Finance.Income = []evaluation.Income{{Kind: "general_public", Amount: money.Yuan(900_000)}, {Kind: "business", Amount: money.Yuan(100_000)}}
	ev.Finance.PriorIncome = money.Yuan(1_250_000)
	ev.Finance.IncomeChangeReasons = []string{"项目减少。"}
	got := report.IncomeSentence(ev)
	want := "我局2024年决算收入合计100.00万元，较上年减少25.00万元，降幅20.0%，主要原因是：项目减少。其中：一般公共预算财政拨款收入90.00万元，占总收入的90%；事业收入10.00万元，占总收入的10%。"
	if got != want {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
	// Growth and share precision are report settings.
	two, one := 2, 1
	ev.Report.GrowthDecimals, ev.Report.ShareDecimals = &two, &one
	ev.Finance.Income[0].Amount = money.Yuan(950_000) // 95 of 105 万元, down 20 of 125
	got = report.IncomeSentence(ev)
	for _, w := range []string{"降幅16.00%", "占总收入的90.5%"} {
		if !strings.Contains(got, w) {
			t.Errorf("with growth 2 and share 1 decimals, %q lacks %q", got, w)
		}
	}
}

// One source keeps the reference wording: the change follows the source.
func TestIncomeSentenceOneSource(t *testing.T) {
	ev := &evaluation.Evaluation{Year: 2023, Department: evaluation.Department{ShortName: "我办"}}
	ev.Finance.Income = []evaluation.Income{{Kind: "general_public", Amount: money.Yuan(33_086_320)}}
	ev.Finance.PriorIncome = money.Yuan(28_980_000)
	got := report.IncomeSentence(ev)
	want := "我办2023年决算收入3308.63万元，本年一般公共预算财政拨款收入3308.63万元，占总收入的100%，较上年增加410.63万元，增幅14.2%。"
	if got != want {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
}

// Every table of both examples lays out on its grid: spans never overlap
// or leave holes.
func TestTablesLayOut(t *testing.T) {
	for _, path := range []string{"../../examples/tianhe-gov-office-2023.yaml", "../../examples/qinghe-health-2024.yaml"} {
		d := build(t, path, nil)
		ts := d.Tables()
		if len(ts) < 2 {
			t.Fatalf("%s: %d tables", path, len(ts))
		}
		sheets := map[string]bool{}
		for _, tb := range ts {
			if _, err := tb.Grid(); err != nil {
				t.Errorf("%s: %v", path, err)
			}
			if sheets[tb.Sheet] {
				t.Errorf("%s: sheet %s twice", path, tb.Sheet)
			}
			sheets[tb.Sheet] = true
		}
	}
}

// The department table's total row carries the total and the grade, and
// each lost point's reason appears beside its indicator.
func TestDepartmentTable(t *testing.T) {
	d := build(t, "../../examples/tianhe-gov-office-2023.yaml", nil)
	tb := d.Tables()[0]
	last := tb.Rows[len(tb.Rows)-1].Cells
	if last[0].Text != "总分" || last[1].Text != "100" || last[2].Text != "97" || last[3].Text != "自评等级：优" {
		t.Errorf("total row: %+v", last)
	}
	found := false
	for _, r := range tb.Rows {
		for i, c := range r.Cells {
			if c.Text == "采购管理" && strings.HasPrefix(r.Cells[len(r.Cells)-1].Text, "扣1分：") && r.Cells[i+4].Text == "9" {
				found = true
			}
		}
	}
	if !found {
		t.Error("采购管理 row does not show 9 points with its deduction")
	}
}

func TestOrdinal(t *testing.T) {
	for n, want := range map[int]string{1: "一", 4: "四", 10: "十", 11: "十一", 15: "十五", 16: "16"} {
		if got := report.Ordinal(n); got != want {
			t.Errorf("Ordinal(%d) = %q, want %q", n, got, want)
		}
	}
}

// With no problems listed, section 三 states each indicator that lost
// points, with the reasons from the traces.
func TestProblemsFromTraces(t *testing.T) {
	d := build(t, "../../examples/tianhe-gov-office-2023.yaml", func(e *evaluation.Evaluation) { e.Problems = nil })
	s := text(d)
	i := strings.Index(s, "三、存在的主要问题")
	j := strings.Index(s, "四、下一步改进措施")
	sec := s[i:j]
	for _, w := range []string{"采购管理扣1分，原因是2 份合同备案超出 7 个工作日期限，最长超出 5 个工作日：THZFB-2023-HT-011、THZFB-2023-HT-019", "资产管理扣1分", "产出指标扣1分"} {
		if !strings.Contains(sec, w) {
			t.Errorf("problems section lacks %q:\n%s", w, sec)
		}
	}
}

// The report reads like an official's: dates in Chinese, repeated records
// counted rather than listed, no words about how it was made, the
// illustrative-data notice said once.
func TestReportReadsLikeAnOfficial(t *testing.T) {
	d := build(t, "../../examples/tianhe-gov-office-2023.yaml", nil)
	var all strings.Builder
	all.WriteString(text(d))
	notices := 0
	for _, tb := range d.Tables() {
		for _, row := range tb.Rows {
			for _, c := range row.Cells {
				all.WriteString(c.Text + "\n")
			}
		}
		for _, n := range tb.Notes {
			all.WriteString(n + "\n")
			if strings.HasPrefix(n, "说明：") {
				notices++
			}
		}
	}
	s := all.String()
	if iso := regexp.MustCompile(`\d{4}-\d{2}-\d{2}`).FindString(s); iso != "" {
		t.Errorf("an ISO date %s in the report", iso)
	}
	for _, w := range []string{"自动生成", "评分轨迹", "得分保留两位小数"} {
		if strings.Contains(s, w) {
			t.Errorf("machine wording %q in the report", w)
		}
	}
	if notices != 1 {
		t.Errorf("the illustrative-data notice appears %d times, want once", notices)
	}
	for _, w := range []string{"2 份合同备案超出 7 个工作日期限，最长超出 5 个工作日", "2 项资产标签缺失"} {
		if !strings.Contains(s, w) {
			t.Errorf("the report lacks the summary %q", w)
		}
	}
	if strings.Contains(s, "于 2023") || strings.Contains(s, "合同 THZFB-2023-HT-011 于") {
		t.Error("the report lists contracts one by one where it should count them")
	}
}

// Scores print with the same decimals throughout: whole as the reference
// prints them, otherwise two decimals everywhere (9.50, never 9.5).
func TestScoresPrintWithTheSameDecimals(t *testing.T) {
	tianhe := build(t, "../../examples/tianhe-gov-office-2023.yaml", nil)
	if s := text(tianhe); !strings.Contains(s, "自评97分") || !strings.Contains(s, "扣0.50分") {
		t.Errorf("whole scores as whole, a half point lost as 0.50:\n%s", s)
	}
	qinghe := build(t, "../../examples/qinghe-health-2024.yaml", nil)
	score := regexp.MustCompile(`得分(\d+(?:\.\d+)?)分|自评(\d+(?:\.\d+)?)分|扣(\d+(?:\.\d+)?)分`)
	found := 0
	for _, m := range score.FindAllStringSubmatch(text(qinghe), -1) {
		v := m[1] + m[2] + m[3]
		found++
		if !regexp.MustCompile(`^\d+\.\d\d$`).MatchString(v) {
			t.Errorf("%q: score %s without two decimals", m[0], v)
		}
	}
	if found < 5 {
		t.Fatalf("only %d scores found in the text", found)
	}
	dept := qinghe.Tables()[0]
	for _, row := range dept.Rows {
		n := len(row.Cells)
		if n < 3 || row.Header {
			continue
		}
		c := row.Cells[n-2] // 得分
		if c.Number != nil && (c.Format == "0" || c.Format == "0.00") && !regexp.MustCompile(`^\d+\.\d\d$`).MatchString(c.Text) {
			t.Errorf("table score %q without two decimals", c.Text)
		}
	}
	last := dept.Rows[len(dept.Rows)-1]
	if !last.KeepWithPrevious || last.Cells[0].Text != "总分" {
		t.Error("the total row does not keep with the rows above")
	}
}

// An indicator changed by an approved 目标调整 prints its target as
// adjusted, with the value first approved, in the department and project
// tables; one the adjustment added says so.
func TestAdjustedTargetsInTables(t *testing.T) {
	d := build(t, "../../examples/tianhe-gov-office-2023.yaml", func(ev *evaluation.Evaluation) {
		ev.Targets[0].Adjusted = &evaluation.Adjusted{Number: 2, Reason: "任务调整", From: &evaluation.AdjustedFrom{Direction: ">=", Target: "2500", Unit: "件"}}
		ev.Projects[0].Targets[0].Target = "360"
		ev.Projects[0].Targets[0].Adjusted = &evaluation.Adjusted{Number: 1, Reason: "r", From: &evaluation.AdjustedFrom{Direction: ">=", Target: "365", Unit: "天"}}
		ev.Projects[0].Targets[1].Adjusted = &evaluation.Adjusted{Number: 1, Reason: "r"}
	})
	var cells []string
	for _, tb := range d.Tables() {
		for _, r := range tb.Rows {
			for _, c := range r.Cells {
				cells = append(cells, c.Text)
			}
		}
	}
	all := strings.Join(cells, "\n")
	for _, want := range []string{"≥2000件（经第2号目标调整，原为≥2500件）", "≥360天（经第1号目标调整，原为≥365天）", "≥100%（经第1号目标调整新增）"} {
		if !strings.Contains(all, want) {
			t.Errorf("no cell %q", want)
		}
	}
	// Without the marker the target prints as before.
	plain := build(t, "../../examples/tianhe-gov-office-2023.yaml", nil)
	for _, tb := range plain.Tables() {
		for _, r := range tb.Rows {
			for _, c := range r.Cells {
				if strings.Contains(c.Text, "目标调整") {
					t.Errorf("unadjusted report says %q", c.Text)
				}
			}
		}
	}
}
