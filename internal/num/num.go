// Package num holds the exact numbers scoring works with: Decimal for
// indicator values officials type (targets, actuals, thresholds) and Points
// for scores, kept in hundredths of a point so that sums never drift.
package num

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"strings"

	"github.com/jixiao/jixiao/internal/money"
)

// Decimal is an exact decimal number. The zero value is 0.
type Decimal struct{ r *big.Rat }

// ParseDecimal reads a plain decimal as typed: "95", "-1.5", "1,200",
// "９５". A trailing "%" is allowed and kept out of the value: "95%" is 95,
// since units are stated separately.
func ParseDecimal(s string) (Decimal, error) {
	t := strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '．':
			return '.'
		case r == '－' || r == '−':
			return '-'
		case r == '，':
			return ','
		case r == ' ':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "%"), "％")
	if strings.Contains(t, ",") {
		var ok bool
		if t, ok = ungroup(t); !ok {
			return Decimal{}, fmt.Errorf("%q 的千位分隔符位置不正确", s)
		}
	}
	body := strings.TrimLeft(t, "+-")
	if body == "" || len(t)-len(body) > 1 {
		return Decimal{}, fmt.Errorf("%q 不是数值", s)
	}
	dots := 0
	for _, r := range body {
		switch {
		case r == '.':
			dots++
		case r < '0' || r > '9':
			return Decimal{}, fmt.Errorf("%q 不是数值", s)
		}
	}
	if dots > 1 || body[0] == '.' || body[len(body)-1] == '.' || len(body) > 40 {
		return Decimal{}, fmt.Errorf("%q 不是数值", s)
	}
	if r, ok := parseInt(t); ok {
		return Decimal{r}, nil
	}
	r, ok := new(big.Rat).SetString(t)
	if !ok {
		return Decimal{}, fmt.Errorf("%q 不是数值", s)
	}
	return Decimal{r}, nil
}

// parseInt reads a checked decimal ([+-]digits[.digits]) of at most 18
// digits in int64 arithmetic, the same value big.Rat's SetString gives.
func parseInt(t string) (*big.Rat, bool) {
	neg := false
	switch t[0] {
	case '-':
		neg, t = true, t[1:]
	case '+':
		t = t[1:]
	}
	var m int64
	digits, places := 0, -1
	for i := 0; i < len(t); i++ {
		if t[i] == '.' {
			places = 0
			continue
		}
		if digits++; digits > 18 {
			return nil, false
		}
		m = m*10 + int64(t[i]-'0')
		if places >= 0 {
			places++
		}
	}
	if neg {
		m = -m
	}
	if places <= 0 {
		return new(big.Rat).SetInt64(m), true
	}
	return new(big.Rat).SetFrac64(m, pow10s[places]), true
}

// ungroup removes thousands separators from a number, checking that they
// group the integer digits by three: "1,200.5" is fine, "12,34" is not.
func ungroup(t string) (string, bool) {
	sign := ""
	if t != "" && (t[0] == '-' || t[0] == '+') {
		sign, t = t[:1], t[1:]
	}
	whole, frac, hasDot := strings.Cut(t, ".")
	groups := strings.Split(whole, ",")
	for i, g := range groups {
		if (i == 0 && (len(g) < 1 || len(g) > 3)) || (i > 0 && len(g) != 3) {
			return "", false
		}
	}
	out := sign + strings.Join(groups, "")
	if hasDot {
		out += "." + frac
	}
	return out, true
}

