package evaluation_test

import (
	"testing"

	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/gen"
)

// BenchmarkQuality runs the built-in target-quality checks over 3,000
// generated declarations of 20 projects each (issue 11's measure: under
// 10 s on two cores). One op is the whole set, checked one after another.
func BenchmarkQuality(b *testing.B) {
	evs := gen.Province(gen.Options{Departments: 1000, Years: 3, Projects: 20, Seed: 7})
	if len(evs) != 3000 {
		b.Fatalf("%d declarations", len(evs))
	}
	q := datafile.DefaultQuality()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		for _, ev := range evs {
			n += len(ev.Quality(q))
		}
		if n == 0 {
			b.Fatal("no findings on generated declarations")
		}
	}
}
