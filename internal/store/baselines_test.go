package store

import (
	"context"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/workflow"
)

// approvedYear opens Tianhe 2024 from 2023 and takes it through the
// declaration to 批复; it returns the version after 批复.
func approvedYear(t *testing.T, s *Store, code string, p people) int {
	t.Helper()
	if _, err := s.OpenYears(ctx, []OpenRequest{{Code: code, Year: 2024}}, "operator", ""); err != nil {
		t.Fatal(err)
	}
	v := 1
	for _, step := range []struct {
		to    string
		actor User
	}{{workflow.Submitted, p.editorA}, {workflow.Approved, p.approverA}, {workflow.UnderReview, p.reviewer}, {workflow.Draft, p.reviewer}} {
		var err error
		if v, err = s.Transition(ctx, code, 2024, step.to, step.actor, "", v); err != nil {
			t.Fatalf("→ %s: %v", step.to, err)
		}
	}
	return v
}

func codesOf(ds diag.List, code string) []diag.Finding {
	var out []diag.Finding
	for _, f := range ds {
		if f.Code == code {
			out = append(out, f)
		}
	}
	return out
}

// 批复 freezes the declared part: baseline 1 holds it, and a later write
// (web save or import) cannot change a target, only add W183/W182.
func TestApprovalFreezesTargets(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn)
		code := th.Evaluation.Department.Code
		v := approvedYear(t, s, code, p)
		r, _ := s.Get(ctx, code, 2024)
		if r.Stage != workflow.Execution {
			t.Fatalf("stage %s", r.Stage)
		}
		bs, err := s.Baselines(ctx, code, 2024)
		if err != nil || len(bs) != 1 || bs[0].Seq != 1 || bs[0].Kind != BaselineApproval || bs[0].Actor != p.reviewer.Username || len(bs[0].SHA256) != 64 {
			t.Fatalf("baselines = %+v %v", bs, err)
		}
		if !sameDeclared(bs[0].Data, evaluation.Declared(r.Evaluation)) {
			t.Error("baseline 1 is not the declared part of the approved document")
		}
		if h := historyAt(t, s, code, 2024, "baseline[1]"); len(h) != 1 || h[0].New != bs[0].SHA256 || h[0].Version != v || h[0].Reason != "批复" {
			t.Errorf("baseline history = %+v", h)
		}

		// An editor's save lowering a target keeps the approved value.
		ev := clone(t, r.Evaluation)
		approved := ev.Targets[0].Target
		ev.Targets[0].Target = "1"
		ev.Projects[0].Targets = append(ev.Projects[0].Targets, evaluation.Target{Code: "X9", Category: "output", Subcategory: "数量指标", Name: "临时加的指标", Direction: ">=", Target: "1", Unit: "个"})
		ev.Department.Functions = append(ev.Department.Functions, "新职能") // profile: editable
		nv, found, err := s.UpdateWith(ctx, code, 2024, ev, nil, v, "editor-a", "执行中修改")
		if err != nil || nv != v+1 {
			t.Fatalf("update: v%d %v", nv, err)
		}
		w183 := codesOf(found, diag.BaselineKept)
		if len(w183) != 1 || w183[0].Path != "targets[0].target" || !strings.Contains(w183[0].Message, "“1”") || !strings.Contains(w183[0].Message, approved) {
			t.Errorf("W183 = %+v", w183)
		}
		if w182 := codesOf(found, diag.NotDeclared); len(w182) != 1 || !strings.Contains(w182[0].Message, "临时加的指标") {
			t.Errorf("W182 = %+v", w182)
		}
		r, _ = s.Get(ctx, code, 2024)
		if r.Evaluation.Targets[0].Target != approved || !strings.Contains(strings.Join(r.Evaluation.Department.Functions, ""), "新职能") {
			t.Errorf("stored target %q functions %v", r.Evaluation.Targets[0].Target, r.Evaluation.Department.Functions)
		}
		for _, c := range historyAt(t, s, code, 2024, "targets[0].target") {
			t.Errorf("a kept field was recorded as changed: %+v", c)
		}

		// An import into the year is held to the same baseline.
		e := th
		e.Evaluation, e.Result, e.Source = clone(t, r.Evaluation), nil, "mid-year.yaml"
		e.Evaluation.Projects[0].Initial = 1
		e.Evaluation.OverallGoal = "导入时改写"
		sum, found, err := s.ImportWith(ctx, []Entry{e}, ImportOptions{Actor: "operator", Reason: "导入"})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Unchanged != 1 || len(codesOf(found, diag.BaselineKept)) != 2 || found[0].File != "mid-year.yaml" {
			t.Errorf("import: %+v %+v", sum, found)
		}
		r2, _ := s.Get(ctx, code, 2024)
		if r2.Version != r.Version || r2.Evaluation.OverallGoal != r.Evaluation.OverallGoal {
			t.Errorf("import changed the frozen goal: v%d %q", r2.Version, r2.Evaluation.OverallGoal)
		}
	})
}

