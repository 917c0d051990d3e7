package monitor

import (
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/money"
)

// BudgetChange is one change of a budget during the year (预算调整): an
// addition (追加) or, negative, a cut (调减) of a unit's project or of
// its basic expenditure (ProjectCode ""), by a document of the finance
// bureau (调整文号). From the change's month on, the budget in force is
// the initial budget plus every change so far (Budget.At).
type BudgetChange struct {
	ChangedOn   civil.Date // 调整日期
	UnitCode    string     // 预算单位编码
	ProjectCode string     // 项目编码; "" for basic expenditure
	Amount      money.Fen  // 调整金额: positive added, negative cut
	Document    string     // 调整文号, with unit and project unique in a year
	Reason      string     // 调整原因, optional
	Line        int        // where it was read; 0 when unknown
}

// Year is the budget year the change belongs to.
func (c BudgetChange) Year() int { return c.ChangedOn.Year() }

// BudgetWith is the budget of an initial amount changed by monthly sums
// of changes (deltas[m-1] the changes of month m): one adjustment per
// month with a change, each the budget in force from that month on. Every
// addition is checked for overflow.
func BudgetWith(initial money.Fen, deltas *[12]money.Fen) (Budget, error) {
	b := Budget{Initial: initial}
	if deltas == nil {
		return b, nil
	}
	v := initial
	for m, d := range deltas {
		if d == 0 {
			continue
		}
		var err error
		if v, err = money.Add(v, d); err != nil {
			return Budget{}, err
		}
		b.Adjustments = append(b.Adjustments, Adjustment{Month: m + 1, Amount: v})
	}
	return b, nil
}
