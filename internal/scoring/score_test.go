package scoring

import (
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
)

func target(dir, tgt, act string) evaluation.Target {
	return evaluation.Target{Category: framework.CategoryOutput, Subcategory: "数量指标", Name: "指标" + tgt, Direction: dir, Target: tgt, Actual: act}
}

func TestTargetsQuantitative(t *testing.T) {
	tests := []struct {
		name   string
		points string
		t      evaluation.Target
		want   string
	}{
		// ≥ met: 100/100 ≥ 1 → full 5.
		{">= met", "5", target(">=", "100", "100"), "5"},
		// ≥ exceeded, capped at 100%: 5.
		{">= exceeded", "5", target(">=", "100", "130"), "5"},
		// ≥ missed: 80/100 = 80% × 5 = 4.
		{">= missed", "5", target(">=", "100", "80"), "4"},
		// ≥ missed, rounding: 2/3 × 10 = 6.666… → 6.67.
		{">= thirds", "10", target(">=", "3", "2"), "6.67"},
		// ≤ met: 9 ≤ 10 → full 6.
		{"<= met", "6", target("<=", "10", "9"), "6"},
		// ≤ missed: target/actual = 10/12 × 6 = 5.
		{"<= missed", "6", target("<=", "10", "12"), "5"},
		// = exact: full 10.
		{"= met", "10", target("=", "100", "100"), "10"},
		// = below: deviation |90−100|/100 = 10% → 90% × 10 = 9.
		{"= below", "10", target("=", "100", "90"), "9"},
		// = above: deviation |110−100|/100 = 10% → 9 (no reward for excess).
		{"= above", "10", target("=", "100", "110"), "9"},
		// = far off: deviation 250% → share floored at 0.
		{"= far", "10", target("=", "100", "350"), "0"},
		// Percent signs in values are dropped: 95%/100% × 20 = 19.
		{">= percent", "20", target(">=", "100%", "95%"), "19"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fw := deptFW(t, leaf("A1", tc.points, &framework.Rule{Kind: framework.KindTargets, Categories: []string{framework.CategoryOutput}}))
			ev := newEval(fw)
			tc.t.Deviation = "原因说明"
			ev.Targets = []evaluation.Target{tc.t}
			res := mustScore(t, ev, fw)
			a1 := node(t, res.Indicators, "A1")
			if len(a1.Children) != 1 {
				t.Fatalf("A1 has %d children, want one per target", len(a1.Children))
			}
			c := a1.Children[0]
			if c.Score != pts(tc.want) || a1.Score != pts(tc.want) || res.Total != pts(tc.want) {
				t.Errorf("score %s (A1 %s, total %s), want %s; formula %q", c.Score, a1.Score, res.Total, tc.want, c.Trace.Formula)
			}
			if c.Points != pts(tc.points) {
				t.Errorf("target carries %s points, want %s", c.Points, tc.points)
			}
			if c.Score < c.Points && c.Trace.Deductions[0].Reason != "原因说明" {
				t.Errorf("deduction reason %q, want the stated deviation", c.Trace.Deductions[0].Reason)
			}
			if c.Trace.Formula == "" || len(c.Trace.Inputs) == 0 {
				t.Errorf("trace lacks formula or inputs: %+v", c.Trace)
			}
		})
	}
}

func TestTargetMissedWithoutDeviationStillExplained(t *testing.T) {
	fw := deptFW(t, leaf("A1", "5", &framework.Rule{Kind: framework.KindTargets, Categories: []string{framework.CategoryOutput}}))
	ev := newEval(fw)
	ev.Targets = []evaluation.Target{target(">=", "100", "80")} // 80% × 5 = 4
	res := mustScore(t, ev, fw)
	c := node(t, res.Indicators, "A1").Children[0]
	if c.Score != pts("4") || len(c.Trace.Deductions) != 1 || c.Trace.Deductions[0].Points != pts("1") {
		t.Fatalf("score %s, deductions %+v", c.Score, c.Trace.Deductions)
	}
	if !strings.Contains(c.Trace.Deductions[0].Reason, "未说明偏差原因") {
		t.Errorf("reason %q should say the cause is not stated", c.Trace.Deductions[0].Reason)
	}
}

