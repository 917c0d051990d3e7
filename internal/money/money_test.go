package money

import (
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Fen
	}{
		{"27,537,760.00", 2753776000},
		{"2753.78万元", 2753780000},
		{"33086320元", 3308632000},
		{"3,308.63 万元", 3308630000},
		{"0", 0},
		{"-12.5", -1250},
		{"+7", 700},
		{"¥1,000", 100000},
		{"人民币１２３．４５元", 12345},
		{"1.5亿元", 15000000000},
		{"0.000001万元", 1},
		{"554.86万", 554860000},
		{"100.10", 10010},
		{" 1\u30002 ", 1200},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Parse(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{
		"", "元", "abc", "1.005", "1.0000001万元", "12,34", "1,2345", ",123", "1.", ".5",
		"1..2", "--1", "1-", "99999999999999999999", "92233720368547758.08", "1e5", "1,000.0.0",
	} {
		_, err := Parse(in)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) err = %v, want *ParseError", in, err)
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		f              Fen
		str, yuan, wan string
	}{
		{3308632000, "33086320.00", "33,086,320.00", "3308.63"},
		{2753776000, "27537760.00", "27,537,760.00", "2753.78"},
		{554856000, "5548560.00", "5,548,560.00", "554.86"},
		{41063000, "410630.00", "410,630.00", "41.06"},
		{50000, "500.00", "500.00", "0.05"},
		{49999, "499.99", "499.99", "0.05"},
		{49990, "499.90", "499.90", "0.05"},
		{-50000, "-500.00", "-500.00", "-0.05"},
		{-4999, "-49.99", "-49.99", "0.00"},
		{0, "0.00", "0.00", "0.00"},
		{100000000, "1000000.00", "1,000,000.00", "100.00"},
	}
	for _, tt := range tests {
		if got := tt.f.String(); got != tt.str {
			t.Errorf("%d.String() = %q, want %q", tt.f, got, tt.str)
		}
		if got := tt.f.YuanText(); got != tt.yuan {
			t.Errorf("%d.YuanText() = %q, want %q", tt.f, got, tt.yuan)
		}
		if got := tt.f.Wan(); got != tt.wan {
			t.Errorf("%d.Wan() = %q, want %q", tt.f, got, tt.wan)
		}
	}
}

// The reference report's figures: basic and project expenditure are shares
// of the total, income grew on the prior year.
func TestSharesAndGrowth(t *testing.T) {
	basic, project := Fen(2753776000), Fen(554856000)
	total := basic + project
	for _, tt := range []struct {
		part Fen
		want string
	}{{basic, "83.23"}, {project, "16.77"}, {total, "100.00"}} {
		got, err := Share(tt.part, total)
		if err != nil || got != tt.want {
			t.Errorf("Share(%d, %d) = %q, %v; want %q", tt.part, total, got, err, tt.want)
		}
	}
	g, err := Growth(total, Yuan(28980000))
	if err != nil || g != "14.2" {
		t.Errorf("Growth = %q, %v; want 14.2", g, err)
	}
	g, _ = Growth(Yuan(90), Yuan(100))
	if g != "-10.0" {
		t.Errorf("Growth(90,100) = %q", g)
	}
	if _, err := Share(1, 0); !errors.Is(err, ErrZeroBase) {
		t.Errorf("Share over zero: %v", err)
	}
	if Percent("100.00") != "100" || Percent("83.23") != "83.23" || Percent("14.0") != "14" {
		t.Error("Percent does not trim whole values only")
	}
}

func TestRoundHalfAwayFromZero(t *testing.T) {
	for _, tt := range []struct {
		num, den int64
		d        int
		want     string
	}{
		{5, 1000, 2, "0.01"}, {-5, 1000, 2, "-0.01"}, {4999, 1000000, 2, "0.00"},
		{1, 3, 2, "0.33"}, {2, 3, 2, "0.67"}, {25, 100, 1, "0.3"}, {-25, 100, 1, "-0.3"},
	} {
		if got := Decimal(big.NewRat(tt.num, tt.den), tt.d); got != tt.want {
			t.Errorf("Decimal(%d/%d, %d) = %q, want %q", tt.num, tt.den, tt.d, got, tt.want)
		}
	}
}

