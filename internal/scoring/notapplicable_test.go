package scoring

import (
	"testing"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
)

// projectFW mirrors cn-project-2020: P1 execution 10, P2 output 50, P3
// effect 30, P4 satisfaction 10 redistributed to P2 and P3.
func projectFW(t *testing.T) *framework.Framework {
	p4 := leaf("P4", "10", &framework.Rule{Kind: framework.KindTargets, Categories: []string{framework.CategorySatisfaction}})
	p4.RedistributeTo = []string{"P2", "P3"}
	ins := []*framework.Indicator{
		leaf("P1", "10", &framework.Rule{Kind: framework.KindExecutionRate, Budget: "adjusted"}),
		leaf("P2", "50", &framework.Rule{Kind: framework.KindTargets, Categories: []string{framework.CategoryOutput}}),
		leaf("P3", "30", &framework.Rule{Kind: framework.KindTargets, Categories: []string{framework.CategoryEffect}}),
		p4,
	}
	for _, in := range ins[:3] {
		in.Required = true
	}
	return makeFW(t, "proj", framework.ScopeProject, ins...)
}

func TestProjectWithoutSatisfaction(t *testing.T) {
	dept := deptFW(t, leaf("M", "100", &framework.Rule{Kind: framework.KindManual}))
	pfw := projectFW(t)
	ev := newEval(dept)
	ev.ProjectFramework = "proj"
	ev.Scores["M"] = evaluation.Input{Score: ptr(pts("100"))}
	out := target(">=", "10", "10")
	eff := target(">=", "100", "100")
	eff.Category = framework.CategoryEffect
	ev.Projects = []evaluation.Project{{Name: "项目甲", Code: "X1", Adjusted: money.Yuan(100), Executed: money.Yuan(100),
		Targets: []evaluation.Target{out, eff}}}
	res := mustScore(t, ev, dept, pfw)
	if len(res.Projects) != 1 {
		t.Fatalf("%d projects scored", len(res.Projects))
	}
	pr := res.Projects[0]
	// P4's 10 points split 50:30 between P2 and P3: 10 × 50/80 = 6.25 and
	// 10 × 30/80 = 3.75, so P2 carries 56.25 and P3 33.75.
	p2, p3, p4 := node(t, pr.Indicators, "P2"), node(t, pr.Indicators, "P3"), node(t, pr.Indicators, "P4")
	if p2.Points != pts("56.25") || p3.Points != pts("33.75") {
		t.Errorf("P2 %s, P3 %s; want 56.25, 33.75", p2.Points, p3.Points)
	}
	if p2.BasePoints != pts("50") || p3.BasePoints != pts("30") {
		t.Errorf("base points %s, %s", p2.BasePoints, p3.BasePoints)
	}
	if p4.NotApplicable == "" || p4.Points != 0 || p4.Score != 0 {
		t.Errorf("P4: not applicable %q, points %s, score %s", p4.NotApplicable, p4.Points, p4.Score)
	}
	// All met: 10 + 56.25 + 33.75 = 100.
	if pr.Total != pts("100") || pr.Grade != "优" || pr.Framework != "proj" {
		t.Errorf("project total %s grade %s", pr.Total, pr.Grade)
	}
	if len(p2.Trace.Notes) == 0 {
		t.Errorf("P2 does not note its rescaling")
	}
	// The target inside P2 carries P2's new points.
	if c := p2.Children[0]; c.Points != pts("56.25") || c.Score != pts("56.25") {
		t.Errorf("P2's target %s/%s", c.Score, c.Points)
	}
}

func TestProjectRescaledMiss(t *testing.T) {
	dept := deptFW(t, leaf("M", "100", &framework.Rule{Kind: framework.KindManual}))
	pfw := projectFW(t)
	ev := newEval(dept)
	ev.ProjectFramework = "proj"
	ev.Scores["M"] = evaluation.Input{Score: ptr(pts("100"))}
	out := target(">=", "10", "8") // 80% of 56.25 = 45
	out.Deviation = "x"
	eff := target(">=", "100", "100")
	eff.Category = framework.CategoryEffect
	// Executed 90 of 100 → 9 of 10.
	ev.Projects = []evaluation.Project{{Name: "p", Adjusted: money.Yuan(100), Executed: money.Yuan(90), Targets: []evaluation.Target{out, eff}}}
	pr := mustScore(t, ev, dept, pfw).Projects[0]
	// 9 + 45 + 33.75 = 87.75 → 良.
	if node(t, pr.Indicators, "P2").Score != pts("45") || pr.Total != pts("87.75") || pr.Grade != "良" {
		t.Errorf("P2 %s, total %s, grade %s", node(t, pr.Indicators, "P2").Score, pr.Total, pr.Grade)
	}
}

