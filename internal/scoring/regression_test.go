package scoring

import (
	"testing"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
)

// Regression (fixed): duplicate findings. notApplicable is asked about a group's
// children to decide whether the group applies, and again about each child
// when the group's subtree is scored; the E122 (and E103) it adds as a side
// effect is therefore reported twice for a required indicator under a group
// (internal/scoring/score.go notApplicable, the loop over in.Children). Fix:
// decide a group's applicability without adding findings (e.g. a pure
// helper), and add the findings only once, in tree().
func TestRegressionRequiredNotApplicableReportedTwice(t *testing.T) {
	x := leaf("X", "40", &framework.Rule{Kind: framework.KindManual})
	x.Required = true
	f := deptFW(t, group("G", "100", x, leaf("Y", "60", &framework.Rule{Kind: framework.KindManual})))
	ev := newEval(f)
	ev.Scores["X"] = evaluation.Input{NotApplicable: "不评"}
	ev.Scores["Y"] = evaluation.Input{Score: ptr(pts("60"))}
	_, ds, ok := scoreNoPanic(t, ev, f)
	if !ok {
		return
	}
	if n := countFindings(ds, diag.NotApplicable, "scores.X.not_applicable"); n != 1 {
		t.Errorf("E122 reported %d times, want once:\n%v", n, ds)
	}
}

// Regression (fixed): finding paths. Score prefixes the WithPoints findings with
// Prefix(""), which turns "weights.ZZ" into ".weights.ZZ" and "indicators"
// into ".indicators" (internal/scoring/score.go, `err.(diag.List).Prefix("")`;
// diag.List.Prefix always inserts a dot). The leading dot also stops
// datafile's Locate from finding the line of `weights:` in the data file.
// Fix: append the findings unprefixed.
func TestRegressionWeightsFindingPathLeadingDot(t *testing.T) {
	f := deptFW(t, leaf("X", "40", &framework.Rule{Kind: framework.KindManual}), leaf("Y", "60", &framework.Rule{Kind: framework.KindManual}))
	ev := newEval(f)
	ev.Weights = map[string]num.Points{"ZZ": pts("5")}
	_, ds, _ := scoreNoPanic(t, ev, f)
	if !hasFinding(ds, diag.UnknownRef, "weights.ZZ") {
		t.Errorf("want E111 at weights.ZZ, got:\n%v", ds)
	}
}

// Regression (fixed): checklist duplicates. a repeated checklist item is reported as a duplicate
// only when its first entry failed; "passed: true" followed by a failure of
// the same item is accepted silently and the failure counts
// (internal/scoring/score.go checklist: duplicates are detected through
// failed[j], which passed entries never set). Fix: track seen items in a
// separate map for every entry.
func TestRegressionChecklistDuplicateAfterPass(t *testing.T) {
	f := checklistFW(t)
	ev := newEval(f)
	ev.Scores["B5"] = evaluation.Input{Checklist: []evaluation.ItemCheck{{Item: "B5.3", Passed: true}, {Item: "B5.3", Reason: "备案超时"}}}
	_, ds, _ := scoreNoPanic(t, ev, f)
	if !hasFinding(ds, diag.Duplicate, "scores.B5.checklist[1].item") {
		t.Errorf("item B5.3 entered twice (passed, then failed) not reported:\n%v", ds)
	}
}

// Regression (fixed): project budget finding path. a project with a zero budget under an execution_rate
// rule is reported at "projects[0].finance.budget", a path that does not
// exist in a project (its budget is projects[0].adjusted or .initial)
// (internal/scoring/score.go executionRate: s.add(..., "finance.budget")
// is prefixed with the project path). Fix: let budgetFigures carry the
// path of its base ("finance.budget.adjusted" / "adjusted").
func TestRegressionProjectZeroBudgetPath(t *testing.T) {
	dept := deptFW(t, leaf("M", "100", &framework.Rule{Kind: framework.KindManual}))
	pfw := makeFW(t, "proj", framework.ScopeProject, leaf("P1", "100", &framework.Rule{Kind: framework.KindExecutionRate}))
	ev := newEval(dept)
	ev.ProjectFramework = "proj"
	ev.Scores["M"] = evaluation.Input{Score: ptr(pts("100"))}
	ev.Projects = []evaluation.Project{{Name: "p", Executed: money.Yuan(1)}}
	_, ds, _ := scoreNoPanic(t, ev, dept, pfw)
	if !hasFinding(ds, diag.Missing, "projects[0].adjusted") {
		t.Errorf("want E103 at projects[0].adjusted, got:\n%v", ds)
	}
}

// Regression (fixed): panic — a required targets indicator with no target of its
// categories. notApplicable reports E103 and keeps it applicable, then
// targetsScore runs with no targets: set == len(ts) == 0, the total 0 ≠
// points, and the E110 finding's path indexes ts[0] → index out of range
// (internal/scoring/targets.go:53). gz-dept-2023's A1/A2 are required, so
// any department file without output (or effect) targets crashes the
// program. Fix: in targetsScore return early when len(ts) == 0 (score 0,
// the E103 already explains it), and only compare totals when set > 0.
func TestRegressionRequiredTargetsWithoutTargetsPanics(t *testing.T) {
	a1 := leaf("A1", "20", &framework.Rule{Kind: framework.KindTargets, Categories: []string{framework.CategoryOutput}})
	a1.Required = true
	f := deptFW(t, a1, leaf("M", "80", &framework.Rule{Kind: framework.KindManual}))
	ev := newEval(f)
	ev.Scores["M"] = evaluation.Input{Score: ptr(pts("80"))}
	_, ds, ok := scoreNoPanic(t, ev, f)
	if !ok {
		return
	}
	if countFindings(ds, diag.Missing, "targets") != 1 {
		t.Errorf("want one E103 at targets, got:\n%v", ds)
	}
}
