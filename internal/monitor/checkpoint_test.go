package monitor

import (
	"sort"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
)

// checkpointYear is a year with one department indicator and one project
// with a ≥ indicator (milestones 40/60/80/100), a ≤ indicator and a
// qualitative one.
func checkpointYear() *evaluation.Evaluation {
	ev := &evaluation.Evaluation{Year: 2024, Department: evaluation.Department{Code: "U1", Name: "示例局"}}
	ev.Targets = []evaluation.Target{{Code: "T1", Name: "重点工作完成率", Direction: ">=", Target: "95", Unit: "%"}}
	ev.Projects = []evaluation.Project{{Code: "P1", Name: "甲项目", Initial: money.Yuan(560_000), Targets: []evaluation.Target{
		{Code: "T1", Name: "培训人次", Direction: ">=", Target: "1000", Unit: "人次", Milestones: &evaluation.Milestones{Q1: "200", Q2: "400", Q3: "700", Q4: "1000"}},
		{Code: "T2", Name: "人均成本", Direction: "<=", Target: "500", Unit: "元", Milestones: &evaluation.Milestones{Q2: "450"}},
		{Code: "T3", Name: "培训质量", Direction: "qualitative", Target: "良好"},
	}}}
	return ev
}

func codesAt(ds diag.List) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Code+" "+d.Path)
	}
	sort.Strings(out)
	return out
}

func fenp(v money.Fen) *money.Fen { return &v }

func TestMilestoneQuarter(t *testing.T) {
	for m, want := range map[int]int{1: 0, 2: 0, 3: 1, 6: 2, 7: 2, 8: 2, 9: 3, 12: 4} {
		if got := MilestoneQuarter(m); got != want {
			t.Errorf("month %d: quarter %d, want %d", m, got, want)
		}
	}
	ev := checkpointYear()
	if v, q := Milestone(ev.Projects[0].Targets[0], 7); v != "400" || q != 2 {
		t.Errorf("July milestone %q of quarter %d", v, q)
	}
	if v, _ := Milestone(ev.Projects[0].Targets[1], 3); v != "" {
		t.Errorf("no Q1 milestone declared, got %q", v)
	}
}

