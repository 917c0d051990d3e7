package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/monitor"
	"github.com/jixiao/jixiao/internal/workflow"
)

// fullCheckpoint fills every declared indicator of ev for July as on
// track, and every project's expected spending as its initial budget.
func fullCheckpoint(ev *evaluation.Evaluation) *monitor.Checkpoint {
	c := &monitor.Checkpoint{Month: 7}
	for _, r := range monitor.Rows(ev, c) {
		v := r.Target.Target
		if r.Target.Direction != "qualitative" && r.Milestone != "" {
			v = r.Milestone
		}
		p := monitor.Progress{Code: r.Target.Code, ToDate: v, Expected: r.Target.Target, Likelihood: monitor.Certain}
		if r.Project == "" {
			c.Targets = append(c.Targets, p)
			continue
		}
		if len(c.Projects) == 0 || c.Projects[len(c.Projects)-1].Code != r.Project {
			c.Projects = append(c.Projects, monitor.ProjectProgress{Code: r.Project})
		}
		last := &c.Projects[len(c.Projects)-1]
		last.Indicators = append(last.Indicators, p)
	}
	for i := range c.Projects {
		for _, p := range ev.Projects {
			if p.Code == c.Projects[i].Code {
				v := p.Initial
				c.Projects[i].Expected = &v
			}
		}
	}
	return c
}

