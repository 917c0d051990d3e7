package store

import (
	"reflect"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/workflow"
)

// The Tianhe example gains its 2024 successor: opened from 2023 in the
// declaration stage, its prior-year income is 2023's 3308.63 万元 and its
// continuing projects carry their targets, without their year-end values.
func TestOpenYears(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, _ := workflowStore(t, dsn)
		code := th.Evaluation.Department.Code
		// Master data changed since 2023 is carried by the new year.
		if _, err := s.db.Exec(s.rebind("UPDATE departments SET name = ? WHERE code = ?"), "天河区政府办公室（更名）", code); err != nil {
			t.Fatal(err)
		}
		got, err := s.OpenYears(ctx, []OpenRequest{{Code: code, Year: 2024}, {Code: "900100", Year: 2025, From: 2023}}, "operator", "按年度预算编制通知")
		if err != nil {
			t.Fatal(err)
		}
		if got[0].From != 2023 || got[1].From != 2023 {
			t.Errorf("requests = %+v, want From 2023 filled in", got)
		}
		r, err := s.Get(ctx, code, 2024)
		if err != nil {
			t.Fatal(err)
		}
		if r.Stage != workflow.Declaration || r.Status != workflow.Draft || r.Version != 1 || r.OpenedFrom != 2023 || r.Total != 0 || r.Grade != "" {
			t.Errorf("opened listing = %+v, opened from %d", r.Listing, r.OpenedFrom)
		}
		if r.StatusName() != "草稿" || r.StageName() != "目标申报" {
			t.Errorf("names: %s %s", r.StageName(), r.StatusName())
		}
		ev := r.Evaluation
		if ev.Year != 2024 || ev.Finance.PriorIncome != money.Fen(3308632000) || ev.Department.Name != "天河区政府办公室（更名）" {
			t.Errorf("year %d, prior income %s 万元, name %s", ev.Year, ev.Finance.PriorIncome.Wan(), ev.Department.Name)
		}
		if ev.Finance.PriorIncome.Wan() != "3308.63" {
			t.Errorf("prior income %s 万元, want 3308.63", ev.Finance.PriorIncome.Wan())
		}
		// The declaration is checked against 2023's actual values: every
		// carried "≥" target below what 2023 achieved is W197, each indicator
		// of a project needs its quarterly milestones (W196).
		if len(r.Cycle.PriorActuals) == 0 || !strings.Contains(r.CycleStamp, "prior.2023.") {
			t.Errorf("prior actuals %v, stamp %q", r.Cycle.PriorActuals, r.CycleStamp)
		}
		// A year opened here runs its execution stage here: its monitoring
		// records (none yet) decide B4.3 at year end; 2023, imported
		// finished, has none to judge by.
		if m := r.Cycle.Monitoring; m == nil || len(m.Checkpoints) != 0 || len(m.Warnings) != 0 {
			t.Errorf("monitoring of the opened year: %+v", m)
		}
		if old, err := s.Get(ctx, code, 2023); err != nil || old.Cycle.Monitoring != nil {
			t.Errorf("monitoring of the imported year: %+v, %v", old.Cycle.Monitoring, err)
		}
		lib, err := r.Library()
		if err != nil {
			t.Fatal(err)
		}
		a := assess.Assess(ev, lib, r.AssessOptions())
		counts := map[string]int{}
		for _, d := range a.Findings {
			counts[d.Code]++
		}
		if counts[diag.QualityMilestones] == 0 {
			t.Errorf("no W196 on a declaration carried without milestones: %v", counts)
		}
		wantBelow := 0
		for _, pt := range th.Evaluation.Projects {
			for _, tg := range pt.Targets {
				tv, err1 := num.ParseDecimal(tg.Target)
				av, err2 := num.ParseDecimal(tg.Actual)
				if tg.Direction == ">=" && tg.Remark == "" && err1 == nil && err2 == nil && tv.Rat().Cmp(av.Rat()) < 0 {
					wantBelow++
				}
			}
		}
		for _, tg := range th.Evaluation.Targets {
			tv, err1 := num.ParseDecimal(tg.Target)
			av, err2 := num.ParseDecimal(tg.Actual)
			if tg.Direction == ">=" && tg.Remark == "" && err1 == nil && err2 == nil && tv.Rat().Cmp(av.Rat()) < 0 {
				wantBelow++
			}
		}
		if counts[diag.QualityBelowPrior] != wantBelow {
			t.Errorf("%d W197, want %d (2023's ≥ targets below their actual values)", counts[diag.QualityBelowPrior], wantBelow)
		}
		prev := th.Evaluation
		if len(ev.Projects) != len(prev.Projects) || len(ev.Projects) == 0 {
			t.Fatalf("%d projects, want %d", len(ev.Projects), len(prev.Projects))
		}
		for i, p := range ev.Projects {
			if p.Name != prev.Projects[i].Name || len(p.Targets) != len(prev.Projects[i].Targets) || p.Executed != 0 {
				t.Errorf("project %d = %s with %d targets, executed %d", i, p.Name, len(p.Targets), p.Executed)
			}
			for _, tg := range p.Targets {
				if tg.Actual != "" || tg.Code == "" || tg.Target == "" {
					t.Errorf("project %s target %+v", p.Name, tg)
				}
			}
		}
		if len(ev.Targets) != len(prev.Targets) || ev.Targets[0].Actual != "" || ev.Targets[0].Code != prev.Targets[0].Code {
			t.Errorf("targets = %+v", ev.Targets)
		}
		if s := ev.Finance.Sangong; s == nil || s.Overseas.PriorActual == nil || *s.Overseas.PriorActual != prev.Finance.Sangong.Overseas.Actual {
			t.Errorf("三公 = %+v", s)
		}
		// The frameworks pinned with 2023.
		old, _ := s.Get(ctx, code, 2023)
		if string(r.Framework) != string(old.Framework) || string(r.ProjectFramework) != string(old.ProjectFramework) {
			t.Error("the new year is not pinned to the previous year's framework files")
		}
		// One history row, a creation with the reason.
		h, err := s.History(ctx, code, 2024)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 1 || h[0].Action != "create" || h[0].Version != 1 || h[0].Actor != "operator" || h[0].Reason != "由2023年度开启：按年度预算编制通知" {
			t.Errorf("history = %+v", h)
		}
		// Projects as rows, without scores.
		var n, scored int
		if err := s.db.QueryRow(s.rebind(`SELECT count(*), COALESCE(sum(p.total), 0) FROM projects p JOIN department_years dy ON dy.id = p.department_year_id
			JOIN departments d ON d.id = dy.department_id WHERE d.code = ? AND dy.year = 2024`), code).Scan(&n, &scored); err != nil {
			t.Fatal(err)
		}
		if n != len(prev.Projects) || scored != 0 {
			t.Errorf("%d project rows totalling %d", n, scored)
		}
		// Lists select by stage.
		ls, err := s.ListFiltered(ctx, Filter{Stage: workflow.Declaration})
		if err != nil {
			t.Fatal(err)
		}
		if len(ls) != 2 || ls[0].Year != 2024 || ls[1].Year != 2025 {
			t.Errorf("declaration listings = %+v", ls)
		}
		if ls, _ := s.ListFiltered(ctx, Filter{Stage: workflow.Evaluation}); len(ls) != 2 || ls[0].Year != 2023 {
			t.Errorf("evaluation listings = %+v", ls)
		}
		if f := (Filter{Stage: workflow.Evaluation}).And(Filter{Stage: workflow.Declaration}); f.Status == nil || len(f.Status) != 0 {
			t.Errorf("And of two stages = %+v, want none", f)
		}
	})
}

