package store

import (
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/apperr"
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
	for m, want := range map[int]string{7: "2024-08-31", 1: "2024-02-29", 11: "2024-12-31", 12: "2025-01-31"} {
		if got := CheckpointDue(2024, m).String(); got != want {
			t.Errorf("month %d due %s, want %s", m, got, want)
		}
	}
}
