package assess_test

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/render/markdown"
	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/workflow"
)

func load(t *testing.T, path string) (*evaluation.Evaluation, *datafile.Library) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l, ds := datafile.Evaluation(path, data)
	if ds.Err() != nil {
		t.Fatal(ds)
	}
	lib, ds := datafile.LoadLibrary()
	if ds.Err() != nil {
		t.Fatal(ds)
	}
	return l.Value, lib
}

func options() assess.Options { return assess.Options{Calendar: calendar.ScoringOptions().Calendar} }

func TestAssessTianhe(t *testing.T) {
	ev, lib := load(t, "../../examples/tianhe-gov-office-2023.yaml")
	a := assess.Assess(ev, lib, options())
	if a.Err() != nil || a.Result == nil {
		t.Fatalf("errors: %v", a.Findings.Errors())
	}
	if a.Result.Total != num.Points(9700) || a.Result.Grade != "优" {
		t.Errorf("total %s %s, want 97 优", a.Result.Total, a.Result.Grade)
	}
	if a.Framework == nil || a.ProjectFramework == nil || len(a.Result.Projects) != 9 {
		t.Errorf("frameworks %v %v, %d projects", a.Framework != nil, a.ProjectFramework != nil, len(a.Result.Projects))
	}
	if a.Review != nil {
		t.Error("a review without review scores")
	}
}

// The weights a data file sets are applied to the framework the report
// describes, once, in the pipeline.
func TestAssessWeightedFramework(t *testing.T) {
	ev, lib := load(t, "../../examples/qinghe-health-2024.yaml")
	want := map[string]num.Points{"A1": 2500, "A2": 1500, "A3": 1000}
	for code, p := range want {
		if ev.Weights[code] != p {
			t.Fatalf("the example's weights changed: %v", ev.Weights)
		}
	}
	a := assess.Assess(ev, lib, options())
	if a.Err() != nil {
		t.Fatal(a.Findings.Errors())
	}
	plain, _ := lib.Framework(ev.Framework)
	for code, p := range want {
		if got := a.Weighted.Find(code); got == nil || got.Points != p {
			t.Errorf("%s: the weighted framework has %v, want %s", code, got, p)
		}
	}
	if plain.Find("A1").Points == want["A1"] || a.Framework != plain {
		t.Error("the library's framework was changed in place, or is not the one kept")
	}
}

// Invalid data is not scored, and every problem of every step is listed.
func TestAssessRefusesInvalidData(t *testing.T) {
	ev, lib := load(t, "../../examples/tianhe-gov-office-2023.yaml")
	ev.Department.Name = ""
	ev.Framework = "no-such-framework"
	a := assess.Assess(ev, lib, options())
	if a.Result != nil {
		t.Error("invalid data was scored")
	}
	var missing, unknown bool
	for _, d := range a.Findings {
		missing = missing || d.Code == diag.Missing && d.Path == "department.name"
		unknown = unknown || d.Code == diag.UnknownRef
	}
	if !missing || !unknown {
		t.Errorf("findings %v", a.Findings)
	}
}

// The review rule: a review score replaces the self-score of its
// indicator, which stands for its subtree; the grade follows the bands.
func TestAfterReview(t *testing.T) {
	ev, lib := load(t, "../../examples/tianhe-gov-office-2023.yaml")
	o := options()
	o.Reviews = dept(map[string]num.Points{"B5": 700, "B5.1": 0, "NOPE": 100})
	a := assess.Assess(ev, lib, o)
	if a.Review == nil {
		t.Fatal("no review")
	}
	// B5 self-score 9 → 7: 97 − 2 = 95; B5.1 below it does not count again.
	if a.Review.Total != 9500 || a.Review.Counted != 1 || a.Review.Grade != "优" {
		t.Errorf("review %+v", a.Review)
	}
	o.Reviews = dept(map[string]num.Points{"A": 3000, "B": 4000}) // 70 → 良? bands decide
	a = assess.Assess(ev, lib, o)
	if a.Review.Total != 7000 || a.Review.Grade != a.Weighted.Grade(7000) || strings.TrimSpace(a.Review.Grade) == "" {
		t.Errorf("review %+v", a.Review)
	}
}

