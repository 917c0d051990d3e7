package monitor

import (
	"fmt"
	"math"
	"math/big"

	"github.com/jixiao/jixiao/internal/money"
)

// Rate is a percentage in hundredths of a percentage point: 3120 is
// 31.20%. Execution rates, time progress and gaps are all Rates, so a gap
// printed beside the two figures it comes from is exactly their
// difference as printed.
type Rate int64

// String prints the rate with two decimals and no percent sign: "31.20".
func (r Rate) String() string {
	sign := ""
	u := int64(r)
	if u < 0 {
		sign, u = "-", -u
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

// Full is 100%.
const Full Rate = 10000

// RateOf returns part/whole as a Rate, rounded half away from zero once.
// whole must be positive.
func RateOf(part, whole money.Fen) Rate {
	// In int64 when part × 10000 cannot overflow (any amount below 9.2
	// trillion yuan): a province's refresh computes millions of rates.
	if p, w := int64(part), int64(whole); w > 0 && p > -math.MaxInt64/int64(Full) && p < math.MaxInt64/int64(Full) {
		n := p * int64(Full)
		q, r := n/w, n%w
		if r < 0 {
			r = -r
		}
		if r >= w-r { // the dropped part is at least one half: away from zero
			if n < 0 {
				q--
			} else {
				q++
			}
		}
		return Rate(q)
	}
	n := new(big.Int).Mul(big.NewInt(int64(part)), big.NewInt(int64(Full)))
	r := money.Round(new(big.Rat).SetFrac(n, big.NewInt(int64(whole))), 0)
	return Rate(r.Num().Int64())
}

// Schedule says the time progress (序时进度) expected at the end of each
// month. By default it is the months elapsed ÷ 12 (end of July: 7/12 =
// 58.33%), the practice of finance bureaus; Targets replace it for the
// months a bureau sets a checkpoint target of its own ("7月末 40%" is
// {7: 4000}).
type Schedule struct {
	Targets map[int]Rate
}

// TimeProgress is the time progress at the end of month (1–12).
func (s Schedule) TimeProgress(month int) Rate {
	if t, ok := s.Targets[month]; ok {
		return t
	}
	return RateOf(money.Fen(month), 12)
}

// Validate checks the checkpoint targets: months 1 to 12, rates from 0 to
// 100%, and never lower in a later month. The message is in Chinese.
func (s Schedule) Validate() error {
	prev, prevMonth := Rate(-1), 0
	for m := 1; m <= 12; m++ {
		t, ok := s.Targets[m]
		if !ok {
			continue
		}
		if t < 0 || t > Full {
			return fmt.Errorf("序时进度目标 %d月末 %s%% 无效：应在 0 至 100%% 之间", m, t)
		}
		if t < prev {
			return fmt.Errorf("序时进度目标 %d月末 %s%% 低于 %d月末的 %s%%：目标应逐月不减", m, t, prevMonth, prev)
		}
		prev, prevMonth = t, m
	}
	for m := range s.Targets {
		if m < 1 || m > 12 {
			return fmt.Errorf("序时进度目标的月份 %d 无效：应为 1 至 12", m)
		}
	}
	return nil
}

// Budget is a project's or a department's budget for the year: the
// initial budget (年初预算数) and the adjustments made during the year.
type Budget struct {
	Initial money.Fen
	// Adjustments set the adjusted budget (调整预算数) from the end of a
	// month on, in order of month. Without any, the adjusted budget is the
	// initial one.
	Adjustments []Adjustment
}

// Adjustment is the budget as adjusted in a month.
type Adjustment struct {
	Month  int
	Amount money.Fen
}

// At returns the budget in force at the end of month.
func (b Budget) At(month int) money.Fen {
	v := b.Initial
	for _, a := range b.Adjustments {
		if a.Month <= month {
			v = a.Amount
		}
	}
	return v
}

// Month is one month of a monitoring row: the budget, what was paid, the
// execution rate against time progress and the year-end projection.
type Month struct {
	Month      int
	Initial    money.Fen // 年初预算数
	Adjusted   money.Fen // budget in force at the month's end
	Paid       money.Fen // paid in the month, refunds deducted
	PaidToDate money.Fen // 1–M月执行数
	// HasRate is false when the budget in force is not positive: no rate,
	// gap or projected rate can be stated then.
	HasRate      bool
	Rate         Rate // 执行率: PaidToDate ÷ Adjusted
	TimeProgress Rate // 序时进度
	Gap          Rate // TimeProgress − Rate: positive when behind
	Projection   Projection
}

// Projection is the expected year-end figure from the months so far.
type Projection struct {
	Paid money.Fen // 全年预计执行数
	// Banded is false when a band cannot be estimated (the first month,
	// with nothing to measure the spread of months by).
	Banded    bool
	Low, High money.Fen // the band, about 90% (see ProjectionMethod)
	// Rates of the three amounts against the budget in force (when
	// HasRate).
	Rate, LowRate, HighRate Rate
}

// ProjectionMethod says how the year-end figure is projected, in the words
// a monitoring table's note uses.
const ProjectionMethod = "全年预计执行数按本单位当年已过各月的月均支付额外推至12月（月均 × 剩余月数 + 已支付数）；" +
	"区间按已过各月支付额的离散程度估计（剩余各月视为独立、与已过各月同分布，正态近似约 90% 区间，下限不低于零），" +
	"首月无从估计离散程度，不给区间。本方法不考虑年末集中支付等季节因素，预计值在年末支付集中的单位偏低。"

// bandZ is the normal quantile of a two-sided 90% band.
const bandZ = 1.6448536269514722

// Execution computes months 1 to through (1–12) of one project or
// department from its budget and the twelve monthly sums of its payments.
// The year-end projection is made for the last month only, the month the
// figures are taken at (earlier months carry none: a projection from
// their own months is not what anyone reads, and making one for every
// month was most of a province's refresh). Every addition is checked for
// overflow.
func Execution(b Budget, paid [12]money.Fen, through int, s Schedule) ([]Month, error) {
	if through < 1 || through > 12 {
		return nil, fmt.Errorf("截至月份 %d 无效：应为 1 至 12", through)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	out := make([]Month, 0, through)
	var toDate money.Fen
	for m := 1; m <= through; m++ {
		var err error
		if toDate, err = money.Add(toDate, paid[m-1]); err != nil {
			return nil, err
		}
		row := Month{Month: m, Initial: b.Initial, Adjusted: b.At(m), Paid: paid[m-1], PaidToDate: toDate, TimeProgress: s.TimeProgress(m)}
		last := m == through
		if last {
			row.Projection = project(paid[:m], toDate)
		}
		if row.Adjusted > 0 {
			row.HasRate = true
			row.Rate = RateOf(toDate, row.Adjusted)
			row.Gap = row.TimeProgress - row.Rate
			if last {
				p := &row.Projection
				p.Rate = RateOf(p.Paid, row.Adjusted)
				p.LowRate = RateOf(p.Low, row.Adjusted)
				p.HighRate = RateOf(p.High, row.Adjusted)
			}
		}
		out = append(out, row)
	}
	return out, nil
}

// project extrapolates the months so far to the year's end: the mean
// month times the months left, added to what was paid. The band is the
// prediction interval of a sum of the remaining months drawn from the
// observed months' spread, including the uncertainty of their mean:
// variance n·s² + n²·s²/m for n months left after m observed.
func project(months []money.Fen, toDate money.Fen) Projection {
	m := int64(len(months))
	n := 12 - m
	// toDate·12/m, rounded once to the fen.
	total := money.Round(new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(int64(toDate)), big.NewInt(12)), big.NewInt(m)), 0)
	p := Projection{Paid: clampFen(total.Num())}
	p.Low, p.High = p.Paid, p.Paid
	if n == 0 {
		p.Banded = true
		return p
	}
	if m < 2 {
		return p
	}
	// Sample variance s² = (Σx² − (Σx)²/m) / (m−1), exact, in fen².
	sum, sq := new(big.Int), new(big.Int)
	for _, x := range months {
		bx := big.NewInt(int64(x))
		sum.Add(sum, bx)
		sq.Add(sq, new(big.Int).Mul(bx, bx))
	}
	v := new(big.Rat).SetFrac(new(big.Int).Mul(sum, sum), big.NewInt(m))
	v.Sub(new(big.Rat).SetInt(sq), v)
	v.Quo(v, big.NewRat(m-1, 1))
	// Prediction variance of the n remaining months' sum.
	v.Mul(v, big.NewRat(n*m+n*n, m))
	vf, _ := v.Float64()
	half := bandZ * math.Sqrt(vf)
	if half > float64(money.MaxAmount) {
		half = float64(money.MaxAmount)
	}
	h := money.Fen(math.Round(half))
	p.Banded = true
	p.Low, p.High = p.Paid-h, p.Paid+h
	if p.Low < 0 && p.Paid >= 0 {
		p.Low = 0 // refunds aside, a year does not end with less paid than nothing
	}
	return p
}

// clampFen converts a sum that may exceed int64 (a projection of amounts
// near the ceiling) to Fen, bounded by ±MaxAmount·12.
func clampFen(v *big.Int) money.Fen {
	limit := big.NewInt(int64(money.MaxAmount) * 12)
	if v.Cmp(limit) > 0 {
		return money.Fen(limit.Int64())
	}
	if v.Cmp(new(big.Int).Neg(limit)) < 0 {
		return -money.Fen(limit.Int64())
	}
	return money.Fen(v.Int64())
}
