// Package examples_test loads, checks and scores every bundled example data
// file, and pins the figures and scores each must produce: the Tianhe
// example those of the published report, the second example values worked
// out by hand from the framework's rules.
package examples_test

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	bundled "github.com/jixiao/jixiao/examples"
	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/scoring"
)

const (
	tianheFile = "tianhe-gov-office-2023.yaml"
	qingheFile = "qinghe-health-2024.yaml"
)

// library loads the built-in frameworks, which must load cleanly.
func library(t *testing.T) *datafile.Library {
	t.Helper()
	lib, ds := datafile.LoadLibrary()
	if err := ds.Err(); err != nil {
		t.Fatalf("built-in frameworks: %v", err)
	}
	return lib
}

// scoreFile reads, decodes, validates and scores one example, failing the
// test on any error finding. It returns the loaded file too, so callers can
// run further checks and locate their findings.
func scoreFile(t *testing.T, path string) (*datafile.Loaded[evaluation.Evaluation], *scoring.Result, diag.List) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l, ds := datafile.Evaluation(path, data)
	if err := ds.Err(); err != nil || l == nil {
		t.Fatalf("%s does not load: %v", path, err)
	}
	res, sds := scoring.ScoreWith(l.Value, library(t), calendar.ScoringOptions())
	sds = l.Locate(sds)
	if err := sds.Err(); err != nil || res == nil {
		t.Fatalf("%s does not score: %v", path, err)
	}
	return l, res, append(ds, sds...)
}

func examples(t *testing.T) []string {
	t.Helper()
	all, err := filepath.Glob("*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range all {
		if !strings.HasPrefix(f, bundled.ExantePrefix) {
			files = append(files, f)
		}
	}
	if !slices.Contains(files, tianheFile) || !slices.Contains(files, qingheFile) {
		t.Fatalf("examples found: %v; want %s and %s among them", files, tianheFile, qingheFile)
	}
	return files
}

func pts(s string) num.Points {
	p, err := num.ParsePoints(s)
	if err != nil {
		panic(err)
	}
	return p
}

// everyLossExplained walks a scored tree: every leaf that lost points must
// carry deductions, each with a reason, adding up to exactly what was lost.
func everyLossExplained(t *testing.T, where string, nodes []*scoring.Node) {
	t.Helper()
	for _, n := range nodes {
		if n.NotApplicable != "" {
			continue
		}
		if len(n.Children) > 0 {
			everyLossExplained(t, where, n.Children)
			continue
		}
		if n.Score >= n.Points {
			continue
		}
		if len(n.Trace.Deductions) == 0 {
			t.Errorf("%s %s %s: lost %s points with no deduction", where, n.Code, n.Name, n.Lost())
			continue
		}
		var sum num.Points
		for _, d := range n.Trace.Deductions {
			if strings.TrimSpace(d.Reason) == "" {
				t.Errorf("%s %s %s: deduction of %s points (%s) has no reason", where, n.Code, n.Name, d.Points, d.Item)
			}
			sum += d.Points
		}
		if sum != n.Lost() {
			t.Errorf("%s %s %s: deductions add up to %s, but %s points were lost", where, n.Code, n.Name, sum, n.Lost())
		}
	}
}

// TestExamplesScore loads and scores every example: no error findings, and
// no point lost without a stated reason, in the department or any project.
func TestExamplesScore(t *testing.T) {
	for _, f := range examples(t) {
		t.Run(f, func(t *testing.T) {
			l, res, _ := scoreFile(t, f)
			if l.Value.Illustrative == "" {
				t.Errorf("%s: an example must say which figures are illustrative", f)
			}
			everyLossExplained(t, "department", res.Indicators)
			for _, p := range res.Projects {
				everyLossExplained(t, "project "+p.Name, p.Indicators)
			}
		})
	}
}

