package scoring

import (
	"testing"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
)

// fakeFWs implements Frameworks over a map.
type fakeFWs map[string]*framework.Framework

func (m fakeFWs) Framework(id string) (*framework.Framework, bool) {
	f, ok := m[id]
	return f, ok
}

func ptr[T any](v T) *T { return &v }

func pts(s string) num.Points {
	p, err := num.ParsePoints(s)
	if err != nil {
		panic(err)
	}
	return p
}

func dec(s string) *num.Decimal { return ptr(num.MustDecimal(s)) }

func leaf(code string, points string, r *framework.Rule) *framework.Indicator {
	return &framework.Indicator{Code: code, Name: "指标" + code, Points: pts(points), Rule: r}
}

func group(code string, points string, children ...*framework.Indicator) *framework.Indicator {
	return &framework.Indicator{Code: code, Name: "指标" + code, Points: pts(points), Children: children}
}

// deptFW makes a department framework whose total is the sum of its
// top-level indicators, and checks that it validates.
func deptFW(t *testing.T, ins ...*framework.Indicator) *framework.Framework {
	t.Helper()
	return makeFW(t, "dept", framework.ScopeDepartment, ins...)
}

func makeFW(t *testing.T, id, scope string, ins ...*framework.Indicator) *framework.Framework {
	t.Helper()
	var total num.Points
	for _, in := range ins {
		total += in.Points
	}
	f := &framework.Framework{ID: id, Name: "测试框架 " + id, Version: "1", Scope: scope, Total: total, Indicators: ins}
	if ds := f.Validate(); len(ds) > 0 {
		t.Fatalf("test framework %s invalid:\n%v", id, ds)
	}
	return f
}

// newEval is an evaluation scored by fw with a budget of 1000 yuan fully
// spent and no carry-over.
func newEval(fw *framework.Framework) *evaluation.Evaluation {
	ev := &evaluation.Evaluation{Framework: fw.ID, Scores: map[string]evaluation.Input{}}
	ev.Finance.Budget = evaluation.Budget{Initial: money.Yuan(1000), Adjusted: money.Yuan(1000)}
	ev.Finance.Expenditure = evaluation.Expenditure{Basic: money.Yuan(600), Project: money.Yuan(400)}
	return ev
}

func score(t *testing.T, ev *evaluation.Evaluation, fws ...*framework.Framework) (*Result, diag.List) {
	t.Helper()
	m := fakeFWs{}
	for _, f := range fws {
		m[f.ID] = f
	}
	return Score(ev, m)
}

// mustScore scores and fails on any error finding; it also checks the
// trace invariants on the result.
func mustScore(t *testing.T, ev *evaluation.Evaluation, fws ...*framework.Framework) *Result {
	t.Helper()
	res, ds := score(t, ev, fws...)
	if err := ds.Err(); err != nil {
		t.Fatalf("unexpected errors:\n%v", err)
	}
	checkTrace(t, res.Indicators)
	for _, p := range res.Projects {
		checkTrace(t, p.Indicators)
	}
	return res
}

// checkTrace holds every node to the trace rules: a node that lost points
// and has no children explains each lost point with a deduction that has a
// reason, the deductions add up to the points lost, and a group's score is
// the sum of its children's.
func checkTrace(t *testing.T, nodes []*Node) {
	t.Helper()
	for _, n := range nodes {
		if n.Score < 0 || (n.Score > n.Points && n.NotApplicable == "") {
			t.Errorf("%s: score %s outside 0..%s", n.Code, n.Score, n.Points)
		}
		if len(n.Children) > 0 {
			var s num.Points
			for _, c := range n.Children {
				s += c.Score
			}
			if s != n.Score {
				t.Errorf("%s: score %s, children add up to %s", n.Code, n.Score, s)
			}
			checkTrace(t, n.Children)
			continue
		}
		if n.NotApplicable != "" {
			continue
		}
		var lost num.Points
		for _, d := range n.Trace.Deductions {
			if d.Reason == "" {
				t.Errorf("%s: deduction of %s without a reason", n.Code, d.Points)
			}
			lost += d.Points
		}
		if n.Score < n.Points && len(n.Trace.Deductions) == 0 {
			t.Errorf("%s: lost %s points with no deduction", n.Code, n.Lost())
		}
		if lost != n.Lost() {
			t.Errorf("%s: deductions add up to %s, points lost %s", n.Code, lost, n.Lost())
		}
	}
}

func hasFinding(ds diag.List, code, path string) bool {
	for _, d := range ds {
		if d.Code == code && d.Path == path {
			return true
		}
	}
	return false
}

func countFindings(ds diag.List, code, path string) int {
	n := 0
	for _, d := range ds {
		if d.Code == code && d.Path == path {
			n++
		}
	}
	return n
}

func node(t *testing.T, nodes []*Node, code string) *Node {
	t.Helper()
	n := Find(nodes, code)
	if n == nil {
		t.Fatalf("no node %s", code)
	}
	return n
}

// scoreNoPanic scores, turning a panic into a test failure so that the
// rest of the package's tests still run.
func scoreNoPanic(t *testing.T, ev *evaluation.Evaluation, fws ...*framework.Framework) (res *Result, ds diag.List, ok bool) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("Score panicked: %v", r)
			ok = false
		}
	}()
	res, ds = score(t, ev, fws...)
	return res, ds, true
}