func TestTargetsQualitative(t *testing.T) {
	qual := func(level string, score *num.Points) evaluation.Target {
		return evaluation.Target{Category: framework.CategoryOutput, Name: "定性", Direction: framework.Qualitative, Target: "完成", Actual: "完成", Level: level, Score: score, Deviation: "说明"}
	}
	tests := []struct {
		name  string
		t     evaluation.Target
		want  string
		error string // finding code at targets[0].score or .level
	}{
		// met, no score chosen: top of 80-100% band × 10 = 10.
		{"met default top", qual("met", nil), "10", ""},
		// met, chosen 8.5 within 8-10.
		{"met chosen", qual("met", ptr(pts("8.5"))), "8.5", ""},
		// partly default: the highest below 80% × 10 = 8, which is met.
		{"partly default", qual("partly", nil), "7.99", ""},
		// 8 of 10 is met, not partly met (财预〔2020〕10号: 80% included in met).
		{"partly at the met boundary", qual("partly", ptr(pts("8"))), "", diag.ScoreAbove},
		{"met at its floor", qual("met", ptr(pts("8"))), "8", ""},
		// partly, chosen 7 within 6-8.
		{"partly chosen", qual("partly", ptr(pts("7"))), "7", ""},
		// partly, chosen 6 at the band's floor.
		{"partly floor", qual("partly", ptr(pts("6"))), "6", ""},
		// not met default: the highest below 60% × 10 = 6, which is partly met.
		{"not met default", qual("not_met", nil), "5.99", ""},
		{"not met at the partly boundary", qual("not_met", ptr(pts("6"))), "", diag.ScoreAbove},
		// partly, chosen 9 above 8 → E120.
		{"partly above band", qual("partly", ptr(pts("9"))), "", diag.ScoreAbove},
		// met, chosen 7.99 below 8 → E120.
		{"met below band", qual("met", ptr(pts("7.99"))), "", diag.ScoreAbove},
		{"no level", qual("", nil), "", diag.Missing},
		{"bad level", qual("good", nil), "", diag.BadChoice},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fw := deptFW(t, leaf("A1", "10", &framework.Rule{Kind: framework.KindTargets, Categories: []string{framework.CategoryOutput}}))
			ev := newEval(fw)
			ev.Targets = []evaluation.Target{tc.t}
			if tc.error != "" {
				_, ds := score(t, ev, fw)
				path := "targets[0].score"
				if tc.error != diag.ScoreAbove {
					path = "targets[0].level"
				}
				if !hasFinding(ds, tc.error, path) {
					t.Errorf("want %s at %s, got:\n%v", tc.error, path, ds)
				}
				return
			}
			res := mustScore(t, ev, fw)
			if got := node(t, res.Indicators, "A1").Score; got != pts(tc.want) {
				t.Errorf("score %s, want %s", got, tc.want)
			}
		})
	}
}

