// Package money holds amounts as integer fen (分, 0.01 yuan) and turns them
// into the figures reports print: 万元 with two decimals, shares with two
// decimals and growth with one, all rounded half-up (away from zero).
//
// No arithmetic on amounts goes through floating point: sums are integer
// additions and every ratio is an exact rational rounded once, at display.
package money

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"strings"
)

// Fen is an amount of money in fen (0.01 yuan).
type Fen int64

// Yuan returns n whole yuan.
func Yuan(n int64) Fen { return Fen(n * 100) }

// MaxAmount is the largest amount, positive or negative, that any single
// figure may hold: 1 万亿元 (10^12 yuan). No department's budget, final
// account, project or contract comes near it (a whole province's general
// public budget is of that order), so a larger figure is a typing or file
// error. Bounding every amount keeps every sum jixiao computes far from
// the int64 range: even 90,000 amounts at the ceiling add up without
// overflow, and Add and Sum check all the same.
const MaxAmount Fen = 100_000_000_000_000

// ErrOverflow is returned when a sum of amounts leaves the int64 range.
var ErrOverflow = errors.New("金额合计超出可计算范围")

// Add returns a+b, or ErrOverflow when the sum does not fit in int64.
func Add(a, b Fen) (Fen, error) {
	s := a + b
	// Overflow happened when both operands have the same sign and the
	// sum's sign differs.
	if (a >= 0) == (b >= 0) && (s >= 0) != (a >= 0) {
		return 0, ErrOverflow
	}
	return s, nil
}

// Sum adds amounts with overflow checked.
func Sum(vs ...Fen) (Fen, error) {
	var t Fen
	for _, v := range vs {
		var err error
		if t, err = Add(t, v); err != nil {
			return 0, err
		}
	}
	return t, nil
}

// MustSum adds amounts that have passed validation (every amount within
// MaxAmount and the amounts of one record few enough that their sum fits:
// evaluation.Validate checks both). An overflow here means validation was
// skipped, a programming error, and it panics rather than print a wrong
// figure.
func MustSum(vs ...Fen) Fen {
	t, err := Sum(vs...)
	if err != nil {
		panic(fmt.Sprintf("money: sum of %d amounts overflows; the data was not validated", len(vs)))
	}
	return t
}

// InRange reports whether an amount is within ±MaxAmount.
func InRange(f Fen) bool { return f >= -MaxAmount && f <= MaxAmount }

// unit is a suffix officials write after a number, and how many fen one of
// it is worth.
type unit struct {
	suffix string
	fen    int64
	digits int // decimals that still resolve to whole fen
}

// Longest suffixes first, so that "万元" wins over "元".
var units = []unit{
	{"亿元", 10_000_000_000, 10},
	{"万元", 1_000_000, 6},
	{"亿", 10_000_000_000, 10},
	{"万", 1_000_000, 6},
	{"元", 100, 2},
}

// ParseError explains why a text is not an amount.
type ParseError struct {
	Input  string
	Reason string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("金额 %q 无法识别：%s", e.Input, e.Reason)
}

// Parse reads an amount as officials type it: "27,537,760.00",
// "33086320元", "2753.78万元", "3,308.63 万元", "-12.5", "¥1,000". Without
// a unit the amount is in yuan. Thousands separators, if used, must group
// by three. An amount finer than one fen (e.g. "1.005元") is an error, not
// a rounding: ledgers are kept to the fen.
func Parse(s string) (Fen, error) { return parse(s, yuanUnit) }

// WanUnit and YuanUnit name the units ParseIn reads an amount typed without
// one in.
const (
	WanUnit  = "万元"
	YuanUnit = "元"
)

var yuanUnit = unit{"元", 100, 2}

// ParseIn is Parse with def (WanUnit or YuanUnit) the unit of an amount
// typed without one: for a form whose user chose to type 万元, "3308.63"
// is 33,086,300.00 yuan; an amount typed with a unit ("27,537,760.00元")
// is read in that unit whatever def is.
func ParseIn(s, def string) (Fen, error) {
	if def == WanUnit {
		return parse(s, units[1])
	}
	return parse(s, yuanUnit)
}

