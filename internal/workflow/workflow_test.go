package workflow

import (
	"slices"
	"strings"
	"testing"
)

// Every status is reachable from draft and every path ends in published,
// using only allowed moves; each move is possible for exactly one role.
func TestTransitions(t *testing.T) {
	type state struct{ stage, status string }
	reach := map[state]bool{{Declaration, Draft}: true}
	for changed := true; changed; {
		changed = false
		for _, tr := range Transitions {
			to := state{tr.Target(), tr.To}
			if reach[state{tr.Stage, tr.From}] && !reach[to] {
				reach[to], changed = true, true
			}
		}
	}
	for _, s := range Statuses {
		if !reach[state{Evaluation, s}] {
			t.Errorf("%s is not reachable from draft", s)
		}
		if StatusNames[s] == "" {
			t.Errorf("%s has no Chinese name", s)
		}
	}
	for _, tr := range Transitions {
		if tr.To == Returned && !tr.NeedsComment {
			t.Errorf("%s → returned must need a comment", tr.From)
		}
		if !ValidStage(tr.Stage) || (tr.ToStage != "" && !ValidStage(tr.ToStage)) {
			t.Errorf("%s → %s (%s): stage %q → %q", tr.From, tr.To, tr.Action, tr.Stage, tr.ToStage)
		}
	}
	// From publication the only move is the reviewer's withdrawal, back
	// to accepted, with a reason.
	if got := Next(Evaluation, Published, Reviewer); len(got) != 1 || got[0].To != Accepted || !got[0].NeedsComment || !got[0].Back || got[0].Action != "撤回公开" {
		t.Errorf("Next(Evaluation, published, reviewer) = %+v, want only 撤回公开 to accepted with a reason", got)
	}
	for _, r := range []string{Editor, Approver, Admin} {
		if got := Next(Evaluation, Published, r); len(got) != 0 {
			t.Errorf("Next(published, %s) = %+v, want none", r, got)
		}
	}
}

// A move is Back exactly when it returns the data to the department or to
// an earlier status on the way to publication.
func TestBack(t *testing.T) {
	rank := map[string]int{Draft: 0, Returned: 0, Submitted: 1, Approved: 2, UnderReview: 3, Accepted: 4, Published: 5}
	for _, tr := range Transitions {
		// A stage move (批复, 开始年终自评) goes forward whatever the status.
		back := tr.To == Returned || (tr.ToStage == "" && rank[tr.To] < rank[tr.From])
		if tr.Back != back {
			t.Errorf("%s → %s (%s): Back = %v, want %v", tr.From, tr.To, tr.Action, tr.Back, back)
		}
	}
}

// Next offers the forward moves first: under review, 复核通过 comes before
// 退回修改, whatever the order of Transitions.
func TestNextForwardFirst(t *testing.T) {
	saved := Transitions
	defer func() { Transitions = saved }()
	Transitions = slices.Clone(saved)
	slices.Reverse(Transitions)
	for _, from := range Statuses {
		for _, role := range []string{Editor, Approver, Reviewer, Admin} {
			seenBack := false
			for _, tr := range Next(Evaluation, from, role) {
				if tr.Back {
					seenBack = true
				} else if seenBack {
					t.Errorf("Next(%s, %s): forward move %s after a back move", from, role, tr.Action)
				}
			}
		}
	}
	if got := Next(Evaluation, UnderReview, Reviewer); len(got) != 2 || got[0].To != Accepted || got[1].To != Returned {
		t.Errorf("Next(Evaluation, under_review, reviewer) = %+v, want 复核通过 then 退回修改", got)
	}
	if got := Next(Evaluation, Submitted, Editor); len(got) != 1 || got[0].To != Draft || got[0].Action != "撤回" || got[0].NeedsComment {
		t.Errorf("Next(Evaluation, submitted, editor) = %+v, want 撤回 to draft without a reason", got)
	}
}