func TestTargetsPoints(t *testing.T) {
	rule := &framework.Rule{Kind: framework.KindTargets, Categories: []string{framework.CategoryOutput}}
	t.Run("explicit points", func(t *testing.T) {
		fw := deptFW(t, leaf("A1", "10", rule))
		ev := newEval(fw)
		a, b := target(">=", "100", "50"), target(">=", "10", "10")
		a.Points, b.Points = ptr(pts("6")), ptr(pts("4"))
		a.Deviation = "x"
		ev.Targets = []evaluation.Target{a, b}
		res := mustScore(t, ev, fw)
		// a: 50/100 × 6 = 3; b: met, 4. Total 7.
		n := node(t, res.Indicators, "A1")
		if n.Children[0].Points != pts("6") || n.Children[0].Score != pts("3") || n.Children[1].Score != pts("4") || n.Score != pts("7") {
			t.Errorf("got %s/%s + %s = %s, want 3/6 + 4 = 7", n.Children[0].Score, n.Children[0].Points, n.Children[1].Score, n.Score)
		}
	})
	t.Run("equal split", func(t *testing.T) {
		fw := deptFW(t, leaf("A1", "10", rule))
		ev := newEval(fw)
		a, b := target(">=", "100", "50"), target(">=", "10", "10")
		a.Deviation = "x"
		ev.Targets = []evaluation.Target{a, b}
		res := mustScore(t, ev, fw)
		// 10 shared equally: 5 each; a: 50% × 5 = 2.5; b: 5. Total 7.5.
		n := node(t, res.Indicators, "A1")
		if n.Children[0].Points != pts("5") || n.Children[0].Score != pts("2.5") || n.Score != pts("7.5") {
			t.Errorf("got %s/%s, total %s; want 2.5/5, total 7.5", n.Children[0].Score, n.Children[0].Points, n.Score)
		}
		// Codes default to the indicator's code and a number.
		if n.Children[0].Code != "A1.1" || n.Children[1].Code != "A1.2" {
			t.Errorf("child codes %s, %s", n.Children[0].Code, n.Children[1].Code)
		}
	})
	t.Run("three equal shares add up", func(t *testing.T) {
		fw := deptFW(t, leaf("A1", "10", rule))
		ev := newEval(fw)
		ev.Targets = []evaluation.Target{target(">=", "1", "1"), target(">=", "1", "1"), target(">=", "1", "1")}
		res := mustScore(t, ev, fw)
		// 10 / 3 = 3.333…: 3.34 + 3.33 + 3.33 = 10.
		n := node(t, res.Indicators, "A1")
		if n.Children[0].Points != pts("3.34") || n.Children[1].Points != pts("3.33") || n.Score != pts("10") {
			t.Errorf("shares %s, %s, %s; total %s", n.Children[0].Points, n.Children[1].Points, n.Children[2].Points, n.Score)
		}
	})
	t.Run("mixed points", func(t *testing.T) {
		fw := deptFW(t, leaf("A1", "10", rule))
		ev := newEval(fw)
		a, b := target(">=", "1", "1"), target(">=", "1", "1")
		b.Points = ptr(pts("4"))
		ev.Targets = []evaluation.Target{a, b}
		_, ds := score(t, ev, fw)
		if !hasFinding(ds, diag.Missing, "targets[0].points") {
			t.Errorf("mixed points not reported:\n%v", ds)
		}
	})
	t.Run("points not adding up", func(t *testing.T) {
		fw := deptFW(t, leaf("A1", "10", rule))
		ev := newEval(fw)
		a, b := target(">=", "1", "1"), target(">=", "1", "1")
		a.Points, b.Points = ptr(pts("6")), ptr(pts("3")) // 9 ≠ 10
		ev.Targets = []evaluation.Target{a, b}
		_, ds := score(t, ev, fw)
		if !hasFinding(ds, diag.PointsSum, "targets[0].points") {
			t.Errorf("points sum not reported:\n%v", ds)
		}
	})
	t.Run("other categories ignored", func(t *testing.T) {
		fw := deptFW(t, leaf("A1", "10", rule), leaf("A2", "10", &framework.Rule{Kind: framework.KindTargets, Categories: []string{framework.CategoryEffect, framework.CategorySatisfaction}}))
		ev := newEval(fw)
		out := target(">=", "100", "100")
		eff := target(">=", "100", "50")
		eff.Category, eff.Deviation = framework.CategoryEffect, "x"
		sat := target(">=", "100", "100")
		sat.Category = framework.CategorySatisfaction
		ev.Targets = []evaluation.Target{eff, out, sat}
		res := mustScore(t, ev, fw)
		// A1: one output target, 10. A2: effect 50% × 5 = 2.5 + satisfaction 5 = 7.5.
		if a1, a2 := node(t, res.Indicators, "A1"), node(t, res.Indicators, "A2"); len(a1.Children) != 1 || a1.Score != pts("10") || len(a2.Children) != 2 || a2.Score != pts("7.5") {
			t.Errorf("A1 %s (%d targets), A2 %s (%d targets)", a1.Score, len(a1.Children), a2.Score, len(a2.Children))
		}
	})
	t.Run("non-numeric quantitative", func(t *testing.T) {
		fw := deptFW(t, leaf("A1", "10", rule))
		ev := newEval(fw)
		ev.Targets = []evaluation.Target{target(">=", "很多", "100")}
		_, ds := score(t, ev, fw)
		if !hasFinding(ds, diag.BadValue, "targets[0].target") {
			t.Errorf("bad target not reported:\n%v", ds)
		}
	})
}

func TestExecutionRate(t *testing.T) {
	tests := []struct {
		name           string
		budget         string // adjusted or initial
		cap            string
		initial, adj   int64 // yuan
		basic, project int64 // yuan
		want           string
		wantErr        string
	}{
		// 950 / 1000 = 95% × 10 = 9.5.
		{"95 percent", "", "", 1000, 1000, 500, 450, "9.5", ""},
		// 1200 / 1000 = 120%, capped at 100% → 10.
		{"capped", "", "", 1000, 1000, 700, 500, "10", ""},
		// cap 110: 1200/1000 = 120% capped at 110% × 10 = 11.
		{"cap 110", "", "110", 1000, 1000, 700, 500, "11", ""},
		// initial budget 800: 760 / 800 = 95% × 10 = 9.5 (adjusted ignored).
		{"initial", "initial", "", 800, 1000, 760, 0, "9.5", ""},
		// 1 / 3 × 10 = 3.333… → 3.33.
		{"thirds", "", "", 3, 3, 1, 0, "3.33", ""},
		{"zero budget", "", "", 0, 0, 1, 0, "", diag.Missing},
		{"zero initial budget", "initial", "", 0, 1000, 1, 0, "", diag.Missing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &framework.Rule{Kind: framework.KindExecutionRate, Budget: tc.budget}
			if tc.cap != "" {
				r.Cap = dec(tc.cap)
			}
			fw := deptFW(t, leaf("A3", "10", r))
			ev := newEval(fw)
			ev.Finance.Budget = evaluation.Budget{Initial: money.Yuan(tc.initial), Adjusted: money.Yuan(tc.adj)}
			ev.Finance.Expenditure = evaluation.Expenditure{Basic: money.Yuan(tc.basic), Project: money.Yuan(tc.project)}
			if tc.wantErr != "" {
				_, ds := score(t, ev, fw)
				path := "finance.budget.adjusted"
				if tc.budget == "initial" {
					path = "finance.budget.initial"
				}
				if !hasFinding(ds, tc.wantErr, path) {
					t.Errorf("want %s at %s, got:\n%v", tc.wantErr, path, ds)
				}
				return
			}
			res, ds := score(t, ev, fw)
			if ds.Err() != nil {
				t.Fatal(ds)
			}
			n := node(t, res.Indicators, "A3")
			if n.Score != pts(tc.want) {
				t.Errorf("score %s, want %s; formula %q", n.Score, tc.want, n.Trace.Formula)
			}
			if tc.cap == "" {
				checkTrace(t, res.Indicators)
			}
			if len(n.Trace.Inputs) != 2 || n.Trace.Formula == "" {
				t.Errorf("trace %+v", n.Trace)
			}
		})
	}
}