// TestExamplesCheck runs the whole of `jixiao check` on every example (the
// framework cross-check and the consistency checks on top of scoring): an
// example must report without errors.
func TestExamplesCheck(t *testing.T) {
	lib := library(t)
	for _, f := range examples(t) {
		t.Run(f, func(t *testing.T) {
			l, _, ds := scoreFile(t, f)
			ev := l.Value
			fw, _ := lib.Framework(ev.Framework)
			pfw, _ := lib.Framework(ev.ProjectFrameworkID())
			ds = append(ds, l.Locate(ev.CheckFramework(fw, pfw))...)
			ds = append(ds, l.Locate(ev.Consistency())...)
			for _, d := range ds {
				if d.Severity == diag.Error {
					t.Errorf("%v", d)
				}
			}
		})
	}
}

func wantScore(t *testing.T, nodes []*scoring.Node, code, want string) {
	t.Helper()
	n := scoring.Find(nodes, code)
	if n == nil {
		t.Errorf("indicator %s missing from the result", code)
		return
	}
	if n.Score != pts(want) {
		t.Errorf("%s %s scored %s, want %s", code, n.Name, n.Score, want)
	}
}

func wantText(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

func mustText(s string, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	return s
}

// TestTianhe pins every figure and score the published report states.
func TestTianhe(t *testing.T) {
	l, res, _ := scoreFile(t, tianheFile)
	ev := l.Value
	f := ev.Finance

	// Finance (万元 with two decimals, shares two decimals, growth one).
	income := ev.IncomeTotal()
	wantText(t, "income total", income.Wan(), "3308.63")
	wantText(t, "general public appropriation", ev.IncomeOf("general_public").Wan(), "3308.63")
	wantText(t, "appropriation share", mustText(money.Share(ev.IncomeOf("general_public"), income)), "100.00")
	wantText(t, "change on 2022", (income - f.PriorIncome).Wan(), "410.63")
	wantText(t, "growth on 2022", mustText(money.Growth(income, f.PriorIncome)), "14.2")
	total := f.Expenditure.Total()
	wantText(t, "expenditure total", total.Wan(), "3308.63")
	wantText(t, "basic expenditure", f.Expenditure.Basic.Wan(), "2753.78")
	wantText(t, "project expenditure", f.Expenditure.Project.Wan(), "554.86")
	wantText(t, "basic share", mustText(money.Share(f.Expenditure.Basic, total)), "83.23")
	wantText(t, "project share", mustText(money.Share(f.Expenditure.Project, total)), "16.77")
	wantText(t, "execution rate", mustText(money.Share(total, f.Budget.Adjusted)), "100.00")
	if f.Carryover != 0 {
		t.Errorf("carry-over %s, want 0", f.Carryover.Wan())
	}

	// Targets: 4 output, 3 effect (two effect and one satisfaction).
	count := map[string]int{}
	for _, tg := range ev.Targets {
		count[tg.Category]++
	}
	if count["output"] != 4 || count["effect"]+count["satisfaction"] != 3 {
		t.Errorf("targets by category %v, want 4 output and 3 effect", count)
	}

	// Projects: 9 evaluated, their spending adding up to project expenditure.
	if len(ev.Projects) != 9 || len(res.Projects) != 9 {
		t.Errorf("%d projects (%d scored), want 9", len(ev.Projects), len(res.Projects))
	}
	var executed money.Fen
	for _, p := range ev.Projects {
		executed += p.Executed
	}
	if executed != f.Expenditure.Project {
		t.Errorf("projects executed %s yuan, project expenditure %s yuan", executed.YuanText(), f.Expenditure.Project.YuanText())
	}

	// Scores.
	if res.Total != pts("97") || res.Grade != "优" {
		t.Errorf("total %s %s, want 97 优", res.Total, res.Grade)
	}
	for code, want := range map[string]string{
		"A": "49", "A1": "19", "A2": "20", "A3": "10",
		"B": "48", "B1": "3", "B2": "4", "B3": "4", "B4": "15", "B5": "9", "B6": "9", "B7": "4",
		"T3": "4", // 80 ÷ 100 × 5
	} {
		wantScore(t, res.Indicators, code, want)
	}
	// Where the points went: B5.6 (1 point), B6.5 and B6.6 (half a point each).
	items := func(code string) []string {
		var out []string
		for _, d := range scoring.Find(res.Indicators, code).Trace.Deductions {
			out = append(out, strings.Fields(d.Item)[0]+" "+d.Points.String())
		}
		return out
	}
	if got := items("B5"); !slices.Equal(got, []string{"B5.6 1"}) {
		t.Errorf("B5 deductions %v, want [B5.6 1]", got)
	}
	if got := items("B6"); !slices.Equal(got, []string{"B6.5 0.5", "B6.6 0.5"}) {
		t.Errorf("B6 deductions %v, want [B6.5 0.5 B6.6 0.5]", got)
	}

	// Projects worked out by hand (cn-project-2020).
	wantProjects(t, res, map[string]string{
		// 538,900 ÷ 560,000 = 96.232% × 10 = 9.62; the rest full.
		"地方志编纂工作经费": "99.62",
		// Three outputs share 50: 16.67, 16.67, 16.66; the qualitative one is
		// partly met, top of the band: 16.66 × 80% = 13.328 → 13.33.
		"“放管服”改革及行政审批制度改革工作经费": "96.66", // partly met: below 80% of 16.67
		// No satisfaction target: 10 points go to output and effect 5:3.
		"办公自动化及政务信息系统运维经费": "100",
	})
	sysOps := findProject(t, res, "办公自动化及政务信息系统运维经费")
	wantScore(t, sysOps.Indicators, "P2", "56.25") // 50 + 10 × 50/80
	wantScore(t, sysOps.Indicators, "P3", "33.75") // 30 + 10 × 30/80
}

func findProject(t *testing.T, res *scoring.Result, name string) *scoring.ProjectResult {
	t.Helper()
	for i := range res.Projects {
		if res.Projects[i].Name == name {
			return &res.Projects[i]
		}
	}
	t.Fatalf("project %s not scored", name)
	return nil
}

func wantProjects(t *testing.T, res *scoring.Result, want map[string]string) {
	t.Helper()
	for name, total := range want {
		p := findProject(t, res, name)
		if p.Total != pts(total) {
			t.Errorf("project %s scored %s, want %s", name, p.Total, total)
		}
	}
}

// TestQinghe checks the invented second department against scores worked
// out by hand from the rules of gz-dept-2023 and cn-project-2020, not copied
// from the program's output.
func TestQinghe(t *testing.T) {
	l, res, ds := scoreFile(t, qingheFile)
	ev := l.Value

	wantText(t, "income total", ev.IncomeTotal().Wan(), "5418.00")
	// (5418.00 − 4975.00) ÷ 4975.00 = 8.904%
	wantText(t, "growth", mustText(money.Growth(ev.IncomeTotal(), ev.Finance.PriorIncome)), "8.9")
	var executed money.Fen
	for _, p := range ev.Projects {
		executed += p.Executed
	}
	if executed != ev.Finance.Expenditure.Project {
		t.Errorf("projects executed %s yuan, project expenditure %s yuan", executed.YuanText(), ev.Finance.Expenditure.Project.YuanText())
	}

	// 履职效能, re-weighted A1 25 / A2 15 / A3 10:
	//   A1 = T1 6 + T2 6 + T3 4.9 (partly met, placed in the 4.2–5.6 band)
	//        + T4 (6 by the formula, less 1 for a target set too low) 5 = 21.9
	//   A2 = T5 5 + T6 5 × 31.5/35 = 4.5 + T7 5 = 14.5
	//   A3 = 10 × 5280.00/6000.00 = 10 × 88% = 8.8
	//   A  = 21.9 + 14.5 + 8.8 = 45.2
	// 管理效率: B1 does not apply; its 3 points are shared by B2–B7 in
	// proportion to 4:4:15:10:10:4 (sum 47), in hundredths by largest
	// remainder: 300 × 4/47 = 25.53, × 15/47 = 95.74, × 10/47 = 63.83 →
	// floors 25+25+95+63+63+25 = 296, the 4 left go to B5 (.83), B6 (.83),
	// B4 (.74), B2 (.53, first of the ties):
	//   B2 4.26, B3 4.25, B4 15.96, B5 10.64, B6 10.64, B7 4.25 (sum 50).
	//   B2 = 4.26 − (11.5% − 5%) × 0.5 per point = 4.26 − 3.25 = 1.01
	//   B3 items 1.5:1.5:1 of 4.25 = 1.60, 1.59, 1.06; B3.3 fails: 4.25 − 1.06 = 3.19
	//   B4 item B4.5 fails with a deduction of 1: 15.96 − 1 = 14.96
	//   B5 items 2:1:2:1:1:1:2 of 10.64 = 2.13, 1.07, 2.13, 1.06, 1.06, 1.06, 2.13;
	//      B5.5 fails in full: 10.64 − 1.06 = 9.58
	//   B6 item B6.4 fails with a deduction of 1: 10.64 − 1 = 9.64
	//   B7 4.25 split 2:2 = 2.13 (B7.1, first of the tie), 2.12 (B7.2);
	//      三公 203,000 ÷ 200,000 = 101.5%: B7.1 = 2.13 − 1.5 × 0.5 = 1.38;
	//      B7.2 full 2.12; B7 = 3.50
	//   B = 1.01 + 3.19 + 14.96 + 9.58 + 9.64 + 3.50 = 41.88
	// Total 45.2 + 41.88 = 87.08 → 良 (80–89.99).
	if res.Total != pts("87.08") || res.Grade != "良" {
		t.Errorf("total %s %s, want 87.08 良", res.Total, res.Grade)
	}
	for code, want := range map[string]string{
		"A": "45.2", "A1": "21.9", "A2": "14.5", "A3": "8.8",
		"T3": "4.9", "T4": "5", "T6": "4.5",
		"B": "41.88", "B2": "1.01", "B3": "3.19", "B4": "14.96", "B5": "9.58", "B6": "9.64",
		"B7": "3.5", "B7.1": "1.38", "B7.2": "2.12",
	} {
		wantScore(t, res.Indicators, code, want)
	}
	for code, want := range map[string]string{"B2": "4.26", "B3": "4.25", "B4": "15.96", "B5": "10.64", "B6": "10.64", "B7": "4.25", "B7.1": "2.13", "B7.2": "2.12"} {
		if n := scoring.Find(res.Indicators, code); n == nil || n.Points != pts(want) {
			t.Errorf("%s carries %v points, want %s", code, n, want)
		}
	}
	if b1 := scoring.Find(res.Indicators, "B1"); b1 == nil || b1.NotApplicable == "" {
		t.Errorf("B1 should not apply")
	}

	// Exactly these leaves lost points.
	var lost []string
	var walk func([]*scoring.Node)
	walk = func(ns []*scoring.Node) {
		for _, n := range ns {
			if len(n.Children) > 0 {
				walk(n.Children)
			} else if n.NotApplicable == "" && n.Score < n.Points {
				lost = append(lost, n.Code)
			}
		}
	}
	walk(res.Indicators)
	sort.Strings(lost)
	want := []string{"A3", "B2", "B3", "B4", "B5", "B6", "B7.1", "T3", "T4", "T6"}
	if !slices.Equal(lost, want) {
		t.Errorf("indicators that lost points %v, want %v", lost, want)
	}

	wantProjects(t, res, map[string]string{
		// 13,950,000 ÷ 14,800,000 = 94.257% × 10 = 9.43; the rest full.
		"基本公共卫生服务项目": "99.43",
		"家庭医生签约服务补助": "100",
		// 3,410,000 ÷ 4,600,000 = 74.130% × 10 = 7.41; two outputs share 50,
		// one at 36 ÷ 40 × 25 = 22.5: 7.41 + 47.5 + 30 + 10 = 94.91.
		"卫生健康信息化建设项目": "94.91",
	})

	// Every miss and large excess states its cause, so no warnings; without
	// the cause of the far-exceeded target the checker warns (W130).
	for _, d := range append(ds, ev.Consistency()...) {
		if d.Severity != diag.Info {
			t.Errorf("unexpected finding: %v", d)
		}
	}
	ev.Targets[3].Deviation = ""
	var w130 []string
	for _, d := range ev.Consistency() {
		if d.Code == diag.NoDeviation {
			w130 = append(w130, d.Path)
		}
	}
	if !slices.Equal(w130, []string{"targets[3].deviation"}) {
		t.Errorf("W130 findings at %v, want [targets[3].deviation]", w130)
	}
}