// MustDecimal parses s or panics; for constants in code and tests.
func MustDecimal(s string) Decimal {
	d, err := ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DecimalOf returns n as a Decimal.
func DecimalOf(n int64) Decimal { return Decimal{big.NewRat(n, 1)} }

// DecimalFrac returns a/b as a Decimal; b must not be zero.
func DecimalFrac(a, b int64) Decimal { return Decimal{big.NewRat(a, b)} }

// Rat returns a copy of the value as a rational.
func (d Decimal) Rat() *big.Rat {
	if d.r == nil {
		return new(big.Rat)
	}
	return new(big.Rat).Set(d.r)
}

// RatString is FromRat(r).String() without the copy: r is only read.
func RatString(r *big.Rat) string { return Decimal{r}.String() }

// FromRat wraps a rational (copied).
func FromRat(r *big.Rat) Decimal { return Decimal{new(big.Rat).Set(r)} }

// Sign returns -1, 0 or +1.
func (d Decimal) Sign() int { return d.Rat().Sign() }

// Cmp compares d and e.
func (d Decimal) Cmp(e Decimal) int { return d.Rat().Cmp(e.Rat()) }

// String prints the value exactly when it has at most 40 decimals (every
// value ParseDecimal accepts does, its input being at most 40 characters),
// else rounded to 4 decimals; trailing zeros are trimmed.
func (d Decimal) String() string {
	if s, ok := d.stringInt(); ok {
		return s
	}
	return stringRat(d.Rat())
}

// stringRat is String in big arithmetic.
func stringRat(r *big.Rat) string {
	if n, ok := decimals(r, 40); ok {
		return trim(r.FloatString(n))
	}
	return trim(money.Decimal(r, 4))
}

// stringInt is String in int64 arithmetic, for the values whose
// numerator and denominator fit (every value typed in practice); ok is
// false otherwise. A reduced fraction ends after n decimals exactly when
// its denominator is 2^a·5^b, with n = max(a, b).
func (d Decimal) stringInt() (string, bool) {
	if d.r == nil {
		return "0", true
	}
	num, den := d.r.Num(), d.r.Denom()
	if !num.IsInt64() || !den.IsInt64() {
		return "", false
	}
	n, q := num.Int64(), den.Int64()
	twos, fives := 0, 0
	for q%2 == 0 {
		q /= 2
		twos++
	}
	for q%5 == 0 {
		q /= 5
		fives++
	}
	if q != 1 {
		return trim(money.Decimal(d.r, 4)), true // does not end: rounded
	}
	places := max(twos, fives)
	if places >= len(pow10s) {
		return "", false
	}
	// n ÷ den = n × (10^places ÷ den) ÷ 10^places, all exact.
	v, ok := mulDivRound(n, pow10s[places], den.Int64())
	if !ok {
		return "", false
	}
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	digits := strconv.FormatInt(v, 10)
	if places == 0 {
		return sign + digits, true
	}
	if len(digits) <= places {
		digits = strings.Repeat("0", places-len(digits)+1) + digits
	}
	cut := len(digits) - places
	return sign + digits[:cut] + "." + digits[cut:], true
}

var pow10s = [...]int64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// decimals returns how many decimals r needs to print exactly, if at most
// limit.
func decimals(r *big.Rat, limit int) (int, bool) {
	den := new(big.Int).Set(r.Denom())
	for n := 0; n <= limit; n++ {
		if new(big.Int).Rem(new(big.Int).Mul(r.Num(), pow10(n)), den).Sign() == 0 {
			return n, true
		}
	}
	return 0, false
}

func pow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// Fixed prints the value with exactly n decimals, rounded half-up.
func (d Decimal) Fixed(n int) string { return money.Decimal(d.Rat(), n) }

// UnmarshalText lets data files hold values as numbers or strings.
func (d *Decimal) UnmarshalText(b []byte) error {
	v, err := ParseDecimal(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText prints the exact value.
func (d Decimal) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func trim(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		return "0"
	}
	return s
}

// Points is a number of points in hundredths: 9.5 points is 950.
type Points int64

// Whole returns n whole points.
func Whole(n int64) Points { return Points(n * 100) }

// PointsOf rounds r half away from zero (half-up in size) to hundredths
// of a point.
func PointsOf(r *big.Rat) Points {
	if n, d := r.Num(), r.Denom(); n.IsInt64() && d.IsInt64() {
		if v, ok := mulDivRound(n.Int64(), 100, d.Int64()); ok {
			return Points(v)
		}
	}
	return pointsRat(r)
}

// pointsRat is PointsOf in big arithmetic.
func pointsRat(r *big.Rat) Points {
	q := money.Round(r, 2)
	v := new(big.Rat).Mul(q, big.NewRat(100, 1))
	return Points(v.Num().Int64())
}

// Times is p × r rounded as PointsOf rounds: PointsOf(p.Rat() × r),
// without building the product when it fits in 64 bits.
func (p Points) Times(r *big.Rat) Points {
	if n, d := r.Num(), r.Denom(); n.IsInt64() && d.IsInt64() {
		if v, ok := mulDivRound(n.Int64(), int64(p), d.Int64()); ok {
			return Points(v)
		}
	}
	return PointsOf(new(big.Rat).Mul(r, p.Rat()))
}

// mulDivRound is a × b ÷ d (d > 0) rounded half away from zero, exactly,
// with the product in 128 bits; ok is false when the result does not fit
// in an int64.
func mulDivRound(a, b, d int64) (int64, bool) {
	if d <= 0 || a == math.MinInt64 || b == math.MinInt64 {
		return 0, false
	}
	neg := (a < 0) != (b < 0)
	hi, lo := bits.Mul64(uint64(abs64(a)), uint64(abs64(b)))
	ud := uint64(d)
	if hi >= ud {
		return 0, false // the quotient needs more than 64 bits
	}
	q, m := bits.Div64(hi, lo, ud)
	if q >= math.MaxInt64 {
		return 0, false
	}
	if m >= ud-m { // 2m ≥ d: the dropped part is at least one half
		q++
	}
	if neg {
		return -int64(q), true
	}
	return int64(q), true
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// ParsePoints reads a number of points with at most two decimals.
func ParsePoints(s string) (Points, error) {
	d, err := ParseDecimal(s)
	if err != nil {
		return 0, err
	}
	if t := strings.TrimSpace(s); strings.HasSuffix(t, "%") || strings.HasSuffix(t, "％") {
		return 0, fmt.Errorf("%q：分值不能带百分号", s)
	}
	r := d.Rat()
	r.Mul(r, big.NewRat(100, 1))
	if !r.IsInt() {
		return 0, fmt.Errorf("%q：分值最多保留两位小数", s)
	}
	if r.Num().BitLen() > 50 {
		return 0, fmt.Errorf("%q：分值过大", s)
	}
	return Points(r.Num().Int64()), nil
}

// Rat returns the points as a rational number of points.
func (p Points) Rat() *big.Rat { return big.NewRat(int64(p), 100) }

// String prints points as officials write them: "97", "9.5", "4.68".
func (p Points) String() string {
	v := int64(p)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	whole, frac := strconv.FormatInt(v/100, 10), v%100
	switch {
	case frac == 0:
		return sign + whole
	case frac%10 == 0:
		return sign + whole + "." + strconv.FormatInt(frac/10, 10)
	case frac < 10:
		return sign + whole + ".0" + strconv.FormatInt(frac, 10)
	}
	return sign + whole + "." + strconv.FormatInt(frac, 10)
}

// UnmarshalText reads points from a data file.
func (p *Points) UnmarshalText(b []byte) error {
	v, err := ParsePoints(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// MarshalText prints points.
func (p Points) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// MarshalJSON writes points as a JSON number, so 97 is 97, not "97".
func (p Points) MarshalJSON() ([]byte, error) { return []byte(p.String()), nil }

// Split divides total into parts proportional to weights, in hundredths,
// so that the parts add up to total exactly (largest remainder: leftover
// hundredths go to the largest fractional parts, earlier ones first on
// ties). Weights must be non-negative with a positive sum.
func Split(total Points, weights []Points) []Points {
	var sum int64
	for _, w := range weights {
		sum += int64(w)
	}
	out := make([]Points, len(weights))
	if sum <= 0 {
		return out
	}
	if splitFits(total, weights) {
		return splitInt(total, weights, sum, out)
	}
	return splitRat(total, weights, sum, out)
}

// splitFits reports whether every product total × weight fits in an
// int64 with room to spare, so that splitInt is exact.
func splitFits(total Points, weights []Points) bool {
	if total <= -1<<31 || total >= 1<<31 {
		return false
	}
	for _, w := range weights {
		if w < 0 || w >= 1<<31 {
			return false
		}
	}
	return true
}

// splitInt is Split in int64 arithmetic: each part's exact share is
// total × weight ÷ sum, all over the same denominator, so the fractional
// parts compare by their remainders.
func splitInt(total Points, weights []Points, sum int64, out []Points) []Points {
	rems := make([]int64, len(weights))
	var used int64
	for i, w := range weights {
		p := int64(total) * int64(w)
		floor := p / sum // truncated, as big.Int's Quo
		out[i] = Points(floor)
		used += floor
		rems[i] = p - floor*sum
	}
	taken := make([]bool, len(weights))
	for left := int64(total) - used; left > 0; left-- {
		best := -1
		for j, r := range rems {
			if !taken[j] && (best < 0 || r > rems[best]) {
				best = j
			}
		}
		out[best]++
		taken[best] = true
	}
	return out
}

// splitRat is Split in big arithmetic.
func splitRat(total Points, weights []Points, sum int64, out []Points) []Points {
	type rem struct {
		i int
		r *big.Rat
	}
	rems := make([]rem, len(weights))
	var used int64
	for i, w := range weights {
		exact := big.NewRat(int64(total)*int64(w), sum)
		floor := new(big.Int).Quo(exact.Num(), exact.Denom())
		out[i] = Points(floor.Int64())
		used += floor.Int64()
		rems[i] = rem{i, new(big.Rat).Sub(exact, new(big.Rat).SetInt(floor))}
	}
	for left := int64(total) - used; left > 0; left-- {
		best := -1
		for j, r := range rems {
			if r.r != nil && (best < 0 || r.r.Cmp(rems[best].r) > 0) {
				best = j
			}
		}
		out[rems[best].i]++
		rems[best].r = nil
	}
	return out
}

// UnmarshalJSON reads points written as a JSON number or a string.
func (p *Points) UnmarshalJSON(b []byte) error { return p.UnmarshalText(unquote(b)) }

// MarshalJSON writes the exact value as a JSON string, so no precision is
// lost to floating point on the way.
func (d Decimal) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(d.String())), nil }

// UnmarshalJSON reads a value written as a JSON number or a string.
func (d *Decimal) UnmarshalJSON(b []byte) error { return d.UnmarshalText(unquote(b)) }

func unquote(b []byte) []byte {
	if len(b) >= 2 && b[0] == '"' {
		if s, err := strconv.Unquote(string(b)); err == nil {
			return []byte(s)
		}
	}
	return b
}

// Fixed prints points with exactly two decimals: "9.50", "97.00".
func (p Points) Fixed() string {
	v := int64(p)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// Whole reports whether the points are a whole number.
func (p Points) Whole() bool { return int64(p)%100 == 0 }
