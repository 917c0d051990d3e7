package monitor

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/money"
)

// The worked example of issue 12: an initial budget of 560,000.00 yuan,
// 174,720.00 yuan paid by the end of July, is 31.20% executed against a
// time progress of 58.33%: 27.13 points behind. A refund in June reduces
// what was paid.
func TestWorkedExample(t *testing.T) {
	var paid [12]money.Fen
	paid[0] = money.Yuan(20_000)
	paid[2] = money.Yuan(60_000)
	paid[4] = money.Yuan(50_000)
	paid[5] = money.Yuan(48_000) - money.Yuan(3_280) // a refund of 3,280.00
	paid[6] = money.Yuan(0)
	rows, err := Execution(Budget{Initial: money.Yuan(560_000)}, paid, 7, Schedule{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 7 {
		t.Fatalf("%d rows, want 7", len(rows))
	}
	jul := rows[6]
	if jul.PaidToDate != money.Yuan(174_720) {
		t.Fatalf("paid to date %s, want 174720.00", jul.PaidToDate)
	}
	if !jul.HasRate || jul.Rate.String() != "31.20" || jul.TimeProgress.String() != "58.33" || jul.Gap.String() != "27.13" {
		t.Errorf("July: rate %s, time progress %s, gap %s; want 31.20, 58.33, 27.13", jul.Rate, jul.TimeProgress, jul.Gap)
	}
	if jul.Adjusted != jul.Initial {
		t.Errorf("adjusted %s without adjustments, want the initial %s", jul.Adjusted, jul.Initial)
	}
	// End of June: 174,720.00 of 560,000.00 against 6/12.
	if jun := rows[5]; jun.TimeProgress != 5000 || jun.Gap != 5000-3120 {
		t.Errorf("June: time progress %s, gap %s", jun.TimeProgress, jun.Gap)
	}
	// A checkpoint target of 40% at the end of July replaces 7/12.
	rows, err = Execution(Budget{Initial: money.Yuan(560_000)}, paid, 7, Schedule{Targets: map[int]Rate{7: 4000}})
	if err != nil {
		t.Fatal(err)
	}
	if g := rows[6].Gap.String(); g != "8.80" {
		t.Errorf("gap against a 40%% target %s, want 8.80", g)
	}
	if tp := rows[5].TimeProgress.String(); tp != "50.00" {
		t.Errorf("June keeps the default time progress, got %s", tp)
	}
}

func TestTimeProgressDefault(t *testing.T) {
	want := []string{"8.33", "16.67", "25.00", "33.33", "41.67", "50.00", "58.33", "66.67", "75.00", "83.33", "91.67", "100.00"}
	for m := 1; m <= 12; m++ {
		if got := (Schedule{}).TimeProgress(m).String(); got != want[m-1] {
			t.Errorf("month %d: %s, want %s", m, got, want[m-1])
		}
	}
}

func TestAdjustedBudgetInForce(t *testing.T) {
	var paid [12]money.Fen
	for i := range 8 {
		paid[i] = money.Yuan(100)
	}
	b := Budget{Initial: money.Yuan(1_000), Adjustments: []Adjustment{{Month: 6, Amount: money.Yuan(2_000)}}}
	rows, err := Execution(b, paid, 8, Schedule{})
	if err != nil {
		t.Fatal(err)
	}
	if r := rows[4]; r.Adjusted != money.Yuan(1_000) || r.Rate.String() != "50.00" {
		t.Errorf("May: adjusted %s rate %s, want 1000.00 and 50.00", r.Adjusted, r.Rate)
	}
	if r := rows[7]; r.Adjusted != money.Yuan(2_000) || r.Initial != money.Yuan(1_000) || r.Rate.String() != "40.00" {
		t.Errorf("August: initial %s adjusted %s rate %s, want 1000.00, 2000.00, 40.00", r.Initial, r.Adjusted, r.Rate)
	}
}

func TestNoBudgetNoRate(t *testing.T) {
	var paid [12]money.Fen
	paid[0] = 500
	rows, err := Execution(Budget{}, paid, 3, Schedule{})
	if err != nil {
		t.Fatal(err)
	}
	if rows[2].HasRate || rows[2].Rate != 0 || rows[2].Gap != 0 {
		t.Errorf("a zero budget gave a rate: %+v", rows[2])
	}
	if rows[2].Projection.Paid != 2000 {
		t.Errorf("projection %s, want 20.00 (5.00 in 3 months ×4)", rows[2].Projection.Paid)
	}
}

func TestProjection(t *testing.T) {
	var paid [12]money.Fen
	paid[0], paid[1] = 100, 300
	// The projection is made at the month the figures are taken at.
	at := func(b Budget, paid [12]money.Fen, through int) Projection {
		t.Helper()
		rows, err := Execution(b, paid, through, Schedule{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows[:through-1] {
			if r.Projection != (Projection{}) {
				t.Errorf("month %d of %d carries a projection: %+v", r.Month, through, r.Projection)
			}
		}
		return rows[through-1].Projection
	}
	// One month: no spread to measure.
	if p := at(Budget{Initial: 4000}, paid, 1); p.Banded || p.Paid != 1200 {
		t.Errorf("January: %+v, want 12.00 without a band", p)
	}
	// Two months of 1.00 and 3.00: mean 2.00, s² = 20000 fen²; ten
	// months left: variance 20000·(10 + 100/2) = 1,200,000, sd 1095.45,
	// half band 1.6449 × 1095.45 = 1801.86 → 18.02 yuan.
	p := at(Budget{Initial: 4000}, paid, 2)
	if !p.Banded || p.Paid != 2400 || p.Low != 2400-1802 || p.High != 2400+1802 {
		t.Errorf("February: %+v, want 24.00 in [5.98, 42.02]", p)
	}
	if p.Rate.String() != "60.00" || p.LowRate.String() != "14.95" || p.HighRate.String() != "105.05" {
		t.Errorf("February rates %s [%s, %s], want 60.00 [14.95, 105.05]", p.Rate, p.LowRate, p.HighRate)
	}
	// A steady curve projects exactly, with no band to speak of.
	for i := range paid {
		paid[i] = 700
	}
	for m := 2; m <= 12; m++ {
		if p := at(Budget{Initial: 8400}, paid, m); p.Paid != 8400 || p.Low != 8400 || p.High != 8400 || p.Rate != Full {
			t.Errorf("month %d of a steady curve: %+v", m, p)
		}
	}
	// A wide spread does not project below zero.
	var spiky [12]money.Fen
	spiky[0], spiky[1], spiky[2] = 10_000, -9_000, 0
	if p := at(Budget{Initial: 100_000}, spiky, 3); p.Low != 0 || p.High <= p.Paid {
		t.Errorf("spiky curve: %+v, want the low end at zero", p)
	}
	if !strings.Contains(ProjectionMethod, "90%") {
		t.Error("the stated method does not say the band's level")
	}
}

func TestExecutionErrors(t *testing.T) {
	var paid [12]money.Fen
	paid[0], paid[1] = money.MaxAmount*50_000, money.MaxAmount*50_000
	if _, err := Execution(Budget{Initial: 1}, paid, 2, Schedule{}); err == nil {
		t.Error("an overflowing sum was accepted")
	}
	for _, tc := range []struct {
		s    Schedule
		want string
	}{
		{Schedule{Targets: map[int]Rate{7: 4000, 9: 3000}}, "9月末"},
		{Schedule{Targets: map[int]Rate{13: 4000}}, "月份 13"},
		{Schedule{Targets: map[int]Rate{6: 12000}}, "0 至 100%"},
	} {
		_, err := Execution(Budget{Initial: 1}, [12]money.Fen{}, 7, tc.s)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one naming %q", tc.s.Targets, err, tc.want)
		}
	}
	if _, err := Execution(Budget{Initial: 1}, [12]money.Fen{}, 0, Schedule{}); err == nil || !strings.Contains(err.Error(), "截至月份") {
		t.Errorf("month 0: %v", err)
	}
}

func TestCurves(t *testing.T) {
	rows := []MonthlyPaid{
		{UnitCode: "U1", ProjectCode: "P1", Month: 3, Amount: 500},
		{UnitCode: "U1", ProjectCode: "P1", Month: 3, Amount: -200},
		{UnitCode: "U1", ProjectCode: "", Month: 1, Amount: 1000},
		{UnitCode: "U2", ProjectCode: "P9", Month: 12, Amount: 7},
	}
	c, err := Curves(rows, false)
	if err != nil {
		t.Fatal(err)
	}
	if c[Key{"U1", "P1"}][2] != 300 || c[Key{"U1", ""}][0] != 1000 || len(c) != 3 {
		t.Errorf("by project: %v", c)
	}
	c, err = Curves(rows, true)
	if err != nil {
		t.Fatal(err)
	}
	if u := c[Key{"U1", ""}]; u[0] != 1000 || u[2] != 300 || len(c) != 2 {
		t.Errorf("by unit: %v", c)
	}
	if _, err := Curves([]MonthlyPaid{{Month: 1, Amount: money.Fen(1 << 62)}, {Month: 1, Amount: money.Fen(1 << 62)}}, true); err == nil {
		t.Error("an overflowing curve was accepted")
	}
}

// BudgetWith turns monthly changes into the budget in force from each
// changed month on.
func TestBudgetWith(t *testing.T) {
	var d [12]money.Fen
	d[5], d[7] = money.Yuan(40_000), -money.Yuan(100_000)
	b, err := BudgetWith(money.Yuan(560_000), &d)
	if err != nil {
		t.Fatal(err)
	}
	for m, want := range map[int]money.Fen{1: money.Yuan(560_000), 5: money.Yuan(560_000), 6: money.Yuan(600_000), 7: money.Yuan(600_000), 8: money.Yuan(500_000), 12: money.Yuan(500_000)} {
		if got := b.At(m); got != want {
			t.Errorf("month %d: %s, want %s", m, got, want)
		}
	}
	if b, _ := BudgetWith(100, nil); b.At(12) != 100 || len(b.Adjustments) != 0 {
		t.Errorf("no changes: %+v", b)
	}
	d[0] = money.Fen(math.MaxInt64)
	if _, err := BudgetWith(1, &d); err == nil {
		t.Error("an overflowing change was accepted")
	}
}

// RateOf's int64 path rounds as the exact one: half away from zero.
func TestRateOfFastPath(t *testing.T) {
	exact := func(part, whole money.Fen) Rate {
		n := new(big.Int).Mul(big.NewInt(int64(part)), big.NewInt(int64(Full)))
		r := money.Round(new(big.Rat).SetFrac(n, big.NewInt(int64(whole))), 0)
		return Rate(r.Num().Int64())
	}
	cases := [][2]money.Fen{{1, 3}, {2, 3}, {1, 2}, {-1, 2}, {-1, 3}, {-2, 3}, {174_720_00, 560_000_00}, {5, 20000}, {-5, 20000},
		{15, 20000}, {-15, 20000}, {1, 1}, {0, 7}, {math.MaxInt64 / 10001, 3}, {math.MaxInt64, 7}, {math.MinInt64 + 1, 9}}
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		cases = append(cases, [2]money.Fen{money.Fen(rnd.Int64N(2_000_000_000) - 1_000_000_000), money.Fen(rnd.Int64N(1_000_000_000) + 1)})
	}
	for _, c := range cases {
		if got, want := RateOf(c[0], c[1]), exact(c[0], c[1]); got != want {
			t.Errorf("RateOf(%d, %d) = %d, want %d", c[0], c[1], got, want)
		}
	}
}