func TestRatio(t *testing.T) {
	t.Run("measure against framework target", func(t *testing.T) {
		// Execution rate 810 / 1000 = 81%; target 90 → 81/90 = 90% × 10 = 9.
		fw := deptFW(t, leaf("R", "10", &framework.Rule{Kind: framework.KindRatio, Measure: "execution_rate", Target: dec("90"), Direction: framework.AtLeast}))
		ev := newEval(fw)
		ev.Finance.Expenditure = evaluation.Expenditure{Basic: money.Yuan(810)}
		res := mustScore(t, ev, fw)
		n := node(t, res.Indicators, "R")
		if n.Score != pts("9") {
			t.Errorf("score %s, want 9; %q", n.Score, n.Trace.Formula)
		}
		if len(n.Trace.Notes) == 0 || !strings.Contains(n.Trace.Notes[0], "81.00%") {
			t.Errorf("measure formula missing from notes: %v", n.Trace.Notes)
		}
	})
	t.Run("input actual and target, at most", func(t *testing.T) {
		// 8 ≤ 10 → but actual 12 vs target 10 → 10/12 × 6 = 5.
		fw := deptFW(t, leaf("R", "6", &framework.Rule{Kind: framework.KindRatio, Direction: framework.AtMost}))
		ev := newEval(fw)
		ev.Scores["R"] = evaluation.Input{Target: dec("10"), Actual: dec("12"), Reason: "超支"}
		res := mustScore(t, ev, fw)
		n := node(t, res.Indicators, "R")
		if n.Score != pts("5") || n.Trace.Deductions[0].Reason != "超支" {
			t.Errorf("score %s, deductions %+v", n.Score, n.Trace.Deductions)
		}
	})
	t.Run("framework target wins over input", func(t *testing.T) {
		// Target 50 from the framework, input target 100 ignored: 40/50 × 10 = 8.
		fw := deptFW(t, leaf("R", "10", &framework.Rule{Kind: framework.KindRatio, Target: dec("50"), Direction: framework.AtLeast}))
		ev := newEval(fw)
		ev.Scores["R"] = evaluation.Input{Target: dec("100"), Actual: dec("40"), Reason: "x"}
		res := mustScore(t, ev, fw)
		if n := node(t, res.Indicators, "R"); n.Score != pts("8") {
			t.Errorf("score %s, want 8", n.Score)
		}
	})
	for _, tc := range []struct {
		name string
		in   evaluation.Input
		path string
	}{
		{"missing actual", evaluation.Input{Target: dec("10")}, "scores.R.actual"},
		{"missing target", evaluation.Input{Actual: dec("10")}, "scores.R.target"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fw := deptFW(t, leaf("R", "6", &framework.Rule{Kind: framework.KindRatio, Direction: framework.AtLeast}))
			ev := newEval(fw)
			ev.Scores["R"] = tc.in
			_, ds := score(t, ev, fw)
			if !hasFinding(ds, diag.Missing, tc.path) {
				t.Errorf("want E103 at %s, got:\n%v", tc.path, ds)
			}
		})
	}
}

