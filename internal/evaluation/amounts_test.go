package evaluation

import (
	"reflect"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/money"
)

// The attack that used to work: three income parts near the int64 limit
// wrapped around to a small "total", and the report called each 100%.
func TestValidateRefusesAmountsThatWouldOverflow(t *testing.T) {
	e := base()
	huge := money.Fen(9223372036854775807)
	e.Finance.Income = []Income{{Kind: "general_public", Amount: huge}, {Kind: "other", Amount: huge}, {Kind: "business", Amount: huge}}
	e.Finance.Stated = &StatedTotals{Income: fen(wan("1"))}
	ds := e.Validate()
	for i := range 3 {
		p := "finance.income[" + string(rune('0'+i)) + "].amount"
		got := findings(ds, p)
		if len(got) != 1 || got[0].Severity != diag.Error || !strings.Contains(got[0].Message, "1 万亿元") {
			t.Errorf("%s: findings %v, want one error stating the ceiling", p, got)
		}
	}
	// Consistency must not add up what Validate refused, nor panic.
	if ds := findings(e.Consistency(), "finance.stated.income"); len(ds) != 0 {
		t.Errorf("Consistency compared a total with overflowing parts: %v", ds)
	}
}

func TestValidateRefusesTooManyAmountsAtTheCeiling(t *testing.T) {
	e := base()
	// 92,234 amounts of 1 万亿元 exceed the int64 range in total (each is
	// within the ceiling); the sum check names the first that tips it.
	n := 92_234
	e.Registers = &Registers{}
	for range n {
		e.Registers.Contracts = append(e.Registers.Contracts, Contract{Amount: money.MaxAmount})
	}
	var sumFindings diag.List
	for _, d := range e.checkAmounts() {
		if strings.Contains(d.Message, "合计超出可计算范围") {
			sumFindings = append(sumFindings, d)
		}
	}
	if len(sumFindings) != 1 || !strings.HasPrefix(sumFindings[0].Path, "registers.contracts[") {
		t.Fatalf("sum findings = %v, want one naming a contract amount", sumFindings)
	}
	if e.amountsBounded() {
		t.Error("amountsBounded is true for an overflowing evaluation")
	}
	e.Registers.Contracts = e.Registers.Contracts[:1000]
	if ds := e.checkAmounts(); len(ds) != 0 {
		t.Errorf("1,000 amounts at the ceiling refused: %v", ds[:min(3, len(ds))])
	}
}

func TestWalkAmountsNamesEveryPath(t *testing.T) {
	e := base()
	e.Finance.Stated = &StatedTotals{Income: fen(1)}
	e.Projects = []Project{{Name: "p", Initial: 2, Funding: &Funding{Other: 3}}}
	seen := map[string]money.Fen{}
	walkAmounts(reflect.ValueOf(e).Elem(), "", func(p string, v money.Fen) { seen[p] = v })
	for p, want := range map[string]money.Fen{
		"finance.income[1].amount":    wan("554.86"),
		"finance.budget.adjusted":     wan("3308.64"),
		"finance.stated.income":       1,
		"projects[0].initial":         2,
		"projects[0].funding.other":   3,
		"finance.expenditure.basic":   wan("2000"),
		"finance.expenditure.project": wan("1308.64"),
	} {
		if got, ok := seen[p]; !ok || got != want {
			t.Errorf("%s = %v (seen %v), want %v", p, got, ok, want)
		}
	}
}
