package monitor

import (
	"fmt"
	"testing"

	"github.com/jixiao/jixiao/internal/money"
)

// BenchmarkUnitStatus computes the July status of 3,000 units of 20
// projects each (63,000 lines), as a province's warnings refresh does
// after reading the payments: one op is the whole province.
func BenchmarkUnitStatus(b *testing.B) {
	const units, projects = 3000, 20
	us := make([]Unit, units)
	curves := make([]map[Key]*[12]money.Fen, units)
	for i := range us {
		u := Unit{Code: fmt.Sprintf("U%04d", i), Initial: money.Yuan(20_000_000)}
		c := map[Key]*[12]money.Fen{}
		for j := range projects {
			code := fmt.Sprintf("U%04d-%02d", i, j)
			u.Projects = append(u.Projects, UnitProject{Code: code, Initial: money.Yuan(500_000)})
			var curve [12]money.Fen
			for m := range curve {
				curve[m] = money.Fen(1_000_000 + (i*7+j*13+m*31)%500_000)
			}
			c[Key{Unit: u.Code, Project: code}] = &curve
		}
		us[i], curves[i] = u, c
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for i := range us {
			if _, err := us[i].Status(curves[i], 7, Schedule{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