// dept is review scores on the department's tree, by a test reviewer.
func dept(m map[string]num.Points) assess.Scores {
	out := assess.Scores{assess.ScopeDepartment: {}}
	for code, p := range m {
		out[assess.ScopeDepartment][code] = assess.Score{Points: p, Reason: "理由" + code, Reviewer: "rv"}
	}
	return out
}

// Review of every leaf: a checklist item, a target and a project's
// indicator each replace their own self-score; each project gets its
// total and grade after review; the lines name the reviewer and the
// reason; a project scope by position names a project without a code.
func TestAfterReviewLeaves(t *testing.T) {
	ev, lib := load(t, "../../examples/tianhe-gov-office-2023.yaml")
	a := assess.Assess(ev, lib, options())
	if a.Review != nil || len(a.ProjectReviews) != len(ev.Projects) {
		t.Fatalf("no reviews: review %+v, %d project reviews", a.Review, len(a.ProjectReviews))
	}
	for i, pr := range a.ProjectReviews {
		if pr.ReviewTotal != pr.SelfTotal || pr.Grade != pr.SelfGrade || pr.Counted != 0 || pr.Name != ev.Projects[i].Name {
			t.Errorf("project %d without review: %+v", i, pr)
		}
	}
	b5 := scoring.Find(a.Result.Indicators, "B5")
	var item *scoring.Node
	for _, it := range b5.Items {
		if it.Score == it.Points {
			item = it
			break
		}
	}
	if item == nil || item.Rule != scoring.RuleItem || scoring.Leaf(a.Result.Indicators, item.Code) != item {
		t.Fatalf("B5 items %+v", b5.Items)
	}
	if scoring.Leaf(a.Result.Indicators, "B5") == nil || scoring.Leaf(a.Result.Indicators, "A1") != nil || scoring.Leaf(a.Result.Indicators, "T3") == nil {
		t.Error("Leaf: B5 (a checklist indicator) and T3 (a target) are leaves, A1 (with targets) is not")
	}
	p := a.Result.Projects[1]
	pleaf := p.Indicators[0]
	for len(pleaf.Children) > 0 {
		pleaf = pleaf.Children[0]
	}
	pscope := assess.ProjectScope(1, p.Code)
	o := options()
	o.Reviews = dept(map[string]num.Points{item.Code: 0, "T3": 300})
	o.Reviews[pscope] = map[string]assess.Score{pleaf.Code: {Points: 0, Reason: "佐证材料不足", Reviewer: "reviewer1"}}
	a = assess.Assess(ev, lib, o)
	r := a.Review
	want := a.Result.Total - item.Points - 100
	if r.Total != want || r.Counted != 2 || r.Scores["B5"] != b5.Score-item.Points || r.Scores["B"] != scoring.Find(a.Result.Indicators, "B").Score-item.Points {
		t.Errorf("department after review %+v, want total %s", r, want)
	}
	pr := a.ProjectReviews[1]
	if pr.Scope != pscope || pr.Code != p.Code || pr.SelfTotal != p.Total || pr.ReviewTotal != p.Total-pleaf.Score || pr.Counted != 1 || pr.Grade != a.ProjectFramework.Grade(p.Total-pleaf.Score) {
		t.Errorf("project after review %+v (self %s, leaf %s %s)", pr, p.Total, pleaf.Code, pleaf.Score)
	}
	if a.ProjectReviews[0].Counted != 0 {
		t.Errorf("another project changed: %+v", a.ProjectReviews[0])
	}
	if len(r.Lines) != 3 || r.Lines[2].Project != p.Name || r.Lines[2].Self != pleaf.Score ||
		!strings.Contains(r.Lines[2].Trace(), "reviewer1") || !strings.Contains(r.Lines[2].Trace(), "佐证材料不足") {
		t.Errorf("lines %+v", r.Lines)
	}
	// Positions name projects without codes.
	for i := range ev.Projects {
		ev.Projects[i].Code = ""
	}
	o.Reviews = assess.Scores{"seq:2": {pleaf.Code: {Points: 0, Reason: "r", Reviewer: "x"}}}
	a = assess.Assess(ev, lib, o)
	if pr := a.ProjectReviews[1]; pr.Scope != "seq:2" || pr.Counted != 1 || pr.ReviewTotal != p.Total-pleaf.Score {
		t.Errorf("by position: %+v", pr)
	}
	for _, bad := range []string{"", "1", "seq:0", "seq:01", "project:", "dept"} {
		if _, _, _, ok := assess.ParseScope(bad); ok {
			t.Errorf("ParseScope(%q) accepted", bad)
		}
	}
}

