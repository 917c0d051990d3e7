package workflow

import (
	"strings"
	"testing"
)

func TestWarningMoves(t *testing.T) {
	for _, c := range []struct {
		from, to, role string
		ok             bool
	}{
		{WarningOpen, WarningPassed, Reviewer, true},
		{WarningOpen, WarningReturned, Reviewer, true},
		{WarningOpen, WarningDismissed, Reviewer, true},
		{WarningOpen, WarningPassed, Editor, false},
		{WarningOpen, WarningPassed, Approver, false},
		{WarningOpen, WarningPassed, Admin, false},
		{WarningOpen, WarningResponded, Editor, false},
		{WarningReturned, WarningResponded, Editor, true},
		{WarningReturned, WarningResponded, Reviewer, false},
		{WarningReturned, WarningPassed, Reviewer, false},
		{WarningResponded, WarningPassed, Reviewer, true},
		{WarningResponded, WarningReturned, Reviewer, true},
		{WarningPassed, WarningOpen, Reviewer, false},
		{WarningPassed, WarningDismissed, Reviewer, false},
		{WarningDismissed, WarningPassed, Reviewer, false},
		{WarningCleared, WarningOpen, Reviewer, false},
		{WarningOpen, WarningCleared, Reviewer, false},
	} {
		m, err := FindWarningMove(c.from, c.to, c.role)
		if (err == nil) != c.ok {
			t.Errorf("%s → %s by %s: %v, want allowed %v", c.from, c.to, c.role, err, c.ok)
		}
		if err != nil && !strings.Contains(err.Error(), WarningStateName(c.from)) {
			t.Errorf("message %q does not name the state", err)
		}
		if err == nil && m.Action == "" {
			t.Errorf("%s → %s: no action", c.from, c.to)
		}
	}
	if got := NextWarningMoves(WarningOpen, Reviewer); len(got) != 3 {
		t.Errorf("reviewer on an open warning: %v", got)
	}
	if got := NextWarningMoves(WarningOpen, Editor); len(got) != 0 {
		t.Errorf("editor on an open warning: %v", got)
	}
	for _, s := range WarningStates {
		if WarningStateNames[s] == "" {
			t.Errorf("state %s has no name", s)
		}
	}
}