// A checkpoint report is saved as a draft with gaps, refused when its
// shape is wrong, submitted only complete, and moves through the
// department and the finance bureau as the year does, in history, without
// touching the year's version.
func TestCheckpointReport(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn)
		code := th.Evaluation.Department.Code
		yv := approvedYear(t, s, code, p)
		r, err := s.Get(ctx, code, 2024)
		if err != nil {
			t.Fatal(err)
		}
		full := fullCheckpoint(r.Evaluation)
		if len(full.Targets) == 0 || len(full.Projects) == 0 {
			t.Fatalf("the opened year has no coded indicators: %+v", full)
		}

		// Who may save.
		for _, u := range []User{p.reviewer, p.approverA, p.editorB} {
			if _, _, err := s.SaveCheckpoint(ctx, code, 2024, full, 0, u, ""); apperr.Code(err) != apperr.EFORBIDDEN {
				t.Errorf("%s saving: %v", u.Username, err)
			}
		}
		// A bad shape refuses the draft, every problem named, nothing stored.
		bad := &monitor.Checkpoint{Month: 7, Targets: []monitor.Progress{{Code: "NOPE"}, {Code: full.Targets[0].Code, Likelihood: "maybe"}}}
		_, _, err = s.SaveCheckpoint(ctx, code, 2024, bad, 0, p.editorA, "")
		if apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "E231") || !strings.Contains(err.Error(), "E233") {
			t.Fatalf("bad draft: %v", err)
		}
		if _, err := s.Checkpoint(ctx, code, 2024, 7); apperr.Code(err) != apperr.ENOTFOUND {
			t.Fatalf("after a refused save: %v", err)
		}

		// A draft with one row behind in doubt: saved, findings returned.
		draft := &monitor.Checkpoint{Month: 7, Targets: []monitor.Progress{{Code: full.Targets[0].Code, ToDate: full.Targets[0].ToDate, Likelihood: monitor.Possible}}}
		v, ds, err := s.SaveCheckpoint(ctx, code, 2024, draft, 0, p.editorA, "初稿")
		if err != nil || v != 1 || len(codesOf(ds, diag.CheckpointNoCause)) != 2 {
			t.Fatalf("draft: v%d %v %v", v, ds, err)
		}
		got, err := s.Checkpoint(ctx, code, 2024, 7)
		if err != nil || got.Status != workflow.Draft || got.DueOn.String() != "2024-08-31" || got.UpdatedBy != p.editorA.Username || got.Data.Targets[0].Likelihood != monitor.Possible {
			t.Fatalf("stored draft %+v %v", got, err)
		}
		// Submitting it is refused: causes and entries missing.
		_, err = s.TransitionCheckpoint(ctx, code, 2024, 7, workflow.Submitted, p.editorA, "", 1)
		if apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "E234") || !strings.Contains(err.Error(), "E235") {
			t.Fatalf("incomplete submission: %v", err)
		}
		// A stale version conflicts; the full report replaces the draft.
		if _, _, err := s.SaveCheckpoint(ctx, code, 2024, full, 0, p.editorA, ""); apperr.Code(err) != apperr.ECONFLICT {
			t.Fatalf("stale save: %v", err)
		}
		if v, ds, err = s.SaveCheckpoint(ctx, code, 2024, full, 1, p.editorA, "补全"); err != nil || v != 2 || len(ds.Errors()) != 0 {
			t.Fatalf("full: v%d %v %v", v, ds, err)
		}

		// The moves, with a return on the way.
		steps := []struct {
			to      string
			actor   User
			comment string
		}{
			{workflow.Submitted, p.editorA, ""}, {workflow.Approved, p.approverA, ""}, {workflow.UnderReview, p.reviewer, ""},
			{workflow.Returned, p.reviewer, "请补充纠偏措施"}, {workflow.Submitted, p.editorA, ""}, {workflow.Approved, p.approverA, ""},
			{workflow.UnderReview, p.reviewer, ""}, {workflow.Accepted, p.reviewer, ""},
		}
		for i, st := range steps {
			if st.to == workflow.Returned {
				if _, err := s.TransitionCheckpoint(ctx, code, 2024, 7, st.to, st.actor, "", v); apperr.Code(err) != apperr.EINVALID {
					t.Fatalf("return without a comment: %v", err)
				}
			}
			if i == 1 {
				if _, err := s.TransitionCheckpoint(ctx, code, 2024, 7, workflow.Accepted, p.reviewer, "", v); apperr.Code(err) != apperr.EFORBIDDEN {
					t.Fatalf("reviewer accepting a submitted report: %v", err)
				}
				if _, _, err := s.SaveCheckpoint(ctx, code, 2024, full, v, p.editorA, ""); apperr.Code(err) != apperr.EFORBIDDEN {
					t.Fatalf("saving a submitted report: %v", err)
				}
			}
			if v, err = s.TransitionCheckpoint(ctx, code, 2024, 7, st.to, st.actor, st.comment, v); err != nil {
				t.Fatalf("step %d → %s: %v", i, st.to, err)
			}
		}
		got, _ = s.Checkpoint(ctx, code, 2024, 7)
		if got.Status != workflow.Accepted || got.Version != v {
			t.Fatalf("after review %+v", got)
		}
		all, err := s.Checkpoints(ctx, code, 2024)
		if err != nil || len(all) != 1 || all[0].Month != 7 {
			t.Fatalf("list %+v %v", all, err)
		}

		// History: the data changes and the moves, the year untouched.
		after, _ := s.Get(ctx, code, 2024)
		if after.Version != yv || after.Status != workflow.Draft || after.Stage != workflow.Execution {
			t.Errorf("year moved: v%d %s %s", after.Version, after.Stage, after.Status)
		}
		h, err := s.History(ctx, code, 2024)
		if err != nil {
			t.Fatal(err)
		}
		var moves []string
		updates := 0
		for _, c := range h {
			switch {
			case c.Path == "monitoring[7].status":
				moves = append(moves, c.New)
				if c.New == workflow.Returned && (c.Reason != "请补充纠偏措施" || c.Actor != p.reviewer.Username) {
					t.Errorf("return row %+v", c)
				}
			case strings.HasPrefix(c.Path, "monitoring[7]."):
				updates++
				if c.Action != "update" {
					t.Errorf("data row %+v", c)
				}
			}
		}
		if strings.Join(moves, ",") != "submitted,approved,under_review,returned,submitted,approved,under_review,accepted" {
			t.Errorf("moves %v", moves)
		}
		if updates < 4 {
			t.Errorf("%d data rows", updates)
		}
	})
}

func TestCheckpointDue(t *testing.T) {
	s := open(t, "sqlite:"+filepath.Join(t.TempDir(), "due.db"))
	for m, want := range map[int]string{7: "2024-08-31", 1: "2024-02-29", 11: "2024-12-31", 12: "2025-01-31"} {
		if got, err := s.CheckpointDue(2024, m); err != nil || got.String() != want {
			t.Errorf("month %d due %s (%v), want %s", m, got, err, want)
		}
	}
}