// Before the evaluation stage the pipeline validates for the stage and
// checks the frameworks, and does not score: the Tianhe 2024 proposal
// opened from 2023 has no year-end values and no errors, and an unknown
// score code is still found.
func TestAssessByStage(t *testing.T) {
	prev, lib := load(t, "../../examples/tianhe-gov-office-2023.yaml")
	ev := evaluation.CarryOver(prev, 2024)
	for _, stage := range []string{workflow.Declaration, workflow.Execution} {
		opts := options()
		opts.Stage = stage
		a := assess.Assess(ev, lib, opts)
		if a.Err() != nil || a.Result != nil || a.Framework == nil || a.ProjectFramework == nil {
			t.Errorf("%s: result %v, errors %v", stage, a.Result != nil, a.Findings.Errors())
		}
		ev.Scores = map[string]evaluation.Input{"Z9": {}}
		a = assess.Assess(ev, lib, opts)
		if len(a.Findings) == 0 || a.Findings[0].Code != diag.UnknownRef {
			t.Errorf("%s: framework checks not run: %v", stage, a.Findings)
		}
		ev.Scores = nil
	}
	if a := assess.Assess(ev, lib, options()); a.Result != nil || a.Err() == nil {
		t.Error("the proposal was scored as a finished self-evaluation")
	}
	if assess.Scored(workflow.Declaration) || assess.Scored(workflow.Execution) || !assess.Scored(workflow.Evaluation) || !assess.Scored("") {
		t.Error("Scored")
	}
}

// exanteYear is Tianhe 2023 with its first two projects declared new:
// THZFB-2023-01 (48万元) is below the test's 50万元 threshold,
// THZFB-2023-02 (98万元) reaches it.
func exanteYear(t *testing.T) (*evaluation.Evaluation, *datafile.Library) {
	ev, lib := load(t, "../../examples/tianhe-gov-office-2023.yaml")
	ev.Projects[0].Kind, ev.Projects[1].Kind = evaluation.ProjectNew, evaluation.ProjectNew
	return ev, lib
}

func exanteCycle(records map[string]evaluation.ExanteRecord) *evaluation.Cycle {
	return &evaluation.Cycle{Exante: records, ExanteFrom: money.Yuan(500_000), ExanteFinanceFrom: money.Yuan(5_000_000)}
}