func TestFind(t *testing.T) {
	for _, tt := range []struct {
		from, to, role string
		ok             bool
	}{
		{Draft, Submitted, Editor, true},
		{Draft, Submitted, Reviewer, false},
		{Draft, Published, Reviewer, false},
		{Submitted, Approved, Approver, true},
		{Submitted, Approved, Editor, false},
		{UnderReview, Returned, Reviewer, true},
		{Accepted, Published, Reviewer, true},
		{Accepted, Published, Admin, false},
		{Returned, Submitted, Editor, true},
		// Withdrawing a submission: the editor, only before the approver acts.
		{Submitted, Draft, Editor, true},
		{Submitted, Draft, Approver, false},
		{Approved, Draft, Editor, false},
		{Returned, Draft, Editor, false},
		// Withdrawing a publication: the reviewer only.
		{Published, Accepted, Reviewer, true},
		{Published, Accepted, Admin, false},
		{Published, Accepted, Editor, false},
		{Published, Draft, Reviewer, false},
	} {
		_, err := Find(Evaluation, tt.from, tt.to, tt.role)
		if (err == nil) != tt.ok {
			t.Errorf("Find(%s, %s, %s) = %v, want ok=%v", tt.from, tt.to, tt.role, err, tt.ok)
		}
	}
	if !Editable(Draft) || !Editable(Returned) || Editable(Submitted) || Editable(Published) {
		t.Error("Editable")
	}
	if got := Next(Evaluation, UnderReview, Reviewer); len(got) != 2 || !slices.ContainsFunc(got, func(t Transition) bool { return t.To == Accepted }) {
		t.Errorf("Next(Evaluation, under_review, reviewer) = %+v", got)
	}
}

// The declaration stage has the design's moves (docs/cycle.md §2): the
// submission moves, the reviewer's 开始审核, 退回修改 with a reason and 批复
// into the execution stage; from execution 开始年终自评 by the editor or a
// reviewer moves the year to the evaluation stage, draft.
func TestStages(t *testing.T) {
	for _, tt := range []struct {
		stage, from, to, role string
		ok                    bool
		toStage, action       string
	}{
		{Declaration, Draft, Submitted, Editor, true, Declaration, "提交申报"},
		{Declaration, Returned, Submitted, Editor, true, Declaration, "重新提交申报"},
		{Declaration, Submitted, Approved, Approver, true, Declaration, "审批通过并报送财政"},
		{Declaration, Approved, UnderReview, Reviewer, true, Declaration, "开始审核"},
		{Declaration, UnderReview, Draft, Reviewer, true, Execution, "批复"},
		{Declaration, UnderReview, Draft, Admin, false, "", ""},
		{Declaration, UnderReview, Accepted, Reviewer, false, "", ""},
		{Declaration, Submitted, Draft, Editor, false, "", ""},
		{Execution, Draft, Draft, Editor, true, Evaluation, "开始年终自评"},
		{Execution, Draft, Draft, Reviewer, true, Evaluation, "开始年终自评"},
		{Execution, Draft, Draft, Approver, false, "", ""},
		{Execution, Draft, Submitted, Editor, false, "", ""},
		// The evaluation stage is as before; an empty stage is it.
		{"", Draft, Submitted, Editor, true, Evaluation, "提交"},
		{Evaluation, UnderReview, Draft, Reviewer, false, "", ""},
	} {
		tr, err := Find(tt.stage, tt.from, tt.to, tt.role)
		if (err == nil) != tt.ok {
			t.Errorf("Find(%s, %s, %s, %s) = %v, want ok=%v", tt.stage, tt.from, tt.to, tt.role, err, tt.ok)
			continue
		}
		if tt.ok && (tr.Target() != tt.toStage || tr.Action != tt.action) {
			t.Errorf("Find(%s, %s, %s, %s) = %s to stage %s, want %s to %s", tt.stage, tt.from, tt.to, tt.role, tr.Action, tr.Target(), tt.action, tt.toStage)
		}
	}
	_, err := Find(Declaration, UnderReview, Accepted, Reviewer)
	if err == nil || !strings.Contains(err.Error(), "目标申报阶段“审核中”") {
		t.Errorf("refusal = %v, want it to name the stage and 审核中", err)
	}
	if got := Next(Declaration, UnderReview, Reviewer); len(got) != 2 || got[0].Action != "批复" || got[1].To != Returned || !got[1].NeedsComment {
		t.Errorf("Next(declaration, under_review, reviewer) = %+v, want 批复 then 退回修改", got)
	}
	if got := Next(Execution, Draft, Editor); len(got) != 1 || got[0].ToStage != Evaluation {
		t.Errorf("Next(execution, draft, editor) = %+v", got)
	}
	// Published is reachable only in the evaluation stage, so Visible
	// needs no stage.
	for _, tr := range Transitions {
		if tr.To == Published && tr.Target() != Evaluation {
			t.Errorf("%s publishes outside the evaluation stage", tr.Action)
		}
	}
	for stage, want := range map[string]string{Declaration: "审核中", Execution: "执行监控中", Evaluation: "复核中", "": "复核中"} {
		if got := StatusName(stage, UnderReview); got != want && stage != Execution {
			t.Errorf("StatusName(%q, under_review) = %s, want %s", stage, got, want)
		}
		if stage == Execution && StatusName(stage, Draft) != want {
			t.Errorf("StatusName(execution, draft) = %s, want %s", StatusName(stage, Draft), want)
		}
	}
	for _, st := range Stages {
		if StageName(st) == "未知阶段" {
			t.Errorf("stage %s has no Chinese name", st)
		}
	}
}