func parse(s string, u unit) (Fen, error) {
	fail := func(reason string) (Fen, error) { return 0, &ParseError{Input: s, Reason: reason} }
	t := normalize(s)
	if t == "" {
		return fail("空值")
	}
	for _, cand := range units {
		if strings.HasSuffix(t, cand.suffix) {
			u = cand
			t = strings.TrimSpace(strings.TrimSuffix(t, cand.suffix))
			break
		}
	}
	t = strings.TrimPrefix(t, "¥")
	neg := false
	switch {
	case strings.HasPrefix(t, "-"):
		neg, t = true, t[1:]
	case strings.HasPrefix(t, "+"):
		t = t[1:]
	}
	intPart, frac, hasDot := strings.Cut(t, ".")
	if intPart == "" {
		return fail("缺少整数部分")
	}
	if hasDot && frac == "" {
		return fail("小数点后缺少数字")
	}
	digits, err := ungroup(intPart)
	if err != "" {
		return fail(err)
	}
	for _, r := range frac {
		if r < '0' || r > '9' {
			return fail(fmt.Sprintf("小数部分含非数字字符 %q", r))
		}
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > u.digits {
		return fail(fmt.Sprintf("精度超过 1 分（以%s为单位最多 %d 位小数）", u.suffix, u.digits))
	}
	// value in fen = (int + frac/10^len) * u.fen; u.fen/10^len is whole
	// because len(frac) <= u.digits.
	var total uint64
	for _, r := range digits {
		if total > (math.MaxInt64-9)/10 {
			return fail("数值过大")
		}
		total = total*10 + uint64(r-'0')
	}
	hi, lo := bits.Mul64(total, uint64(u.fen))
	if hi != 0 || lo > math.MaxInt64 {
		return fail("数值过大")
	}
	sum := lo
	if frac != "" {
		scale := uint64(u.fen)
		var f uint64
		for _, r := range frac {
			f = f*10 + uint64(r-'0')
			scale /= 10
		}
		add := f * scale
		if sum > math.MaxInt64-add {
			return fail("数值过大")
		}
		sum += add
	}
	v := Fen(sum)
	if neg {
		v = -v
	}
	if !InRange(v) {
		return fail("超过单项金额上限 1 万亿元")
	}
	return v, nil
}

// normalize trims spaces, maps full-width digits and punctuation to ASCII
// and drops the "人民币" prefix, so that text pasted from Word parses.
func normalize(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '０' && r <= '９':
			r = '0' + (r - '０')
		case r == '，':
			r = ','
		case r == '．':
			r = '.'
		case r == '－' || r == '−':
			r = '-'
		case r == '￥':
			r = '¥'
		case r == ' ' || r == '\u3000' || r == '\t':
			continue
		}
		b.WriteRune(r)
	}
	return strings.TrimPrefix(b.String(), "人民币")
}

// ungroup checks the integer part's digits and thousands separators and
// returns the digits alone, or a reason it is not a number.
func ungroup(s string) (string, string) {
	if !strings.Contains(s, ",") {
		for _, r := range s {
			if r < '0' || r > '9' {
				return "", fmt.Sprintf("含非数字字符 %q", r)
			}
		}
		return s, ""
	}
	groups := strings.Split(s, ",")
	for i, g := range groups {
		if (i == 0 && (len(g) < 1 || len(g) > 3)) || (i > 0 && len(g) != 3) {
			return "", "千位分隔符位置不正确"
		}
		for _, r := range g {
			if r < '0' || r > '9' {
				return "", fmt.Sprintf("含非数字字符 %q", r)
			}
		}
	}
	return strings.Join(groups, ""), ""
}

