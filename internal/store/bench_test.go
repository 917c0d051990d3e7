package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/jixiao/jixiao/internal/cputime"
	"github.com/jixiao/jixiao/internal/money"
)

// benchProjects is how many projects each generated department-year has.
const benchProjects = 20

// benchEntries makes n department-years of 20 projects each from the
// Tianhe example (its 9 projects repeated under new names and codes),
// scored once and shared.
func benchEntries(b testing.TB, n int) []Entry {
	base := loadExample(b, tianhePath)
	ev := clone(b, base)
	ev.Projects = nil
	for i := range benchProjects {
		p := clone(b, base).Projects[i%len(base.Projects)]
		p.Name = fmt.Sprintf("%s（%d）", p.Name, i+1)
		p.Code = fmt.Sprintf("P%03d", i+1)
		p.Executed -= money.Fen(i * 100)
		ev.Projects = append(ev.Projects, p)
	}
	tmpl := entry(b, ev, "")
	out := make([]Entry, n)
	for i := range out {
		v := *tmpl.Evaluation
		v.Department.Code = fmt.Sprintf("7%06d", i)
		v.Department.Name = fmt.Sprintf("基准测试单位%06d", i)
		e := tmpl
		e.Evaluation, e.Source = &v, fmt.Sprintf("bench/%06d.yaml", i)
		out[i] = e
	}
	return out
}

func benchN(b *testing.B) int {
	if s := os.Getenv("JIXIAO_BENCH_N"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("JIXIAO_BENCH_N=%q", s)
		}
		return n
	}
	return 300
}

// BenchmarkImport imports N department-years (JIXIAO_BENCH_N, default 300)
// of 20 projects each into an empty database with Store.Import, and inserts
// the same department, department-year (same JSON) and project rows into
// another empty database the fastest plain way the driver offers (prepared
// INSERTs in one transaction on SQLite, COPY on PostgreSQL, the JSON
// encoded beforehand). It reports both rates and their ratio; only the two
// inserts are timed.
func BenchmarkImport(b *testing.B) {
	n := benchN(b)
	entries := benchEntries(b, n)
	for _, be := range backends() {
		b.Run(fmt.Sprintf("%s/N=%d", be.name, n), func(b *testing.B) {
			var storeTime, rawTime time.Duration
			var storeRows, rawRows int
			for range b.N {
				s := open(b, be.dsn(b))
				start := time.Now()
				sum, err := s.Import(context.Background(), entries, "bench", "")
				storeTime += time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				if sum.Created != n {
					b.Fatalf("created %d", sum.Created)
				}
				for _, tb := range tables {
					storeRows += count(b, s, tb)
				}
				s.Close()

				raw := open(b, be.dsn(b))
				d, rows := rawInsert(b, raw, entries)
				rawTime += d
				rawRows += rows
				raw.Close()
			}
			total := float64(n * b.N)
			storeRate, rawRate := total/storeTime.Seconds(), total/rawTime.Seconds()
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(storeRate, "store_dy/s")
			b.ReportMetric(float64(storeRows)/storeTime.Seconds(), "store_rows/s")
			b.ReportMetric(rawRate, "raw_dy/s")
			b.ReportMetric(float64(rawRows)/rawTime.Seconds(), "raw_rows/s")
			b.ReportMetric(storeRate/rawRate, "store/raw")
		})
	}
}

