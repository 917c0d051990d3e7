package monitor

import (
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
)

// StatusOf puts every payment of the unit in the department's line, each
// project's in its own, and names payments of codes the year lacks.
func TestStatusOf(t *testing.T) {
	ev := &evaluation.Evaluation{Year: 2024, Department: evaluation.Department{Code: "U1", Name: "示例局"}}
	ev.Finance.Budget.Initial = money.Yuan(2_000_000)
	ev.Projects = []evaluation.Project{
		{Code: "P1", Name: "甲项目", Initial: money.Yuan(560_000)},
		{Code: "P2", Name: "乙项目", Initial: 0},
		{Name: "无编码项目", Initial: money.Yuan(1)},
	}
	rows := []MonthlyPaid{
		{UnitCode: "U1", ProjectCode: "P1", Month: 3, Amount: money.Yuan(100_000)},
		{UnitCode: "U1", ProjectCode: "P1", Month: 7, Amount: money.Yuan(84_720)},
		{UnitCode: "U1", ProjectCode: "P1", Month: 7, Amount: money.Yuan(-10_000)},
		{UnitCode: "U1", ProjectCode: "P2", Month: 2, Amount: money.Yuan(5_000)},
		{UnitCode: "U1", ProjectCode: "", Month: 1, Amount: money.Yuan(200_000)},
		{UnitCode: "U1", ProjectCode: "GONE", Month: 4, Amount: money.Yuan(300)},
		{UnitCode: "U2", ProjectCode: "P1", Month: 4, Amount: money.Yuan(999_999)},
	}
	s, err := StatusOf(ev, rows, 7, Schedule{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Projects) != 2 || s.Projects[0].Code != "P1" || s.Projects[1].Code != "P2" {
		t.Fatalf("projects %+v", s.Projects)
	}
	p1 := s.Projects[0]
	if got := p1.Sentence(); got != "截至7月末执行 31.20%，序时进度 58.33%，落后 27.13 个百分点" {
		t.Errorf("P1: %s", got)
	}
	if got := s.Projects[1].Sentence(); !strings.Contains(got, "无预算数") || !strings.Contains(got, "0.50 万元") {
		t.Errorf("P2 without a budget: %s", got)
	}
	// The unit's payments only: 174,720 + 5,000 + 200,000 + 300.
	if w := s.Whole.Last(); w.PaidToDate != money.Yuan(380_020) || w.Rate.String() != "19.00" {
		t.Errorf("department: paid %s rate %s", w.PaidToDate, w.Rate)
	}
	if s.Unmatched["GONE"] != money.Yuan(300) || len(s.Unmatched) != 1 {
		t.Errorf("unmatched %v", s.Unmatched)
	}
	if _, err := StatusOf(ev, rows, 13, Schedule{}); err == nil {
		t.Error("month 13 accepted")
	}
}
