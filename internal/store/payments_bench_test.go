package store

import (
	"context"
	"io"
	"os"
	"testing"

	"github.com/jixiao/jixiao/internal/gen"
	"github.com/jixiao/jixiao/internal/ledger"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/monitor"
)

// BenchmarkPaidByMonth sums a year's payments by unit, project and month
// (Store.PaidByMonth), then computes execution to July for every curve,
// beside the bare GROUP BY on the same engine. JIXIAO_BENCH_DB names a
// store already holding a 2024 ledger (bench/monitoring.sh sets it);
// without it a SQLite store of 20 generated units and 200,000 payments is
// made first.
func BenchmarkPaidByMonth(b *testing.B) {
	ctx := context.Background()
	dsn := os.Getenv("JIXIAO_BENCH_DB")
	var s *Store
	if dsn != "" {
		s = open(b, dsn)
	} else {
		s = benchLedger(b, 20, 200_000)
	}
	month := `CAST(substr(paid_on, 6, 2) AS INTEGER)`
	if s.Dialect() == Postgres {
		month = `CAST(EXTRACT(MONTH FROM paid_on) AS INTEGER)`
	}
	raw := `SELECT unit_code, project_code, ` + month + ` AS m, SUM(amount) FROM payments WHERE year = 2024 GROUP BY unit_code, project_code, m`
	b.Run("raw-group-by", func(b *testing.B) {
		for range b.N {
			rows, err := s.db.QueryContext(ctx, s.rebind(raw))
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for rows.Next() {
				var u, p string
				var m int
				var v any
				rows.Scan(&u, &p, &m, &v)
				n++
			}
			rows.Close()
			b.ReportMetric(float64(n), "groups")
		}
	})
	b.Run("paid-by-month+execution", func(b *testing.B) {
		for range b.N {
			paid, err := s.PaidByMonth(ctx, 2024, "")
			if err != nil {
				b.Fatal(err)
			}
			curves, err := monitor.Curves(paid, false)
			if err != nil {
				b.Fatal(err)
			}
			for _, c := range curves {
				if _, err := monitor.Execution(monitor.Budget{Initial: money.Yuan(1_000_000)}, *c, 7, monitor.Schedule{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(paid)), "groups")
		}
	})
}

// benchLedger makes a SQLite store of a generated province with a ledger
// of n payments for 2024.
func benchLedger(b *testing.B, units, n int) *Store {
	b.Helper()
	s := open(b, b.TempDir()+"/bench.db")
	evs := gen.Province(gen.Options{Departments: units, Years: 1, FirstYear: 2024, Projects: 20, Seed: 1})
	var entries []Entry
	for _, ev := range evs {
		entries = append(entries, entry(b, ev, ev.Department.Code))
	}
	if _, err := s.Import(context.Background(), entries, "bench", "bench"); err != nil {
		b.Fatal(err)
	}
	pr, pw := io.Pipe()
	go func() {
		_, err := gen.Payments(pw, evs, n, 1)
		pw.CloseWithError(err)
	}()
	r, err := ledger.Open("bench.csv", pr)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.ImportPayments(context.Background(), "bench.csv", r, "bench"); err != nil {
		b.Fatal(err)
	}
	return s
}