// A complete, consistent report gives no finding; each departure from it
// gives its own code at its own path.
func TestValidateCheckpoint(t *testing.T) {
	ev := checkpointYear()
	good := func() *Checkpoint {
		return &Checkpoint{Month: 7,
			Targets: []Progress{{Code: "T1", ToDate: "60", Expected: "96", Likelihood: Certain}},
			Projects: []ProjectProgress{{Code: "P1", Expected: fenp(money.Yuan(520_000)), Indicators: []Progress{
				{Code: "T1", ToDate: "420", Expected: "1000", Likelihood: Certain},
				{Code: "T2", ToDate: "430", Expected: "480", Likelihood: Certain},
				{Code: "T3", ToDate: "良好", Expected: "良好", Likelihood: Certain},
			}}}}
	}
	if ds := ValidateCheckpoint(ev, good(), true); len(ds) != 0 {
		t.Fatalf("good report: %v", ds)
	}

	// Behind the June milestone (≥ below, ≤ above): flagged, and a cause
	// and an explanation become required.
	c := good()
	c.Projects[0].Indicators[0].ToDate = "350"
	c.Projects[0].Indicators[1].ToDate = "470"
	got := codesAt(ValidateCheckpoint(ev, c, false))
	want := []string{
		"E234 projects[0].indicators[0].causes", "E234 projects[0].indicators[0].explanation",
		"E234 projects[0].indicators[1].causes", "E234 projects[0].indicators[1].explanation",
		"W230 projects[0].indicators[0].to_date", "W230 projects[0].indicators[1].to_date",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("behind milestones:\n got %v\nwant %v", got, want)
	}
	c.Projects[0].Indicators[0].Causes = []string{CauseFunds}
	c.Projects[0].Indicators[0].Explanation = "资金7月下旬才到位"
	c.Projects[0].Indicators[1].Causes = []string{CauseHardware, CauseOther}
	c.Projects[0].Indicators[1].Explanation = "场地租金上涨"
	got = codesAt(ValidateCheckpoint(ev, c, true))
	if strings.Join(got, "|") != "W230 projects[0].indicators[0].to_date|W230 projects[0].indicators[1].to_date" {
		t.Errorf("with causes: %v", got)
	}
	ds := ValidateCheckpoint(ev, c, true)
	if m := ds[0].Message + ds[1].Message; !strings.Contains(m, "截至7月末执行情况 350 未达到第二季度末节点值 400") || !strings.Contains(m, "470 未达到第二季度末节点值 450") {
		t.Errorf("milestone messages: %s", m)
	}

	// In doubt without cause; 确定能 while missing; a bad number, bad
	// choices, unknown and repeated rows; negative and excessive spending.
	c = good()
	c.Targets[0].Likelihood = Possible
	c.Projects[0].Indicators[0].Expected = "900"
	c.Projects[0].Indicators[1].ToDate = "约四百"
	c.Projects[0].Indicators[2].Causes = []string{"money"}
	c.Projects[0].Indicators[2].Likelihood = "maybe"
	c.Projects[0].Indicators = append(c.Projects[0].Indicators, Progress{Code: "T9"}, Progress{Code: "T1"})
	c.Projects = append(c.Projects, ProjectProgress{Code: "P9"}, ProjectProgress{Code: "P1"})
	c.Projects[0].Expected = fenp(money.Yuan(600_000))
	got = codesAt(ValidateCheckpoint(ev, c, false))
	want = []string{
		"E231 projects[0].indicators[3].code", "E231 projects[0].indicators[4].code",
		"E231 projects[1].code", "E231 projects[2].code",
		"E232 projects[0].indicators[1].to_date",
		"E233 projects[0].indicators[2].causes[0]", "E233 projects[0].indicators[2].likelihood",
		"E234 targets[0].causes", "E234 targets[0].explanation",
		"W231 projects[0].indicators[0].likelihood",
		"W232 projects[0].expected",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("bad report:\n got %v\nwant %v", got, want)
	}
	c.Projects[0].Expected = fenp(-1)
	if got := codesAt(ValidateCheckpoint(ev, c, false)); !contains(got, "E236 projects[0].expected") {
		t.Errorf("negative spending: %v", got)
	}

	// A draft may have gaps; a submission may not.
	empty := &Checkpoint{Month: 7}
	if ds := ValidateCheckpoint(ev, empty, false); len(ds) != 0 {
		t.Errorf("empty draft: %v", ds)
	}
	ds = ValidateCheckpoint(ev, empty, true)
	n := 0
	for _, d := range ds {
		if d.Code == diag.CheckpointIncomplete {
			n++
		}
	}
	// 4 indicators × (to_date, expected, likelihood) + 1 project's spending.
	if n != 13 || len(ds) != 13 {
		t.Errorf("empty submission: %d E235 of %d: %v", n, len(ds), ds)
	}

	if got := codesAt(ValidateCheckpoint(ev, &Checkpoint{Month: 13}, true)); strings.Join(got, "|") != "E230 month" {
		t.Errorf("month 13: %v", got)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Rows lists declared indicators in order with their entries and the
// milestone due, whether or not the report has them.
func TestRows(t *testing.T) {
	ev := checkpointYear()
	c := &Checkpoint{Month: 7, Projects: []ProjectProgress{{Code: "P1", Indicators: []Progress{{Code: "T2", ToDate: "470"}}}}}
	rows := Rows(ev, c)
	if len(rows) != 4 {
		t.Fatalf("%d rows", len(rows))
	}
	if r := rows[0]; r.Project != "" || r.Target.Code != "T1" || r.Milestone != "" {
		t.Errorf("department row %+v", r)
	}
	if r := rows[1]; r.Project != "P1" || r.Milestone != "400" || r.Quarter != 2 || r.Behind {
		t.Errorf("P1 T1 %+v", r)
	}
	if r := rows[2]; r.Entry.ToDate != "470" || !r.Behind || r.Path != "projects[0].indicators[0]" {
		t.Errorf("P1 T2 %+v", r)
	}
}