// A 目标调整: the editor proposes, the reviewer approves with a comment;
// the baseline gains seq 2, the document the new target with its marker,
// history the changed field with "目标调整第N号"; a proposal made on the
// older baseline can no longer be approved.
func TestTargetAdjustment(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn)
		code := th.Evaluation.Department.Code
		v := approvedYear(t, s, code, p)
		bs, _ := s.Baselines(ctx, code, 2024)
		pcode := bs[0].Data.Projects[0].Code
		scope, ok := bs[0].Data.Scope(pcode)
		if !ok {
			t.Fatalf("no project %s", pcode)
		}
		old := scope.Projects[0].Targets[0]
		scope.Projects[0].Targets[0].Target = "300"

		if _, err := s.ProposeAdjustment(ctx, code, 2024, pcode, scope, "理由", p.reviewer); apperr.Code(err) != apperr.EFORBIDDEN {
			t.Errorf("reviewer proposing: %v", err)
		}
		if _, err := s.ProposeAdjustment(ctx, code, 2024, pcode, scope, "理由", p.editorB); apperr.Code(err) != apperr.EFORBIDDEN {
			t.Errorf("other department proposing: %v", err)
		}
		if _, err := s.ProposeAdjustment(ctx, code, 2024, pcode, scope, " ", p.editorA); apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "调整原因") {
			t.Errorf("no reason: %v", err)
		}
		if _, err := s.ProposeAdjustment(ctx, code, 2024, "NOPE", scope, "理由", p.editorA); apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "NOPE") {
			t.Errorf("unknown scope: %v", err)
		}
		same, _ := bs[0].Data.Scope(pcode)
		if _, err := s.ProposeAdjustment(ctx, code, 2024, pcode, same, "理由", p.editorA); apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "相同") {
			t.Errorf("no change: %v", err)
		}
		a1, err := s.ProposeAdjustment(ctx, code, 2024, pcode, scope, "值班安排调整", p.editorA)
		if err != nil || a1.Number != 1 || a1.BaseSeq != 1 || a1.Status != AdjustmentProposed {
			t.Fatalf("propose: %+v %v", a1, err)
		}
		dep, _ := bs[0].Data.Scope(evaluation.ScopeDepartment)
		dep.Targets[0].Target = "1500"
		a2, err := s.ProposeAdjustment(ctx, code, 2024, evaluation.ScopeDepartment, dep, "任务调减", p.editorA)
		if err != nil || a2.Number != 2 {
			t.Fatalf("second proposal: %+v %v", a2, err)
		}
		if r, _ := s.Get(ctx, code, 2024); r.Version != v {
			t.Errorf("a proposal changed the version: %d", r.Version)
		}
		// Both wait for the reviewer, and only the department's people
		// and the finance bureau see them.
		pending, err := s.PendingAdjustments(ctx, Visible(&p.reviewer))
		if err != nil || len(pending) != 2 || pending[0].Number != 1 || pending[0].Scope != pcode || pending[0].DepartmentCode != code ||
			pending[0].Year != 2024 || pending[1].Reason != "任务调减" || pending[1].Proposer != p.editorA.Username {
			t.Errorf("pending adjustments = %+v %v", pending, err)
		}
		if other, err := s.PendingAdjustments(ctx, Visible(&p.editorB)); err != nil || len(other) != 0 {
			t.Errorf("pending adjustments seen by another department = %+v %v", other, err)
		}
		if mine, err := s.PendingAdjustments(ctx, Visible(&p.editorA).And(Filter{Year: 2024})); err != nil || len(mine) != 2 {
			t.Errorf("pending adjustments of the department = %+v %v", mine, err)
		}

		if _, err := s.DecideAdjustment(ctx, code, 2024, 1, true, "同意", p.editorA); apperr.Code(err) != apperr.EFORBIDDEN {
			t.Errorf("editor deciding: %v", err)
		}
		if _, err := s.DecideAdjustment(ctx, code, 2024, 1, false, "", p.reviewer); apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "审核意见") {
			t.Errorf("no comment: %v", err)
		}
		if _, err := s.DecideAdjustment(ctx, code, 2024, 9, true, "同意", p.reviewer); apperr.Code(err) != apperr.ENOTFOUND {
			t.Errorf("unknown number: %v", err)
		}
		nv, err := s.DecideAdjustment(ctx, code, 2024, 1, true, "同意调整", p.reviewer)
		if err != nil || nv != v+1 {
			t.Fatalf("approve: v%d %v", nv, err)
		}
		r, _ := s.Get(ctx, code, 2024)
		got := r.Evaluation.Projects[0].Targets[0]
		if got.Target != "300" || got.Adjusted == nil || got.Adjusted.Number != 1 || got.Adjusted.From == nil || got.Adjusted.From.Target != old.Target || got.Adjusted.Reason != "值班安排调整" {
			t.Errorf("adjusted target = %+v %+v", got, got.Adjusted)
		}
		bs, _ = s.Baselines(ctx, code, 2024)
		if len(bs) != 2 || bs[1].Kind != BaselineAdjustment || bs[1].Adjustment != 1 || bs[0].Data.Projects[0].Targets[0].Target != old.Target {
			t.Errorf("baselines after approval = %+v", bs)
		}
		h := historyAt(t, s, code, 2024, "projects[0].targets[0].target")
		if len(h) != 1 || h[0].Old != old.Target || h[0].New != "300" || h[0].Reason != "目标调整第1号：值班安排调整" || h[0].Actor != p.reviewer.Username || h[0].Version != nv {
			t.Errorf("history = %+v", h)
		}
		if h := historyAt(t, s, code, 2024, "adjustments[1].status"); len(h) != 2 || h[1].New != AdjustmentApproved || h[1].Reason != "同意调整" {
			t.Errorf("adjustment history = %+v", h)
		}
		// Number 2 was proposed on baseline 1.
		if _, err := s.DecideAdjustment(ctx, code, 2024, 2, true, "同意", p.reviewer); apperr.Code(err) != apperr.ECONFLICT || !strings.Contains(err.Error(), "重新申请") {
			t.Errorf("stale approval: %v", err)
		}
		if _, err := s.DecideAdjustment(ctx, code, 2024, 2, false, "请按新目标重新申请", p.reviewer); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DecideAdjustment(ctx, code, 2024, 2, true, "同意", p.reviewer); apperr.Code(err) != apperr.ECONFLICT {
			t.Errorf("deciding twice: %v", err)
		}
		if pending, err := s.PendingAdjustments(ctx, Visible(&p.reviewer)); err != nil || len(pending) != 0 {
			t.Errorf("pending adjustments after the decisions = %+v %v", pending, err)
		}
		adjs, err := s.Adjustments(ctx, code, 2024)
		if err != nil || len(adjs) != 2 || adjs[0].Status != AdjustmentApproved || adjs[0].Decider != p.reviewer.Username || adjs[0].DecidedAt.IsZero() ||
			adjs[1].Status != AdjustmentRejected || adjs[1].Comment != "请按新目标重新申请" || adjs[1].Proposed.Targets[0].Target != "1500" {
			t.Errorf("adjustments = %+v %v", adjs, err)
		}
		// The adjusted target now holds against uploads, marker included.
		ev := clone(t, r.Evaluation)
		ev.Projects[0].Targets[0].Target = old.Target
		ev.Projects[0].Targets[0].Adjusted = nil
		if _, _, err := s.UpdateWith(ctx, code, 2024, ev, nil, nv, "editor-a", "x"); err != nil {
			t.Fatal(err)
		}
		if r, _ = s.Get(ctx, code, 2024); r.Evaluation.Projects[0].Targets[0].Target != "300" || r.Evaluation.Projects[0].Targets[0].Adjusted == nil {
			t.Errorf("upload undid the adjustment: %+v", r.Evaluation.Projects[0].Targets[0])
		}
	})
}

