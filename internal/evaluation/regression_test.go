package evaluation

import (
	"testing"

	"github.com/jixiao/jixiao/internal/diag"
)

// Regression (fixed): compareTotal infers how figures were rounded from their trailing
// zeros (roundingUnit: the largest power of ten dividing every figure), so
// round figures are taken to be rounded coarsely. Parts 2000万 + 1000万
// against a stated 3100万: every figure is a multiple of 100万, the
// "tolerance" becomes 3 × 50万 = 150万, and a 100万 mismatch is reported
// as an I141 rounding note instead of an E140 error. Likewise 1万 + 1万
// against 3万. (internal/evaluation/validate.go compareTotal/roundingUnit.)
// Reports state 万元 with two decimals, so no figure is rounded more
// coarsely than 0.01万 (10,000 fen). Fix: cap the unit at 10,000 fen
// (or record the precision each figure was typed with).
func TestRegressionRoundFiguresMismatchTakenForRounding(t *testing.T) {
	tests := []struct {
		parts  []string
		stated string
	}{
		{[]string{"2000", "1000"}, "3100"},      // off by 100万
		{[]string{"1", "1"}, "3"},               // off by 1万
		{[]string{"2753.8", "554.9"}, "3309.7"}, // off by 1万; one-decimal figures make the unit 0.1万, tolerance 0.15万 — fine; control
	}
	for _, tc := range tests {
		e := base()
		e.Finance.Income = nil
		for _, p := range tc.parts {
			e.Finance.Income = append(e.Finance.Income, Income{Kind: "other", Amount: wan(p)})
		}
		e.Finance.Stated = &StatedTotals{Income: fen(wan(tc.stated))}
		got := findings(e.Consistency(), "finance.stated.income")
		if len(got) != 1 || got[0].Code != diag.TotalMismatch {
			t.Errorf("parts %v万 against stated %s万: want E140, got %v", tc.parts, tc.stated, got)
		}
	}
}
