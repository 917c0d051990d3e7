package evaluation

import (
	"fmt"
	"math/big"

	"github.com/jixiao/jixiao/internal/money"
)

// IncomeTotal is the sum of all income sources (决算收入合计).
func (e *Evaluation) IncomeTotal() money.Fen {
	var t money.Fen
	for _, in := range e.Finance.Income {
		t = money.MustSum(t, in.Amount)
	}
	return t
}

// IncomeOf returns the income of one kind.
func (e *Evaluation) IncomeOf(kind string) money.Fen {
	var t money.Fen
	for _, in := range e.Finance.Income {
		if in.Kind == kind {
			t = money.MustSum(t, in.Amount)
		}
	}
	return t
}

// Measured is a figure computed from the data, in percent, with how it was
// computed.
type Measured struct {
	Name    string
	Value   *big.Rat // percent
	Formula string   // e.g. "3308.63 ÷ 3308.63 × 100% = 100.00%"
}

// Measure computes a named figure (see framework.Measures). It fails when
// the data lacks what the figure needs.
func (e *Evaluation) Measure(name string) (Measured, error) {
	f := e.Finance
	ratio := func(title string, part, whole money.Fen) (Measured, error) {
		r, err := money.Ratio(part, whole)
		if err != nil {
			return Measured{}, fmt.Errorf("%s：%w", title, err)
		}
		r.Mul(r, big.NewRat(100, 1))
		return Measured{Name: name, Value: r, Formula: fmt.Sprintf("%s万元 ÷ %s万元 × 100%% = %s%%", part.Wan(), whole.Wan(), money.Decimal(r, 2))}, nil
	}
	switch name {
	case "execution_rate":
		return ratio("预算执行率", f.Expenditure.Total(), f.Budget.Adjusted)
	case "carryover_rate":
		return ratio("结转结余率", f.Carryover, f.Budget.Adjusted)
	case "sangong_rate":
		if f.Sangong == nil {
			return Measured{}, fmt.Errorf("缺少“三公”经费数据（finance.sangong）")
		}
		t := f.Sangong.Total()
		if t.Budget == 0 && t.Actual == 0 {
			// Nothing budgeted and nothing spent is within budget.
			return Measured{Name: name, Value: new(big.Rat), Formula: "“三公”经费预算和实际支出均为 0"}, nil
		}
		return ratio("“三公”经费预算执行率", t.Actual, t.Budget)
	case "public_funds_rate":
		if f.PublicFunds == nil {
			return Measured{}, fmt.Errorf("缺少公用经费数据（finance.public_funds）")
		}
		return ratio("公用经费预算执行率", f.PublicFunds.Actual, f.PublicFunds.Budget)
	}
	return Measured{}, fmt.Errorf("未知的计算指标 %q", name)
}