func TestThreshold(t *testing.T) {
	rule := func(steps, dir, limit string) *framework.Rule {
		return &framework.Rule{Kind: framework.KindThreshold, Measure: "carryover_rate", Direction: dir, Limit: dec(limit), Step: dec("1"), Deduct: ptr(pts("0.5")), Steps: steps}
	}
	tests := []struct {
		name      string
		r         *framework.Rule
		carryover int64 // fen, of a 1000-yuan (100000-fen) budget
		want      string
		lost      string
	}{
		// 7300/100000 = 7.3%; 2.3 points over 5; exact: 2.3 × 0.5 = 1.15 lost → 4 − 1.15 = 2.85.
		{"exact steps", rule("", "max", "5"), 7300, "2.85", "1.15"},
		{"exact steps named", rule("exact", "max", "5"), 7300, "2.85", "1.15"},
		// ceil: 2.3 steps → 3 × 0.5 = 1.5 lost → 2.5.
		{"ceil steps", rule("ceil", "max", "5"), 7300, "2.5", "1.5"},
		// ceil with whole steps: 7% → 2 steps → 1 lost → 3.
		{"ceil whole", rule("ceil", "max", "5"), 7000, "3", "1"},
		// exactly at the limit: 5% → full.
		{"at limit", rule("", "max", "5"), 5000, "4", "0"},
		// 0 carry-over → full (the reference's case).
		{"zero", rule("", "max", "5"), 0, "4", "0"},
		// 20%: 15 × 0.5 = 7.5 > 4 → floored at 0, 4 lost.
		{"floored", rule("", "max", "5"), 20000, "0", "4"},
		// min direction: 3% is 2 points below a minimum of 5 → 2 × 0.5 = 1 lost → 3.
		{"min below", rule("", "min", "5"), 3000, "3", "1"},
		// min direction: 6% ≥ 5 → full.
		{"min above", rule("", "min", "5"), 6000, "4", "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fw := deptFW(t, leaf("B2", "4", tc.r))
			ev := newEval(fw)
			ev.Finance.Carryover = money.Fen(tc.carryover)
			res := mustScore(t, ev, fw)
			n := node(t, res.Indicators, "B2")
			if n.Score != pts(tc.want) || n.Lost() != pts(tc.lost) {
				t.Errorf("score %s lost %s, want %s lost %s; %q", n.Score, n.Lost(), tc.want, tc.lost, n.Trace.Formula)
			}
		})
	}
	t.Run("step 2", func(t *testing.T) {
		// 9% is 4 over 5; step 2 → 2 steps × 0.5 = 1 lost → 3.
		r := rule("", "max", "5")
		r.Step = dec("2")
		fw := deptFW(t, leaf("B2", "4", r))
		ev := newEval(fw)
		ev.Finance.Carryover = 9000
		if n := node(t, mustScore(t, ev, fw).Indicators, "B2"); n.Score != pts("3") {
			t.Errorf("score %s, want 3", n.Score)
		}
	})
	t.Run("sangong zero budget zero actual", func(t *testing.T) {
		fw := deptFW(t, leaf("B7", "2", &framework.Rule{Kind: framework.KindThreshold, Measure: "sangong_rate", Direction: "max", Limit: dec("100"), Deduct: ptr(pts("0.5"))}))
		ev := newEval(fw)
		ev.Finance.Sangong = &evaluation.Sangong{}
		if n := node(t, mustScore(t, ev, fw).Indicators, "B7"); n.Score != pts("2") {
			t.Errorf("score %s, want 2", n.Score)
		}
	})
	t.Run("sangong over budget", func(t *testing.T) {
		// Budget 100 + 100, actual 104 + 100 = 204/200 = 102% → 2 over → 1 lost → 1.
		fw := deptFW(t, leaf("B7", "2", &framework.Rule{Kind: framework.KindThreshold, Measure: "sangong_rate", Direction: "max", Limit: dec("100"), Deduct: ptr(pts("0.5"))}))
		ev := newEval(fw)
		ev.Finance.Sangong = &evaluation.Sangong{
			Reception: evaluation.BudgetActual{Budget: money.Yuan(100), Actual: money.Yuan(104)},
			Overseas:  evaluation.BudgetActual{Budget: money.Yuan(100), Actual: money.Yuan(100)},
		}
		if n := node(t, mustScore(t, ev, fw).Indicators, "B7"); n.Score != pts("1") {
			t.Errorf("score %s, want 1", n.Score)
		}
	})
	t.Run("missing data", func(t *testing.T) {
		fw := deptFW(t, leaf("B7", "2", &framework.Rule{Kind: framework.KindThreshold, Measure: "public_funds_rate", Direction: "max", Limit: dec("100"), Deduct: ptr(pts("0.5"))}))
		ev := newEval(fw)
		_, ds := score(t, ev, fw)
		if !hasFinding(ds, diag.Missing, "finance") {
			t.Errorf("missing public funds not reported:\n%v", ds)
		}
	})
}

func checklistFW(t *testing.T) *framework.Framework {
	return deptFW(t, leaf("B5", "10", &framework.Rule{Kind: framework.KindChecklist, Items: []framework.ChecklistItem{
		{Code: "B5.1", Text: "意向公开", Points: pts("4")},
		{Code: "B5.2", Text: "合同公告", Points: pts("3")},
		{Code: "B5.3", Text: "合同备案", Points: pts("3")},
	}}))
}

