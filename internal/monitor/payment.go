// Package monitor is in-year monitoring (绩效运行监控) of budget execution:
// the treasury payment record (国库集中支付凭证) as the core sees it, and
// execution against time progress (序时进度) by month, with the gap in
// percentage points and a projection of the year-end rate.
//
// It does no I/O: the ledger reader (internal/ledger) makes Payments from
// files, the store keeps them and sums them by month in SQL, and this
// package turns monthly sums and a budget into the figures a monitoring
// table prints.
package monitor

import (
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/money"
)

// Payment is one treasury payment record.
type Payment struct {
	PaidOn          civil.Date // 支付日期
	UnitCode        string     // 预算单位编码
	ProjectCode     string     // 项目编码; "" for basic expenditure (基本支出)
	FunctionalClass string     // 功能分类
	EconomicClass   string     // 经济分类
	FundType        string     // 资金性质
	Amount          money.Fen  // 金额; negative for a refund (退款)
	Voucher         string     // 支付凭证号, unique within a year
	Payee           string     // 收款人, optional
	Memo            string     // 摘要, optional
	// Line is where the record was read (a file's line or a sheet's row),
	// for messages about it; 0 when unknown.
	Line int
}

// Year is the budget year the payment belongs to: the year it was paid.
func (p Payment) Year() int { return p.PaidOn.Year() }

// Month is the month it was paid, 1 to 12.
func (p Payment) Month() int { return int(p.PaidOn.Month()) }

// MonthlyPaid is what one unit paid for one project (or basic expenditure,
// ProjectCode "") in one month of a year, refunds deducted.
type MonthlyPaid struct {
	UnitCode    string
	ProjectCode string
	Month       int
	Amount      money.Fen
}

// Key names a unit's project, or its basic expenditure when Project is "".
type Key struct {
	Unit    string
	Project string
}

// Curves gathers monthly sums into a twelve-month curve per unit and
// project, checking every addition for overflow. With byUnit set, the
// projects of a unit are added into one curve per unit (Key.Project "").
func Curves(rows []MonthlyPaid, byUnit bool) (map[Key]*[12]money.Fen, error) {
	out := map[Key]*[12]money.Fen{}
	for _, r := range rows {
		if err := AddTo(out, r, byUnit); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AddTo adds one monthly sum to curves as Curves does, so that a caller
// reading sums one at a time need not hold them all.
func AddTo(curves map[Key]*[12]money.Fen, r MonthlyPaid, byUnit bool) error {
	if r.Month < 1 || r.Month > 12 {
		return nil
	}
	k := Key{Unit: r.UnitCode, Project: r.ProjectCode}
	if byUnit {
		k.Project = ""
	}
	c := curves[k]
	if c == nil {
		c = new([12]money.Fen)
		curves[k] = c
	}
	v, err := money.Add(c[r.Month-1], r.Amount)
	if err != nil {
		return err
	}
	c[r.Month-1] = v
	return nil
}