func TestExplicitNotApplicable(t *testing.T) {
	// X 20, Y 30, Z 50; X marked not applicable with no redistribute_to:
	// its 20 go to Y and Z in proportion 30:50 → 7.5 and 12.5, so Y
	// carries 37.5 and Z 62.5.
	f := deptFW(t,
		leaf("X", "20", &framework.Rule{Kind: framework.KindManual}),
		leaf("Y", "30", &framework.Rule{Kind: framework.KindManual}),
		leaf("Z", "50", &framework.Rule{Kind: framework.KindManual}))
	ev := newEval(f)
	ev.Scores["X"] = evaluation.Input{NotApplicable: "本年度无此业务"}
	ev.Scores["Y"] = evaluation.Input{Score: ptr(pts("37.5"))}
	ev.Scores["Z"] = evaluation.Input{Score: ptr(pts("60")), Reason: "x"}
	res := mustScore(t, ev, f)
	x, y, z := node(t, res.Indicators, "X"), node(t, res.Indicators, "Y"), node(t, res.Indicators, "Z")
	if x.NotApplicable != "本年度无此业务" || x.Points != 0 {
		t.Errorf("X: %q, %s", x.NotApplicable, x.Points)
	}
	if y.Points != pts("37.5") || z.Points != pts("62.5") {
		t.Errorf("Y %s, Z %s; want 37.5, 62.5", y.Points, z.Points)
	}
	// 37.5 + 60 = 97.5.
	if res.Total != pts("97.5") {
		t.Errorf("total %s, want 97.5", res.Total)
	}
}

func TestNotApplicableNested(t *testing.T) {
	// G 60 (G1 40 + G2 20) and X 40; X not applicable → G carries 100,
	// shared 40:20 → 66.666… and 33.333… → 66.67 + 33.33 (largest
	// remainder to the first).
	f := deptFW(t,
		group("G", "60", leaf("G1", "40", &framework.Rule{Kind: framework.KindManual}), leaf("G2", "20", &framework.Rule{Kind: framework.KindManual})),
		leaf("X", "40", &framework.Rule{Kind: framework.KindManual}))
	ev := newEval(f)
	ev.Scores["X"] = evaluation.Input{NotApplicable: "无"}
	ev.Scores["G1"] = evaluation.Input{Score: ptr(pts("66.67"))}
	ev.Scores["G2"] = evaluation.Input{Score: ptr(pts("33.33"))}
	res := mustScore(t, ev, f)
	if g, g1, g2 := node(t, res.Indicators, "G"), node(t, res.Indicators, "G1"), node(t, res.Indicators, "G2"); g.Points != pts("100") || g1.Points != pts("66.67") || g2.Points != pts("33.33") {
		t.Errorf("G %s, G1 %s, G2 %s", g.Points, g1.Points, g2.Points)
	}
	if res.Total != pts("100") {
		t.Errorf("total %s", res.Total)
	}
	// A group whose children are all not applicable is itself dropped.
	ev = newEval(f)
	ev.Scores["G1"] = evaluation.Input{NotApplicable: "无"}
	ev.Scores["G2"] = evaluation.Input{NotApplicable: "无"}
	ev.Scores["X"] = evaluation.Input{Score: ptr(pts("100"))}
	res = mustScore(t, ev, f)
	if g, x := node(t, res.Indicators, "G"), node(t, res.Indicators, "X"); g.NotApplicable == "" || x.Points != pts("100") {
		t.Errorf("G %q, X %s", g.NotApplicable, x.Points)
	}
}

func TestRequiredMarkedNotApplicable(t *testing.T) {
	x := leaf("X", "40", &framework.Rule{Kind: framework.KindManual})
	x.Required = true
	f := deptFW(t, x, leaf("Y", "60", &framework.Rule{Kind: framework.KindManual}))
	ev := newEval(f)
	ev.Scores["X"] = evaluation.Input{NotApplicable: "不想评"}
	ev.Scores["Y"] = evaluation.Input{Score: ptr(pts("60"))}
	res, ds := score(t, ev, f)
	if !hasFinding(ds, diag.NotApplicable, "scores.X.not_applicable") {
		t.Errorf("E122 not reported:\n%v", ds)
	}
	// The mark is refused: X keeps its points and Y is not rescaled.
	if n := node(t, res.Indicators, "X"); n.NotApplicable != "" || n.Points != pts("40") {
		t.Errorf("X dropped anyway: %q, %s", n.NotApplicable, n.Points)
	}
	if n := node(t, res.Indicators, "Y"); n.Points != pts("60") {
		t.Errorf("Y rescaled to %s", n.Points)
	}
}

func TestProjectFindingPaths(t *testing.T) {
	dept := deptFW(t, leaf("M", "100", &framework.Rule{Kind: framework.KindManual}))
	pfw := makeFW(t, "proj", framework.ScopeProject, leaf("PM", "100", &framework.Rule{Kind: framework.KindManual}))
	ev := newEval(dept)
	ev.ProjectFramework = "proj"
	ev.Scores["M"] = evaluation.Input{Score: ptr(pts("100"))}
	ev.Projects = []evaluation.Project{{Name: "a", Scores: map[string]evaluation.Input{"PM": {Score: ptr(pts("100"))}}}, {Name: "b"}}
	_, ds := score(t, ev, dept, pfw)
	if !hasFinding(ds, diag.Missing, "projects[1].scores.PM.score") || hasFinding(ds, diag.Missing, "projects[0].scores.PM.score") {
		t.Errorf("project finding paths:\n%v", ds)
	}
}
