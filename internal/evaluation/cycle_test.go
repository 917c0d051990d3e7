package evaluation

import (
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/money"
)

// A new project needs an ex-ante evaluation from the threshold on (at it
// included); a continuing one, or one below, does not; the finance bureau
// assesses from its own threshold; a project without a code cannot have
// a record, and its problem says the code is missing.
func TestExanteNeeds(t *testing.T) {
	ev := &Evaluation{Projects: []Project{
		{Name: "甲", Code: "P1", Kind: ProjectNew, Initial: money.Yuan(999_999)},
		{Name: "乙", Code: "P2", Kind: ProjectNew, Initial: money.Yuan(1_000_000)},
		{Name: "丙", Code: "P3", Kind: ProjectContinuing, Initial: money.Yuan(9_000_000)},
		{Name: "丁", Code: "P4", Kind: ProjectNew, Initial: money.Yuan(5_000_000)},
		{Name: "戊", Kind: ProjectNew, Initial: money.Yuan(2_000_000)},
	}}
	c := &Cycle{ExanteFrom: money.Yuan(1_000_000), ExanteFinanceFrom: money.Yuan(5_000_000),
		Exante: map[string]ExanteRecord{"P2": {ID: 1, Concluded: true, Conclusion: "support", Total: "90"}, "": {ID: 9, Concluded: true, Conclusion: "support"}}}
	needs := c.ExanteNeeds(ev)
	var got []string
	for _, n := range needs {
		s := ev.Projects[n.Index].Name
		if n.Finance {
			s += "财政"
		}
		if n.Met() {
			s += "✓"
		}
		got = append(got, s)
	}
	if strings.Join(got, " ") != "乙✓ 丁财政 戊" {
		t.Errorf("needs: %v", got)
	}
	if p := needs[2].Problem(); !strings.Contains(p, "（未填项目编码）") || !strings.Contains(p, "未开展事前绩效评估") {
		t.Errorf("problem of a project without a code: %s", p)
	}
	if needs[0].Problem() != "" {
		t.Errorf("a met need has a problem: %s", needs[0].Problem())
	}
	var none *Cycle
	if none.ExanteNeeds(ev) != nil {
		t.Error("a nil cycle needs something")
	}
}
