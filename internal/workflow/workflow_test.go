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
	if len(Next(Published, Reviewer))+len(Next(Published, Editor))+len(Next(Published, Approver)) != 0 {
		t.Error("published must be final")
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
