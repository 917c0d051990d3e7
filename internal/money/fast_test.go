package money

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

// exactDecimal is Decimal computed with big.Rat only: the integer fast
// path must print the same text.
func exactDecimal(r *big.Rat, decimals int) string {
	s := Round(r, decimals).FloatString(decimals)
	if s == "-0" || strings.TrimLeft(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return s
}

func TestDecimalFastPathMatchesExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	edges := []int64{0, 1, -1, 4, 5, -5, 49, 50, -50, 99, 999_999, 1_000_000, -1_000_000, 5_000, 4_999, -5_000, 15_000, -15_000,
		math.MaxInt64, math.MinInt64 + 1, math.MaxInt32, 3308632000}
	dens := []int64{1, 2, 3, 7, 100, 10_000, 1_000_000, 33086320, math.MaxInt64, 999_999_937}
	check := func(n, d int64, dec int) {
		r := big.NewRat(n, d)
		if got, want := Decimal(r, dec), exactDecimal(r, dec); got != want {
			t.Fatalf("Decimal(%d/%d, %d) = %q, want %q", n, d, dec, got, want)
		}
	}
	for _, n := range edges {
		for _, d := range dens {
			for dec := 0; dec <= 10; dec++ {
				check(n, d, dec)
			}
		}
		f := Fen(n)
		if got, want := f.Wan(), exactDecimal(big.NewRat(n, 1_000_000), 2); got != want {
			t.Fatalf("Fen(%d).Wan() = %q, want %q", n, got, want)
		}
	}
	if got, want := Fen(math.MinInt64).Wan(), exactDecimal(big.NewRat(math.MinInt64, 1_000_000), 2); got != want {
		t.Fatalf("MinInt64: %q, want %q", got, want)
	}
	for range 200_000 {
		n := rng.Int64N(1<<40) - 1<<39
		d := rng.Int64N(1<<30) + 1
		check(n, d, rng.IntN(7))
		f := Fen(rng.Int64() >> rng.IntN(63))
		if rng.IntN(2) == 0 {
			f = -f
		}
		if got, want := f.Wan(), exactDecimal(big.NewRat(int64(f), 1_000_000), 2); got != want {
			t.Fatalf("Fen(%d).Wan() = %q, want %q", f, got, want)
		}
	}
	// Beyond int64: the exact path.
	huge, _ := new(big.Rat).SetString("123456789012345678901234567890/7")
	if got, want := Decimal(huge, 2), exactDecimal(huge, 2); got != want {
		t.Fatalf("huge: %q, want %q", got, want)
	}
}