func TestChecklist(t *testing.T) {
	tests := []struct {
		name   string
		checks []evaluation.ItemCheck
		want   string
		items  []string // items of the deductions, by code prefix
	}{
		{"all passed", nil, "10", nil},
		{"explicit pass", []evaluation.ItemCheck{{Item: "B5.1", Passed: true}}, "10", nil},
		// B5.3 failed: loses its 3 → 7.
		{"one failed", []evaluation.ItemCheck{{Item: "B5.3", Reason: "部分合同备案超时"}}, "7", []string{"B5.3"}},
		// B5.3 failed, deduct 1 of its 3 → 9 (the reference's case).
		{"partial", []evaluation.ItemCheck{{Item: "B5.3", Deduct: ptr(pts("1")), Reason: "部分合同备案超时"}}, "9", []string{"B5.3"}},
		// B5.1 and B5.2 failed: 10 − 4 − 3 = 3.
		{"two failed", []evaluation.ItemCheck{{Item: "B5.2", Reason: "a"}, {Item: "B5.1", Reason: "b"}}, "3", []string{"B5.1", "B5.2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fw := checklistFW(t)
			ev := newEval(fw)
			ev.Scores["B5"] = evaluation.Input{Checklist: tc.checks}
			n := node(t, mustScore(t, ev, fw).Indicators, "B5")
			if n.Score != pts(tc.want) {
				t.Errorf("score %s, want %s; %q", n.Score, tc.want, n.Trace.Formula)
			}
			if len(n.Trace.Deductions) != len(tc.items) {
				t.Fatalf("deductions %+v, want items %v", n.Trace.Deductions, tc.items)
			}
			for i, it := range tc.items {
				if !strings.HasPrefix(n.Trace.Deductions[i].Item, it+" ") {
					t.Errorf("deduction %d item %q, want %s (in framework order)", i, n.Trace.Deductions[i].Item, it)
				}
			}
		})
	}
	errs := []struct {
		name   string
		checks []evaluation.ItemCheck
		code   string
		path   string
	}{
		{"missing reason", []evaluation.ItemCheck{{Item: "B5.3"}}, diag.NoReason, "scores.B5.checklist[0].reason"},
		{"unknown item", []evaluation.ItemCheck{{Item: "B5.1", Passed: true}, {Item: "B9.9", Reason: "x"}}, diag.UnknownRef, "scores.B5.checklist[1].item"},
		{"deduct above item points", []evaluation.ItemCheck{{Item: "B5.3", Deduct: ptr(pts("4")), Reason: "x"}}, diag.ScoreAbove, "scores.B5.checklist[0].deduct"},
		{"failed twice", []evaluation.ItemCheck{{Item: "B5.3", Reason: "x"}, {Item: "B5.3", Reason: "y"}}, diag.Duplicate, "scores.B5.checklist[1].item"},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			fw := checklistFW(t)
			ev := newEval(fw)
			ev.Scores["B5"] = evaluation.Input{Checklist: tc.checks}
			_, ds := score(t, ev, fw)
			if !hasFinding(ds, tc.code, tc.path) {
				t.Errorf("want %s at %s, got:\n%v", tc.code, tc.path, ds)
			}
		})
	}
}

func TestManual(t *testing.T) {
	manual := func(t *testing.T) *framework.Framework {
		return deptFW(t, leaf("M", "10", &framework.Rule{Kind: framework.KindManual}))
	}
	t.Run("full", func(t *testing.T) {
		fw := manual(t)
		ev := newEval(fw)
		ev.Scores["M"] = evaluation.Input{Score: ptr(pts("10"))}
		if n := node(t, mustScore(t, ev, fw).Indicators, "M"); n.Score != pts("10") || len(n.Trace.Deductions) != 0 {
			t.Errorf("score %s, deductions %v", n.Score, n.Trace.Deductions)
		}
	})
	t.Run("lost with reason", func(t *testing.T) {
		fw := manual(t)
		ev := newEval(fw)
		ev.Scores["M"] = evaluation.Input{Score: ptr(pts("8.5")), Reason: "资产标签脱落", Evidence: []string{"盘点表"}}
		n := node(t, mustScore(t, ev, fw).Indicators, "M")
		if n.Score != pts("8.5") || len(n.Trace.Deductions) != 1 || n.Trace.Deductions[0].Points != pts("1.5") ||
			n.Trace.Deductions[0].Reason != "资产标签脱落" || len(n.Trace.Deductions[0].Evidence) != 1 {
			t.Errorf("score %s, deductions %+v", n.Score, n.Trace.Deductions)
		}
	})
	for _, tc := range []struct {
		name string
		in   evaluation.Input
		code string
		path string
	}{
		{"missing score", evaluation.Input{}, diag.Missing, "scores.M.score"},
		{"above points", evaluation.Input{Score: ptr(pts("10.01"))}, diag.ScoreAbove, "scores.M.score"},
		{"negative", evaluation.Input{Score: ptr(pts("-1")), Reason: "x"}, diag.ScoreAbove, "scores.M.score"},
		{"missing reason", evaluation.Input{Score: ptr(pts("9"))}, diag.NoReason, "scores.M.reason"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fw := manual(t)
			ev := newEval(fw)
			ev.Scores["M"] = tc.in
			_, ds := score(t, ev, fw)
			if !hasFinding(ds, tc.code, tc.path) {
				t.Errorf("want %s at %s, got:\n%v", tc.code, tc.path, ds)
			}
		})
	}
}