// Whatever is typed, Parse returns a value or an error, and a value prints
// back to text that parses to the same value.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"27,537,760.00", "2753.78万元", "33086320元", "-1.5亿", "１２", "0.000001万", "9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			return
		}
		back, err := Parse(v.String())
		if err != nil || back != v {
			t.Fatalf("Parse(%q) = %d, printed %q, reparsed %d, %v", s, v, v.String(), back, err)
		}
		back, err = Parse(v.YuanText())
		if err != nil || back != v {
			t.Fatalf("YuanText round trip of %d: %d, %v", v, back, err)
		}
	})
}

func TestParseRefusesAmountsAboveTheCeiling(t *testing.T) {
	for _, s := range []string{
		"92,233,720,368,547,758.07", // near the int64 limit: three of these used to "add up" to less
		"1000000000000.01",          // one fen above 1 万亿元
		"-1000000000000.01",
		"100000001万元",
		"1.0000001万亿", // not a unit: still an error
	} {
		if v, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", s, v)
		}
	}
	for _, s := range []string{"1000000000000.00", "-1000000000000", "100000000万元", "10000亿元"} {
		v, err := Parse(s)
		if err != nil || (v != MaxAmount && v != -MaxAmount) {
			t.Errorf("Parse(%q) = %v, %v; want ±MaxAmount", s, v, err)
		}
	}
	_, err := Parse("92,233,720,368,547,758.07")
	if err == nil || !strings.Contains(err.Error(), "1 万亿元") {
		t.Errorf("error does not state the ceiling: %v", err)
	}
}

func TestAddAndSumCheckOverflow(t *testing.T) {
	const max = Fen(math.MaxInt64)
	cases := []struct {
		a, b Fen
		ok   bool
	}{
		{1, 2, true},
		{max, 0, true},
		{max, 1, false},
		{-max - 1, -1, false},
		{-max - 1, max, true},
		{max / 2, max/2 + 1, true},
		{max/2 + 1, max/2 + 1, false},
	}
	for _, c := range cases {
		s, err := Add(c.a, c.b)
		if c.ok && (err != nil || s != c.a+c.b) {
			t.Errorf("Add(%d, %d) = %d, %v", c.a, c.b, s, err)
		}
		if !c.ok && !errors.Is(err, ErrOverflow) {
			t.Errorf("Add(%d, %d) = %d, %v; want ErrOverflow", c.a, c.b, s, err)
		}
	}
	// The attack: three parts near the limit wrapped around to a small total.
	p := Fen(9223372036854775807)
	if s, err := Sum(p, p, p); !errors.Is(err, ErrOverflow) {
		t.Errorf("Sum of three near-limit parts = %d, %v; want ErrOverflow", s, err)
	}
	if s, err := Sum(MaxAmount, MaxAmount, -5); err != nil || s != 2*MaxAmount-5 {
		t.Errorf("Sum = %d, %v", s, err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("MustSum did not panic on overflow")
			}
		}()
		MustSum(p, p)
	}()
}

func TestParseInReadsUnitlessAmountsInTheChosenUnit(t *testing.T) {
	for _, tt := range []struct {
		in, unit string
		want     Fen
	}{
		{"3308.63", WanUnit, 3_308_630_000},
		{"3,308.63", WanUnit, 3_308_630_000},
		{"3308.63 万元", WanUnit, 3_308_630_000},
		{"27,537,760.00", YuanUnit, 2_753_776_000},
		{"27,537,760.00元", WanUnit, 2_753_776_000},
		{"0.000001", WanUnit, 1},
		{"120万元", YuanUnit, 120_000_000},
	} {
		got, err := ParseIn(tt.in, tt.unit)
		if err != nil || got != tt.want {
			t.Errorf("ParseIn(%q, %q) = %d, %v; want %d", tt.in, tt.unit, got, err, tt.want)
		}
	}
	if _, err := ParseIn("0.0000001", WanUnit); err == nil {
		t.Error("ParseIn accepted an amount finer than one fen in 万元")
	}
}

func TestWanExactRoundTrips(t *testing.T) {
	for _, tt := range []struct {
		f    Fen
		want string
	}{
		{3_308_632_000, "3308.632"}, {10_000, "0.01"}, {1, "0.000001"}, {0, "0"}, {-150_000_000, "-150"}, {2_753_776_000, "2753.776"},
	} {
		got := tt.f.WanExact()
		if got != tt.want {
			t.Errorf("%d.WanExact() = %q, want %q", tt.f, got, tt.want)
		}
		back, err := ParseIn(got, WanUnit)
		if err != nil || back != tt.f {
			t.Errorf("ParseIn(%q) = %d, %v; want %d", got, back, err, tt.f)
		}
	}
}