// rawInsert writes the rows an import of entries writes (but history) with
// the driver alone, and returns the time taken and the rows written.
func rawInsert(b *testing.B, s *Store, entries []Entry) (time.Duration, int) {
	ctx := context.Background()
	// Prepared outside the timing: the JSON documents and every row.
	fw, pfw := entries[0].Framework, entries[0].ProjectFramework
	fwRows := [][]any{
		{int64(1), fw.ID, fw.Version, "sha-1", string(fw.Source)},
		{int64(2), pfw.ID, pfw.Version, "sha-2", string(pfw.Source)},
	}
	var depts, dys, projects [][]any
	now := time.Now().UTC()
	for i, e := range entries {
		id := int64(i + 1)
		data, err := json.Marshal(e.Evaluation)
		if err != nil {
			b.Fatal(err)
		}
		depts = append(depts, []any{id, e.Evaluation.Department.Code, e.Evaluation.Department.Name})
		dys = append(dys, append([]any{id, id, e.Evaluation.Year, int64(1), int64(2), string(data), int64(e.Result.Total), e.Result.Grade, 1, e.Source, now, now},
			summaryArgs(e.Evaluation)...))
		projects = appendProjectRows(projects, id, e.Evaluation, e.Result)
	}
	fwCols := []string{"id", "framework_id", "version", "sha256", "content"}
	deptCols := []string{"id", "code", "name"}
	dyCols := append([]string{"id", "department_id", "year", "framework_version_id", "project_framework_version_id", "data",
		"total", "grade", "version", "source", "created_at", "updated_at"}, summaryColumns...)
	rows := len(fwRows) + len(depts) + len(dys) + len(projects)

	conn, err := s.db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	if s.Dialect() == Postgres {
		err = conn.Raw(func(dc any) error {
			c := dc.(*stdlib.Conn).Conn()
			tx, err := c.Begin(ctx)
			if err != nil {
				return err
			}
			defer tx.Rollback(ctx)
			for _, t := range []struct {
				name string
				cols []string
				rows [][]any
			}{{"framework_versions", fwCols, fwRows}, {"departments", deptCols, depts}, {"department_years", dyCols, dys}, {"projects", projectColumns, projects}} {
				if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
					return err
				}
			}
			return tx.Commit(ctx)
		})
	} else {
		err = rawSQLite(ctx, conn, []string{"framework_versions", "departments", "department_years", "projects"},
			[][]string{fwCols, deptCols, dyCols, projectColumns}, [][][]any{fwRows, depts, dys, projects})
	}
	d := time.Since(start)
	if err != nil {
		b.Fatal(err)
	}
	return d, rows
}

func rawSQLite(ctx context.Context, conn *sql.Conn, tables []string, cols [][]string, rows [][][]any) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for i, table := range tables {
		q := "INSERT INTO " + table + " (" + joinCols(cols[i]) + ") VALUES (" + placeholders(len(cols[i])) + ")"
		stmt, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		for _, r := range rows[i] {
			if _, err := stmt.ExecContext(ctx, r...); err != nil {
				stmt.Close()
				return err
			}
		}
		stmt.Close()
	}
	return tx.Commit()
}

func joinCols(cols []string) string {
	out := ""
	for i, c := range cols {
		if i > 0 {
			out += ", "
		}
		out += c
	}
	return out
}

// BenchmarkOpenYears opens the next year of N department-years
// (JIXIAO_BENCH_N, default 300) of 20 projects each in one OpenYears
// call; only the opening is timed.
func BenchmarkOpenYears(b *testing.B) {
	n := benchN(b)
	entries := benchEntries(b, n)
	reqs := make([]OpenRequest, n)
	for i, e := range entries {
		reqs[i] = OpenRequest{Code: e.Evaluation.Department.Code, Year: e.Evaluation.Year + 1}
	}
	for _, be := range backends() {
		b.Run(fmt.Sprintf("%s/N=%d", be.name, n), func(b *testing.B) {
			var d, cpu time.Duration
			for range b.N {
				s := open(b, be.dsn(b))
				if _, err := s.Import(context.Background(), entries, "bench", ""); err != nil {
					b.Fatal(err)
				}
				start, startCPU := time.Now(), cputime.Used()
				if _, err := s.OpenYears(context.Background(), reqs, "bench", ""); err != nil {
					b.Fatal(err)
				}
				d += time.Since(start)
				cpu += cputime.Used() - startCPU
				s.Close()
			}
			// The CPU time is this process's (for PostgreSQL, the
			// server's work is not in it): on a shared machine it says
			// more than the wall time.
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(d.Seconds()/float64(b.N), "s/open")
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu_s/open")
			b.ReportMetric(float64(n*b.N)/d.Seconds(), "dy/s")
		})
	}
}
