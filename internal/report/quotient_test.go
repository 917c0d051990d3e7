package report

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestQuotientIsRatFloat64: the float64 division behind numeric cells is
// the nearest float64 that big.Rat's Float64 gives, in and past the range
// where both operands are exact.
func TestQuotientIsRatFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ns := []int64{0, 1, -1, 5, 950, 10000, -333, 1<<53 - 1, 1 << 53, -(1 << 53), 1<<62 + 12345, math.MaxInt64, math.MinInt64 + 1}
	for range 5000 {
		ns = append(ns, rng.Int64N(2_000_000_000_000)-1_000_000_000_000, rng.Int64())
	}
	for _, n := range ns {
		for _, d := range []int64{1, 3, 100, 1_000_000, 1<<53 + 1} {
			want, _ := big.NewRat(n, d).Float64()
			if got := quotient(n, d); got != want {
				t.Fatalf("quotient(%d, %d) = %v, big.Rat gives %v", n, d, got, want)
			}
		}
	}
}