// Without the records (a plain data file) B1.1 stays as typed and no
// project is asked for an ex-ante evaluation; with records, B1.1 is
// decided from them, and a new project from the threshold without a
// supported evaluation is W186 and costs B1.1, its trace naming the
// project and the record.
func TestAssessExanteFromRecords(t *testing.T) {
	ev, lib := exanteYear(t)
	plain := assess.Assess(ev, lib, options())
	if plain.Result == nil || plain.Result.Total != num.Points(9700) || len(plain.Findings.WithCode(diag.ExanteMissing)) != 0 {
		t.Fatalf("without records: %v, %v", plain.Result, plain.Findings)
	}
	b1 := func(a *assess.Assessment) *scoring.Node {
		t.Helper()
		if a.Result == nil {
			t.Fatalf("not scored: %v", a.Findings.Errors())
		}
		n := scoring.Find(a.Result.Indicators, "B1")
		if n == nil {
			t.Fatal("no B1")
		}
		return n
	}
	full := b1(plain)

	cases := []struct {
		name    string
		records map[string]evaluation.ExanteRecord
		met     bool
		says    string
	}{
		{"none", nil, false, "THZFB-2023-02）年初预算 98 万元，未开展事前绩效评估"},
		{"draft", map[string]evaluation.ExanteRecord{"THZFB-2023-02": {ID: 7}}, false, "事前绩效评估 #7（尚未出具结论）"},
		{"rejected", map[string]evaluation.ExanteRecord{"THZFB-2023-02": {ID: 7, Concluded: true, Conclusion: "reject", Total: "52.00"}}, false, "事前绩效评估 #7（不予支持，52.00 分），不能纳入预算"},
		{"adjusted", map[string]evaluation.ExanteRecord{"THZFB-2023-02": {ID: 7, Concluded: true, Conclusion: "support_adjusted", Total: "75.00"}}, true, "事前绩效评估 #7（调整后予以支持，75.00 分）"},
		{"supported", map[string]evaluation.ExanteRecord{"THZFB-2023-02": {ID: 7, Concluded: true, Conclusion: "support", Total: "88.50"}}, true, "事前绩效评估 #7（予以支持，88.50 分）"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := options()
			opts.Cycle = exanteCycle(c.records)
			a := assess.Assess(ev, lib, opts)
			n := b1(a)
			w := a.Findings.WithCode(diag.ExanteMissing)
			trace := strings.Join(n.Trace.Notes, "\n")
			for _, d := range n.Trace.Deductions {
				trace += "\n" + d.Reason + " " + strings.Join(d.Evidence, " ")
			}
			if !strings.Contains(trace, c.says) {
				t.Errorf("B1 trace does not say %q:\n%s", c.says, trace)
			}
			if strings.Contains(trace, "THZFB-2023-01") {
				t.Errorf("the project below the threshold is named:\n%s", trace)
			}
			if c.met {
				if len(w) != 0 || n.Score != full.Score || a.Result.Total != plain.Result.Total {
					t.Errorf("met: W186 %v, B1 %s (want %s), total %s", w, n.Score, full.Score, a.Result.Total)
				}
				return
			}
			if len(w) != 1 || w[0].Path != "projects[1]" || !strings.Contains(w[0].Message, c.says) || w[0].Severity != diag.Warning {
				t.Errorf("W186: %v", w)
			}
			if n.Score != 0 || len(n.Trace.Deductions) != 1 || n.Trace.Deductions[0].Points != full.Score {
				t.Errorf("B1 %s/%s, deductions %v", n.Score, n.Points, n.Trace.Deductions)
			}
			if a.Result.Total != plain.Result.Total-full.Score {
				t.Errorf("total %s, want %s less %s", a.Result.Total, plain.Result.Total, full.Score)
			}
		})
	}
}

// In the declaration stage the year is not scored, and W186 tells the
// editor before the budget is set.
func TestAssessExanteDeclaration(t *testing.T) {
	ev, lib := exanteYear(t)
	opts := options()
	opts.Stage, opts.Cycle = workflow.Declaration, exanteCycle(nil)
	a := assess.Assess(ev, lib, opts)
	if w := a.Findings.WithCode(diag.ExanteMissing); len(w) != 1 || !strings.Contains(w[0].Message, "须由预算部门开展") {
		t.Errorf("W186 in declaration: %v", w)
	}
	// From the finance threshold the finance bureau assesses.
	opts.Cycle.ExanteFinanceFrom = money.Yuan(900_000)
	a = assess.Assess(ev, lib, opts)
	if w := a.Findings.WithCode(diag.ExanteMissing); len(w) != 1 || !strings.Contains(w[0].Message, "须由财政部门开展") {
		t.Errorf("W186 from the finance threshold: %v", w)
	}
}