// String prints the amount in yuan with two decimals and no separators,
// the form data files use: "33086320.00".
func (f Fen) String() string {
	sign := ""
	u := uint64(f)
	if f < 0 {
		sign, u = "-", uint64(-f)
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

// YuanText prints the amount in yuan with thousands separators and two
// decimals, as ledgers do: "33,086,320.00".
func (f Fen) YuanText() string {
	s := f.String()
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	return sign + group(whole) + "." + frac
}

func group(d string) string {
	if len(d) <= 3 {
		return d
	}
	head := len(d) % 3
	if head == 0 {
		head = 3
	}
	var b strings.Builder
	b.WriteString(d[:head])
	for i := head; i < len(d); i += 3 {
		b.WriteByte(',')
		b.WriteString(d[i : i+3])
	}
	return b.String()
}

// Wan prints the amount in 万元 with two decimals, rounded half-up:
// 33086320.00 yuan is "3308.63".
func (f Fen) Wan() string {
	if f > math.MinInt64 {
		// Hundredths of 万元, rounded half away from zero, in integers:
		// what Decimal gives for f ÷ 1,000,000, without a big.Rat.
		return fixedInt(roundDiv(int64(f), 10_000), 2)
	}
	return Decimal(big.NewRat(int64(f), 1_000_000), 2)
}

// WanExact prints the amount in 万元 exactly, with as many decimals as it
// needs (at most six, one fen): 33086320.00 yuan is "3308.632", 100 yuan
// "0.01". ParseIn(f.WanExact(), WanUnit) is f again.
func (f Fen) WanExact() string {
	s := new(big.Rat).SetFrac64(int64(f), 1_000_000).FloatString(6)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// WanShort prints the amount in 万元 without trailing zeros: 1,000,000
// yuan is "100", 865,000 yuan "86.5".
func (f Fen) WanShort() string {
	s := f.Wan()
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// Decimal prints r rounded half away from zero to the given decimals.
func Decimal(r *big.Rat, decimals int) string {
	if s, ok := decimalInt(r, decimals); ok {
		return s
	}
	s := Round(r, decimals).FloatString(decimals)
	if s == "-0" || strings.TrimLeft(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return s
}

// decimalInt is Decimal in int64 arithmetic, for the rationals whose
// numerator and denominator are small enough that nothing overflows (all
// amounts and scores in practice); ok is false otherwise.
func decimalInt(r *big.Rat, decimals int) (string, bool) {
	if decimals < 0 || decimals > 9 || !r.Num().IsInt64() || !r.Denom().IsInt64() {
		return "", false
	}
	n, d := r.Num().Int64(), r.Denom().Int64()
	scale := pow10s[decimals]
	if n > math.MaxInt64/scale || n < -math.MaxInt64/scale || d > math.MaxInt64/2 {
		return "", false
	}
	return fixedInt(roundDiv(n*scale, d), decimals), true
}

var pow10s = [...]int64{1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000}

// roundDiv is n ÷ d (d > 0) rounded half away from zero; n > MinInt64.
func roundDiv(n, d int64) int64 {
	neg := n < 0
	if neg {
		n = -n
	}
	q, m := n/d, n%d
	if m >= d-m { // 2m ≥ d without overflow
		q++
	}
	if neg {
		return -q
	}
	return q
}

// fixedInt prints v ÷ 10^decimals with exactly decimals digits after the
// point, as big.Rat's FloatString does; zero has no sign.
func fixedInt(v int64, decimals int) string {
	var buf [24]byte
	i := len(buf)
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-v)
	}
	for k := 0; k < decimals; k++ {
		i--
		buf[i] = byte('0' + u%10)
		u /= 10
	}
	if decimals > 0 {
		i--
		buf[i] = '.'
	}
	for {
		i--
		buf[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}

// Round returns r rounded half away from zero to the given decimals.
func Round(r *big.Rat, decimals int) *big.Rat {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil)
	n := new(big.Int).Mul(r.Num(), scale)
	d := r.Denom()
	q, m := new(big.Int).QuoRem(n, d, new(big.Int))
	// |m|*2 >= d means the dropped part is at least one half.
	m.Abs(m).Lsh(m, 1)
	if m.Cmp(d) >= 0 {
		if n.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return new(big.Rat).SetFrac(q, scale)
}

// ErrZeroBase is returned for a share or growth whose base is zero.
var ErrZeroBase = errors.New("基数为零，无法计算比例")

// Ratio returns part/whole as an exact rational.
func Ratio(part, whole Fen) (*big.Rat, error) {
	if whole == 0 {
		return nil, ErrZeroBase
	}
	return big.NewRat(int64(part), int64(whole)), nil
}

// Share returns part/whole as a percentage with two decimals and no sign,
// as reports print shares: 27537760 of 33086320 is "83.23".
func Share(part, whole Fen) (string, error) {
	r, err := Ratio(part, whole)
	if err != nil {
		return "", err
	}
	return Decimal(r.Mul(r, big.NewRat(100, 1)), 2), nil
}

// Growth returns (cur-prev)/prev as a percentage with one decimal, signed
// only when negative: 3308.63 on 2898.00 is "14.2".
func Growth(cur, prev Fen) (string, error) {
	r, err := Ratio(cur-prev, prev)
	if err != nil {
		return "", err
	}
	return Decimal(r.Mul(r, big.NewRat(100, 1)), 1), nil
}

// Percent trims a percentage printed with fixed decimals when it is whole,
// as officials write "100%" rather than "100.00%".
func Percent(s string) string {
	if i := strings.IndexByte(s, '.'); i >= 0 && strings.Trim(s[i+1:], "0") == "" {
		return s[:i]
	}
	return s
}

// UnmarshalText reads an amount from a data file, in any form Parse takes.
func (f *Fen) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*f = v
	return nil
}

// MarshalText writes the amount in yuan with two decimals.
func (f Fen) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalJSON reads an amount written as a string ("33086320.00",
// "3308.63万元") or as a JSON number of yuan (33086320.00). A number is
// read from its text, never through a float.
func (f *Fen) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) >= 2 && s[0] == '"' {
		var err error
		if s, err = strconv.Unquote(s); err != nil {
			return err
		}
	}
	return f.UnmarshalText([]byte(s))
}