// In the evaluation stage a write whose targets were kept is scored again
// with the kept targets: the caller's score of the upload is not stored.
func TestKeptTargetsAreScored(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, _ := workflowStore(t, dsn)
		code, year := th.Evaluation.Department.Code, th.Evaluation.Year
		r, _ := s.Get(ctx, code, year)
		// A baseline asking more of T1 than was achieved (2316).
		b := evaluation.Declared(r.Evaluation)
		b.Targets[0].Target = "3000"
		err := s.withTx(context.Background(), func(tx *txn) error {
			st, err := tx.loadState(ctx, code, year)
			if err != nil {
				return err
			}
			_, err = tx.appendBaseline(ctx, st.id, st.version, BaselineApproval, 0, b, "reviewer", "批复", s.now())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		ev := clone(t, th.Evaluation)
		ev.Narrative.Management = ev.Narrative.Management + "（补充）"
		_, found, err := s.UpdateWith(ctx, code, year, ev, th.Result, r.Version, "editor-a", "年终上传")
		if err != nil {
			t.Fatal(err)
		}
		if len(codesOf(found, diag.BaselineKept)) != 1 {
			t.Errorf("findings = %v", found)
		}
		kept := clone(t, th.Evaluation)
		kept.Targets[0].Target = "3000"
		want, ds := scoring.ScoreWith(kept, library(t), calendar.ScoringOptions())
		if ds.Err() != nil {
			t.Fatal(ds)
		}
		r, _ = s.Get(ctx, code, year)
		if r.Total != want.Total || r.Total >= th.Result.Total {
			t.Errorf("stored total %s, want %s (the upload scored %s)", r.Total, want.Total, th.Result.Total)
		}
	})
}

// A year takes at most MaxAdjustments proposals.
func TestAdjustmentLimit(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn)
		code := th.Evaluation.Department.Code
		approvedYear(t, s, code, p)
		bs, _ := s.Baselines(ctx, code, 2024)
		pcode := bs[0].Data.Projects[0].Code
		scope, _ := bs[0].Data.Scope(pcode)
		scope.Projects[0].Targets[0].Target = "300"
		for i := range MaxAdjustments {
			if _, err := s.ProposeAdjustment(ctx, code, 2024, pcode, scope, "理由", p.editorA); err != nil {
				t.Fatalf("proposal %d: %v", i+1, err)
			}
		}
		if _, err := s.ProposeAdjustment(ctx, code, 2024, pcode, scope, "理由", p.editorA); apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "上限") {
			t.Errorf("proposal over the limit: %v", err)
		}
	})
}