func TestQualitativeLeaf(t *testing.T) {
	fw := func(t *testing.T) *framework.Framework {
		return deptFW(t, leaf("Q", "10", &framework.Rule{Kind: framework.KindQualitative}))
	}
	t.Run("partly with reason", func(t *testing.T) {
		f := fw(t)
		ev := newEval(f)
		ev.Scores["Q"] = evaluation.Input{Level: "partly", Reason: "部分完成"} // highest below 80% × 10
		n := node(t, mustScore(t, ev, f).Indicators, "Q")
		if n.Score != pts("7.99") || n.Trace.Deductions[0].Reason != "部分完成" {
			t.Errorf("score %s, deductions %+v", n.Score, n.Trace.Deductions)
		}
	})
	// The boundaries as 财预〔2020〕10号 words them, on 15 points: 12 is met
	// (80% included), 9 is partly met (60% included).
	t.Run("boundaries on 15 points", func(t *testing.T) {
		f := deptFW(t, leaf("Q", "15", &framework.Rule{Kind: framework.KindQualitative}))
		for _, c := range []struct {
			level, score string
			ok           bool
		}{{"met", "12", true}, {"partly", "12", false}, {"partly", "11.99", true}, {"partly", "9", true}, {"not_met", "9", false}, {"not_met", "8.99", true}} {
			ev := newEval(f)
			p := pts(c.score)
			ev.Scores["Q"] = evaluation.Input{Level: c.level, Score: &p, Reason: "x"}
			_, ds := score(t, ev, f)
			if got := ds.Err() == nil; got != c.ok {
				t.Errorf("%s at %s of 15: accepted %v, want %v (%v)", c.level, c.score, got, c.ok, ds)
			}
		}
	})
	t.Run("custom bands", func(t *testing.T) {
		f := deptFW(t, leaf("Q", "10", &framework.Rule{Kind: framework.KindQualitative, Bands: []framework.LevelBand{
			{Level: "met", Min: num.DecimalOf(90), Max: num.DecimalOf(100)},
			{Level: "partly", Min: num.DecimalOf(50), Max: num.DecimalOf(70)},
			{Level: "not_met", Min: num.DecimalOf(0), Max: num.DecimalOf(30)},
		}}))
		ev := newEval(f)
		ev.Scores["Q"] = evaluation.Input{Level: "partly", Reason: "x"} // top of 50-70% × 10 = 7
		if n := node(t, mustScore(t, ev, f).Indicators, "Q"); n.Score != pts("7") {
			t.Errorf("score %s, want 7", n.Score)
		}
	})
	t.Run("missing reason", func(t *testing.T) {
		f := fw(t)
		ev := newEval(f)
		ev.Scores["Q"] = evaluation.Input{Level: "not_met"}
		_, ds := score(t, ev, f)
		if !hasFinding(ds, diag.NoReason, "scores.Q.reason") {
			t.Errorf("missing reason not reported:\n%v", ds)
		}
	})
	t.Run("missing level", func(t *testing.T) {
		f := fw(t)
		_, ds := score(t, newEval(f), f)
		if !hasFinding(ds, diag.Missing, "scores.Q.level") {
			t.Errorf("missing level not reported:\n%v", ds)
		}
	})
}