// B4.3 (绩效运行监控) is decided from the year's monitoring records when
// the store has them: a checkpoint report accepted and on time and every
// warning handled keep its points; no report, a late or unaccepted one,
// or a warning left open lose them, the trace naming each. Without
// records (a plain file, or a year imported at year end) it stays typed.
func TestAssessMonitoringFromRecords(t *testing.T) {
	ev, lib := load(t, "../../examples/tianhe-gov-office-2023.yaml")
	plain := assess.Assess(ev, lib, options())
	if plain.Result == nil || plain.Result.Total != num.Points(9700) {
		t.Fatalf("without records: %v", plain.Findings.Errors())
	}
	item := func(a *assess.Assessment) *scoring.Node {
		t.Helper()
		n := scoring.Find(a.Result.Indicators, "B4")
		if n == nil {
			t.Fatal("no B4")
		}
		return n
	}
	full := item(plain)
	due := civil.MustDate(2023, time.August, 31)
	onTime := evaluation.CheckpointRecord{Month: 7, Accepted: true, Status: "已通过", Due: due, Submitted: civil.MustDate(2023, time.August, 20)}
	handled := evaluation.WarningRecord{ID: 3, Month: 7, ProjectCode: "THZFB-2023-01", Level: "红色", Handled: true, State: "已通过"}
	open := evaluation.WarningRecord{ID: 4, Month: 7, Level: "黄色", State: "待处理"}
	late := onTime
	late.Submitted = civil.MustDate(2023, time.September, 4)
	cases := []struct {
		name string
		m    evaluation.Monitoring
		lost bool
		says string
	}{
		{"kept", evaluation.Monitoring{Checkpoints: []evaluation.CheckpointRecord{onTime}, Warnings: []evaluation.WarningRecord{handled}}, false, "7月绩效监控报告（已通过，应于2023年8月31日前报送）；执行预警 1 条，已处理 1 条"},
		{"none", evaluation.Monitoring{}, true, "本年度没有绩效运行监控报告"},
		{"late", evaluation.Monitoring{Checkpoints: []evaluation.CheckpointRecord{late}}, true, "7月绩效监控报告于2023年9月4日报送，晚于应报送日期2023年8月31日"},
		{"open warning", evaluation.Monitoring{Checkpoints: []evaluation.CheckpointRecord{onTime}, Warnings: []evaluation.WarningRecord{handled, open}}, true, "7月预警 #4（黄色，部门整体）未处理完毕（待处理）"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := options()
			m := c.m
			opts.Cycle = &evaluation.Cycle{Monitoring: &m}
			a := assess.Assess(ev, lib, opts)
			if a.Result == nil {
				t.Fatalf("not scored: %v", a.Findings.Errors())
			}
			n := item(a)
			trace := strings.Join(n.Trace.Notes, "\n")
			for _, d := range n.Trace.Deductions {
				trace += "\n" + d.Reason + " " + strings.Join(d.Evidence, " ")
			}
			if !strings.Contains(trace, c.says) {
				t.Errorf("B4 trace does not say %q:\n%s", c.says, trace)
			}
			// The report's account of 绩效管理 quotes what the records showed.
			var md bytes.Buffer
			if err := markdown.Render(&md, report.Build(report.Input{Evaluation: ev, Result: a.Result, Framework: a.Weighted})); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(md.String(), "经核对绩效运行监控记录，监控报告：") {
				t.Errorf("the report does not say what the monitoring records showed")
			}
			switch {
			case c.lost && n.Score != full.Score-num.Points(300):
				t.Errorf("B4 %s, want %s less B4.3's 3 points", n.Score, full.Score)
			case !c.lost && n.Score != full.Score:
				t.Errorf("B4 %s, want %s", n.Score, full.Score)
			}
		})
	}
}
