package workflow

import (
	"slices"
	"testing"
)

// Every status is reachable from draft and every path ends in published,
// using only allowed moves; each move is possible for exactly one role.
func TestTransitions(t *testing.T) {
	reach := map[string]bool{Draft: true}
	for changed := true; changed; {
		changed = false
		for _, tr := range Transitions {
			if reach[tr.From] && !reach[tr.To] {
				reach[tr.To], changed = true, true
			}
		}
	}
	for _, s := range Statuses {
		if !reach[s] {
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
	}
	// From publication the only move is the reviewer's withdrawal, back
	// to accepted, with a reason.
	if got := Next(Published, Reviewer); len(got) != 1 || got[0].To != Accepted || !got[0].NeedsComment || !got[0].Back || got[0].Action != "撤回公开" {
		t.Errorf("Next(published, reviewer) = %+v, want only 撤回公开 to accepted with a reason", got)
	}
	for _, r := range []string{Editor, Approver, Admin} {
		if got := Next(Published, r); len(got) != 0 {
			t.Errorf("Next(published, %s) = %+v, want none", r, got)
		}
	}
}

// A move is Back exactly when it returns the data to the department or to
// an earlier status on the way to publication.
func TestBack(t *testing.T) {
	rank := map[string]int{Draft: 0, Returned: 0, Submitted: 1, Approved: 2, UnderReview: 3, Accepted: 4, Published: 5}
	for _, tr := range Transitions {
		back := tr.To == Returned || rank[tr.To] < rank[tr.From]
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
			for _, tr := range Next(from, role) {
				if tr.Back {
					seenBack = true
				} else if seenBack {
					t.Errorf("Next(%s, %s): forward move %s after a back move", from, role, tr.Action)
				}
			}
		}
	}
	if got := Next(UnderReview, Reviewer); len(got) != 2 || got[0].To != Accepted || got[1].To != Returned {
		t.Errorf("Next(under_review, reviewer) = %+v, want 复核通过 then 退回修改", got)
	}
	if got := Next(Submitted, Editor); len(got) != 1 || got[0].To != Draft || got[0].Action != "撤回" || got[0].NeedsComment {
		t.Errorf("Next(submitted, editor) = %+v, want 撤回 to draft without a reason", got)
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
		_, err := Find(tt.from, tt.to, tt.role)
		if (err == nil) != tt.ok {
			t.Errorf("Find(%s, %s, %s) = %v, want ok=%v", tt.from, tt.to, tt.role, err, tt.ok)
		}
	}
	if !Editable(Draft) || !Editable(Returned) || Editable(Submitted) || Editable(Published) {
		t.Error("Editable")
	}
	if got := Next(UnderReview, Reviewer); len(got) != 2 || !slices.ContainsFunc(got, func(t Transition) bool { return t.To == Accepted }) {
		t.Errorf("Next(under_review, reviewer) = %+v", got)
	}
}