// Opening is all or nothing: a year that exists and a year with nothing to
// open from are apperr.EINVALID naming each department and year, and nothing is
// stored.
func TestOpenYearsRefuses(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, _ := workflowStore(t, dsn)
		code := th.Evaluation.Department.Code
		before := takeSnapshot(t, s)
		for _, tc := range []struct {
			reqs []OpenRequest
			want []string
		}{
			{[]OpenRequest{{Code: "900100", Year: 2024}, {Code: code, Year: 2023, From: 2022}, {Code: "900100", Year: 2023, From: 2022}},
				[]string{"部门 " + code + " 2023 年度已存在", "部门 900100 2023 年度已存在"}},
			{[]OpenRequest{{Code: "900100", Year: 2024}, {Code: code, Year: 2026}, {Code: "777777", Year: 2024}},
				[]string{"部门 " + code + " 没有 2025 年度的数据", "部门 777777 没有 2023 年度的数据"}},
			{[]OpenRequest{{Code: code, Year: 2024}, {Code: code, Year: 2024}}, []string{"出现了两次"}},
			{[]OpenRequest{{Code: code, Year: 2024, From: 2024}}, []string{"来源年度应早于开启的年度"}},
			{nil, []string{"没有选择"}},
		} {
			_, err := s.OpenYears(ctx, tc.reqs, "operator", "")
			if apperr.Code(err) != apperr.EINVALID {
				t.Errorf("%+v: %v, want apperr.EINVALID", tc.reqs, err)
				continue
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%+v: %q does not say %q", tc.reqs, err, w)
				}
			}
		}
		if _, err := s.OpenYears(ctx, []OpenRequest{{Code: code, Year: 2024}}, "", ""); apperr.Code(err) != apperr.EINVALID {
			t.Errorf("no actor: %v", err)
		}
		if after := takeSnapshot(t, s); !reflect.DeepEqual(before, after) {
			t.Errorf("a refused opening changed the store:\n%+v\n%+v", before, after)
		}
	})
}

