package report

import (
	"math/big"

	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/scoring"
)

// numbers decides how one report prints its figures, the same way in the
// text and every table:
//   - scores (得分) and lost points (扣分): whole numbers when every score
//     of the department (for the text and its table) or of the project
//     (for a project table) is whole, as the reference reports print them
//     ("97分"); otherwise every score with two decimals ("87.08", "9.50",
//     never "9.5"). A fractional lost point always has two decimals
//     ("扣0.50分").
//   - points available (分值): as whole numbers when whole, else with two
//     decimals (after redistribution, "16.67").
//   - shares and growth rates: the report settings (ReportInfo), by default
//     two decimals for shares and one for growth.
type numbers struct {
	fixed          bool // every score with two decimals
	shareDecimals  int
	growthDecimals int
	// rv is the review a table shows beside the self-scores (复核得分),
	// nil when none counts in it.
	rv *tableReview
}

// newNumbers is how the department's text and table print figures.
func newNumbers(ev *evaluation.Evaluation, res *scoring.Result) numbers {
	n := numbers{shareDecimals: ev.Report.ShareDecimalsOr(2), growthDecimals: ev.Report.GrowthDecimalsOr(1)}
	if res != nil {
		n.fixed = !res.Total.Whole() || !wholeScores(res.Indicators)
	}
	return n
}

// forProject is how a project's table prints figures.
func (n numbers) forProject(p *scoring.ProjectResult) numbers {
	n.fixed = !p.Total.Whole() || !wholeScores(p.Indicators)
	return n
}

// wholeScores reports whether every score in the trees is whole.
func wholeScores(ns []*scoring.Node) bool {
	for _, x := range ns {
		if !x.Score.Whole() || !wholeScores(x.Children) {
			return false
		}
	}
	return true
}

// score prints a score or a lost point.
func (n numbers) score(p num.Points) string {
	if n.fixed || !p.Whole() {
		return p.Fixed()
	}
	return p.String()
}

// points prints the points an indicator is worth.
func (n numbers) points(p num.Points) string {
	if p.Whole() {
		return p.String()
	}
	return p.Fixed()
}

// share is part of whole in percent, as the report prints shares ("83.23",
// "100"), or false when whole is zero.
func (n numbers) share(part, whole money.Fen) (string, bool) {
	r, err := money.Ratio(part, whole)
	if err != nil {
		return "", false
	}
	return money.Percent(money.Decimal(r.Mul(r, big.NewRat(100, 1)), n.shareDecimals)), true
}

// growth is (cur-prev)/prev in percent without a sign, or false when prev
// is zero.
func (n numbers) growth(cur, prev money.Fen) (string, bool) {
	r, err := money.Ratio(cur-prev, prev)
	if err != nil {
		return "", false
	}
	r.Abs(r.Mul(r, big.NewRat(100, 1)))
	return money.Decimal(r, n.growthDecimals), true
}