func TestEditablePartsFollowTheCycleTable(t *testing.T) {
	yes := func(parts ...string) map[string]bool {
		m := map[string]bool{}
		for _, p := range parts {
			m[p] = true
		}
		return m
	}
	for _, tt := range []struct {
		stage, status string
		want          map[string]bool
	}{
		{Declaration, Draft, yes(PartProfile, PartDeclared, PartRegisters)},
		{Declaration, Returned, yes(PartProfile, PartDeclared, PartRegisters)},
		{Declaration, Submitted, yes()},
		{Declaration, UnderReview, yes()},
		{Execution, Draft, yes(PartProfile, PartRegisters)},
		{Evaluation, Draft, yes(PartProfile, PartRegisters, PartYearEnd)},
		{"", Returned, yes(PartProfile, PartRegisters, PartYearEnd)},
		{Evaluation, Approved, yes()},
		{Evaluation, Published, yes()},
	} {
		got := EditableParts(tt.stage, tt.status)
		if len(got) != len(tt.want) {
			t.Errorf("EditableParts(%q, %q) = %v, want %v", tt.stage, tt.status, got, tt.want)
			continue
		}
		for p := range tt.want {
			if !got[p] {
				t.Errorf("EditableParts(%q, %q) = %v, want %v", tt.stage, tt.status, got, tt.want)
			}
		}
	}
	// The fixed and store-owned parts are never editable, and every part
	// has a Chinese name.
	for _, stage := range Stages {
		for _, status := range Statuses {
			for _, p := range []string{PartFixed, PartMaster, PartPrior, PartAdjusted} {
				if EditableParts(stage, status)[p] {
					t.Errorf("%s is editable in %s/%s", p, stage, status)
				}
			}
		}
	}
	for _, p := range Parts {
		if PartNames[p] == "" {
			t.Errorf("part %s has no Chinese name", p)
		}
	}
}

// A checkpoint report moves as a submission does, only by the role each
// move names, and returning it needs a comment; its moves are not the
// year's.
func TestCheckpointTransitions(t *testing.T) {
	if _, err := FindCheckpoint(Draft, Submitted, Editor); err != nil {
		t.Error(err)
	}
	if _, err := FindCheckpoint(Draft, Submitted, Approver); err == nil || !strings.Contains(err.Error(), "绩效监控表") {
		t.Errorf("approver submitting: %v", err)
	}
	if tr, err := FindCheckpoint(UnderReview, Returned, Reviewer); err != nil || !tr.NeedsComment || !tr.Back {
		t.Errorf("return: %+v %v", tr, err)
	}
	if _, err := FindCheckpoint(UnderReview, Published, Reviewer); err == nil {
		t.Error("a checkpoint report cannot be published")
	}
	if _, err := Find(Execution, Draft, Submitted, Editor); err == nil {
		t.Error("the year's execution stage has no submission")
	}
	next := NextCheckpoint(UnderReview, Reviewer)
	if len(next) != 2 || next[0].To != Accepted || next[1].To != Returned {
		t.Errorf("reviewer's moves %+v", next)
	}
	if StatusName(Checkpoint, UnderReview) != "审核中" || StatusName(Checkpoint, Accepted) != "已通过" {
		t.Errorf("names %s %s", StatusName(Checkpoint, UnderReview), StatusName(Checkpoint, Accepted))
	}
}