// A store given other cycle rules takes its checkpoint months and due
// dates from them: a month that is not a checkpoint is refused naming the
// ones that are, and a due date counted in working days skips the
// National Day holiday.
func TestCheckpointMonthsFromRules(t *testing.T) {
	dir := t.TempDir()
	rules := `id: cycle-local
name: 某市绩效监控规则
checkpoints: [{month: 6}, {month: 9, time_progress: 70}]
checkpoints_source: 某市预算绩效运行监控办法（示例）
deadlines:
  checkpoint_report: {name: 监控报告报送, count: 10, unit: working_days, source: 示例}
  results_feedback: {name: 反馈, count: 20, unit: days_rolled, source: s, default: true}
  measures_filed: {name: 措施, count: 30, unit: days_rolled, source: s, default: true}
  rectification_complete: {name: 完成, count: 90, unit: days_rolled, source: s, default: true}
`
	if err := os.WriteFile(filepath.Join(dir, "cycle-local.yaml"), []byte(rules), 0o600); err != nil {
		t.Fatal(err)
	}
	rs, err := datafile.LoadRules(dir)
	if err != nil {
		t.Fatal(err)
	}
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn)
		s.SetRules(rs)
		code := th.Evaluation.Department.Code
		approvedYear(t, s, code, p)
		// The opened year's projects are continuing ones, and their rows
		// say so (the warnings refresh reads the kind there).
		var kinds int
		if err := s.db.QueryRow(`SELECT count(*) FROM projects p JOIN department_years dy ON dy.id = p.department_year_id
			WHERE dy.year = 2024 AND p.kind = 'continuing'`).Scan(&kinds); err != nil || kinds == 0 {
			t.Errorf("continuing project rows: %d, %v", kinds, err)
		}
		if got := s.CheckpointMonths(); len(got) != 2 || got[0] != 6 || got[1] != 9 {
			t.Fatalf("months %v", got)
		}
		r, err := s.Get(ctx, code, 2024)
		if err != nil {
			t.Fatal(err)
		}
		july := fullCheckpoint(r.Evaluation)
		if _, _, err := s.SaveCheckpoint(ctx, code, 2024, july, 0, p.editorA, ""); apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "6月、9月") {
			t.Fatalf("July under a June/September rule: %v", err)
		}
		sept := fullCheckpoint(r.Evaluation)
		sept.Month = 9
		if _, _, err := s.SaveCheckpoint(ctx, code, 2024, sept, 0, p.editorA, ""); err != nil {
			t.Fatal(err)
		}
		rep, err := s.Checkpoint(ctx, code, 2024, 9)
		if err != nil {
			t.Fatal(err)
		}
		// From 30 September 2024, ten working days: 1–7 October are off,
		// so 8, 9, 10, 11, 12 (a Saturday made a working day), 14, 15, 16,
		// 17 and 18 October.
		if rep.DueOn.String() != "2024-10-18" {
			t.Errorf("September report due %s, want 2024-10-18", rep.DueOn)
		}
		if got := s.Rules().Schedule().TimeProgress(9); got != 7000 {
			t.Errorf("September time progress %s, want 70.00", got)
		}
	})
}

// A rules directory with a bad file or two files of one kind is refused
// whole, every problem listed.
func TestLoadRulesRefusesWhole(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"cycle-a.yaml":    "id: a\n",
		"cycle-b.yaml":    "id: b\n",
		"warnings-x.yaml": "id: x\nlevels: []\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	_, err := datafile.LoadRules(dir)
	if err == nil {
		t.Fatal("bad rules directory accepted")
	}
	for _, want := range []string{"2 个周期（监控节点与期限）规则文件", "warnings-x.yaml"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	// A file over the bound is refused without being read whole.
	big := t.TempDir()
	if err := os.WriteFile(filepath.Join(big, "quality-huge.yaml"), []byte("id: q\n# "+strings.Repeat("x", datafile.MaxRulesFile)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := datafile.LoadRules(big); err == nil || !strings.Contains(err.Error(), "超过") {
		t.Errorf("oversize rules file: %v", err)
	}
	if rs, err := datafile.LoadRules(filepath.Join(dir, "none")); err != nil || rs.Cycle != datafile.DefaultCycle() {
		t.Errorf("missing directory: %v", err)
	}
}