func TestExtraDeductions(t *testing.T) {
	f := deptFW(t, leaf("M", "10", &framework.Rule{Kind: framework.KindManual}))
	t.Run("floored at zero", func(t *testing.T) {
		ev := newEval(f)
		// Score 3, then 2 and 5 more taken off: 3 − 2 = 1, then min(5, 1) = 1 → 0.
		ev.Scores["M"] = evaluation.Input{Score: ptr(pts("3")), Reason: "a", Deductions: []evaluation.Deduction{{Points: pts("2"), Reason: "b"}, {Points: pts("5"), Reason: "c"}}}
		n := node(t, mustScore(t, ev, f).Indicators, "M")
		if n.Score != 0 || len(n.Trace.Deductions) != 3 || n.Trace.Deductions[2].Points != pts("1") {
			t.Errorf("score %s, deductions %+v", n.Score, n.Trace.Deductions)
		}
	})
	t.Run("on a target", func(t *testing.T) {
		tf := deptFW(t, leaf("A1", "10", &framework.Rule{Kind: framework.KindTargets, Categories: []string{"output"}}))
		ev := newEval(tf)
		tg := target(">=", "100", "200") // met, 10; far exceeded, reviewer takes 2
		tg.Deductions = []evaluation.Deduction{{Points: pts("2"), Reason: "目标设置偏低"}}
		ev.Targets = []evaluation.Target{tg}
		n := node(t, mustScore(t, ev, tf).Indicators, "A1")
		if n.Score != pts("8") {
			t.Errorf("score %s, want 8", n.Score)
		}
	})
	for _, tc := range []struct {
		name string
		d    evaluation.Deduction
		code string
		path string
	}{
		{"no reason", evaluation.Deduction{Points: pts("1")}, diag.NoReason, "scores.M.deductions[0].reason"},
		{"zero points", evaluation.Deduction{Reason: "x"}, diag.BadValue, "scores.M.deductions[0].points"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := newEval(f)
			ev.Scores["M"] = evaluation.Input{Score: ptr(pts("10")), Deductions: []evaluation.Deduction{tc.d}}
			_, ds := score(t, ev, f)
			if !hasFinding(ds, tc.code, tc.path) {
				t.Errorf("want %s at %s, got:\n%v", tc.code, tc.path, ds)
			}
		})
	}
}

func TestGradeFromTotal(t *testing.T) {
	for _, tc := range []struct{ score, grade string }{
		{"100", "优"}, {"90", "优"}, {"89.99", "良"}, {"80", "良"}, {"60", "中"}, {"59.99", "差"}, {"0", "差"},
	} {
		f := deptFW(t, leaf("M", "100", &framework.Rule{Kind: framework.KindManual}))
		ev := newEval(f)
		ev.Scores["M"] = evaluation.Input{Score: ptr(pts(tc.score)), Reason: "x"}
		res := mustScore(t, ev, f)
		if res.Total != pts(tc.score) || res.Grade != tc.grade || res.Points != pts("100") {
			t.Errorf("score %s: total %s grade %s, want %s", tc.score, res.Total, res.Grade, tc.grade)
		}
	}
	// Custom grades of the framework are used.
	f := deptFW(t, leaf("M", "100", &framework.Rule{Kind: framework.KindManual}))
	f.Grades = []framework.Grade{{Name: "A", Min: pts("85")}, {Name: "B", Min: pts("70")}, {Name: "C", Min: pts("50")}, {Name: "D", Min: 0}}
	ev := newEval(f)
	ev.Scores["M"] = evaluation.Input{Score: ptr(pts("84.99")), Reason: "x"}
	if res := mustScore(t, ev, f); res.Grade != "B" {
		t.Errorf("custom grade %s, want B", res.Grade)
	}
}

func TestScoreFrameworkErrors(t *testing.T) {
	f := deptFW(t, leaf("M", "100", &framework.Rule{Kind: framework.KindManual}))
	ev := newEval(f)
	ev.Framework = "nope"
	if res, ds := score(t, ev, f); res != nil || !hasFinding(ds, diag.UnknownRef, "framework") {
		t.Errorf("unknown framework: %v", ds)
	}
	p := makeFW(t, "proj", framework.ScopeProject, leaf("M", "100", &framework.Rule{Kind: framework.KindManual}))
	ev.Framework = "proj"
	if res, ds := score(t, ev, p); res != nil || !hasFinding(ds, diag.BadChoice, "framework") {
		t.Errorf("project framework for department: %v", ds)
	}
	// Projects with a missing project framework.
	ev = newEval(f)
	ev.Scores["M"] = evaluation.Input{Score: ptr(pts("100"))}
	ev.Projects = []evaluation.Project{{Name: "p"}}
	if _, ds := score(t, ev, f); !hasFinding(ds, diag.UnknownRef, "project_framework") {
		t.Errorf("missing project framework: %v", ds)
	}
}

func TestWeights(t *testing.T) {
	f := deptFW(t, leaf("X", "40", &framework.Rule{Kind: framework.KindManual}), leaf("Y", "60", &framework.Rule{Kind: framework.KindManual}))
	ev := newEval(f)
	ev.Weights = map[string]num.Points{"X": pts("30"), "Y": pts("70")}
	ev.Scores["X"] = evaluation.Input{Score: ptr(pts("30"))}
	ev.Scores["Y"] = evaluation.Input{Score: ptr(pts("70"))}
	res := mustScore(t, ev, f)
	if node(t, res.Indicators, "X").Points != pts("30") || res.Total != pts("100") {
		t.Errorf("weights not applied: X %s, total %s", node(t, res.Indicators, "X").Points, res.Total)
	}
	ev.Weights = map[string]num.Points{"X": pts("50")} // 50 + 60 ≠ 100
	if res, ds := score(t, ev, f); res != nil || !hasFinding(ds, diag.PointsSum, "indicators") {
		t.Errorf("bad weights: %v", ds)
	}
}