// A year before the evaluation stage is saved without a score, and keeps
// no total even when one is passed; the evaluation stage needs one. The
// stage moves take it through 批复 and 开始年终自评, after which it is
// scored; review scores are refused while the targets are examined.
func TestDeclarationYearLife(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn)
		code := th.Evaluation.Department.Code
		if _, err := s.OpenYears(ctx, []OpenRequest{{Code: code, Year: 2024}}, "operator", ""); err != nil {
			t.Fatal(err)
		}
		r, _ := s.Get(ctx, code, 2024)
		ev := r.Evaluation
		ev.OverallGoal = "2024 年度总体目标"
		v, err := s.Update(ctx, code, 2024, ev, nil, r.Version, "editor-a", "修改申报")
		if err != nil || v != 2 {
			t.Fatalf("update without a result: v%d %v", v, err)
		}
		// A result passed for a declaration is not stored.
		ev.OverallGoal = "再次修改"
		if v, err = s.Update(ctx, code, 2024, ev, th.Result, v, "editor-a", "修改申报"); err != nil {
			t.Fatal(err)
		}
		if r, _ = s.Get(ctx, code, 2024); r.Total != 0 || r.Grade != "" || r.Evaluation.OverallGoal != "再次修改" {
			t.Errorf("declaration stored total %s grade %q", r.Total, r.Grade)
		}
		// An import replacing it needs no result either.
		e := th
		e.Evaluation, e.Result, e.Source = clone(t, ev), nil, "decl.yaml"
		e.Evaluation.OverallGoal = "由文件导入"
		if sum, err := s.Import(ctx, []Entry{e}, "operator", "导入申报"); err != nil || sum.Replaced != 1 {
			t.Fatalf("import without a result: %+v %v", sum, err)
		}
		// ... but a new year does.
		e.Evaluation = variant(t, ev, "900200", 2024)
		if _, err := s.Import(ctx, []Entry{e}, "operator", "导入"); apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "缺少评分结果") {
			t.Errorf("new year without a result: %v", err)
		}
		r, _ = s.Get(ctx, code, 2024)
		v = r.Version
		for _, step := range []struct {
			to    string
			actor User
			stage string
		}{
			{workflow.Submitted, p.editorA, workflow.Declaration},
			{workflow.Approved, p.approverA, workflow.Declaration},
			{workflow.UnderReview, p.reviewer, workflow.Declaration},
			{workflow.Draft, p.reviewer, workflow.Execution},
			{workflow.Draft, p.editorA, workflow.Evaluation},
		} {
			if step.stage == workflow.Execution {
				// Review scores are for the year-end review only.
				if err := s.SetReviewScore(ctx, code, 2024, ScopeDepartment, "B1", 100, "理由", p.reviewer); apperr.Code(err) != apperr.EFORBIDDEN || !strings.Contains(err.Error(), "目标申报") {
					t.Errorf("review score while the targets are examined: %v", err)
				}
			}
			if v, err = s.Transition(ctx, code, 2024, step.to, step.actor, "", v); err != nil {
				t.Fatalf("→ %s %s: %v", step.stage, step.to, err)
			}
			if r, _ = s.Get(ctx, code, 2024); r.Stage != step.stage || r.Status != step.to {
				t.Errorf("stored %s %s, want %s %s", r.Stage, r.Status, step.stage, step.to)
			}
		}
		// In the evaluation stage a save needs its score.
		if _, err := s.Update(ctx, code, 2024, r.Evaluation, nil, v, "editor-a", "x"); apperr.Code(err) != apperr.EINVALID {
			t.Errorf("evaluation stage without a result: %v", err)
		}
		stages := historyAt(t, s, code, 2024, "stage")
		if len(stages) != 2 || stages[0].New != workflow.Execution || stages[1].New != workflow.Evaluation || stages[1].Actor != "editor-a" {
			t.Errorf("stage history = %+v", stages)
		}
		if got := stages[0].Field(nil); got != "阶段" {
			t.Errorf("Field = %s", got)
		}
	})
}
