// Command rawload is the baseline of bench/monitoring.sh: it loads a
// generated payment ledger (CSV) into the payments table the plainest
// way each engine offers, with no checks beyond parsing: pgx COPY
// straight into the year's partition (PostgreSQL), or multi-row INSERTs
// of 500 rows in one transaction (SQLite). jixiao's own import of the
// same file is measured against it.
//
//	go run ./bench/rawload --db DSN --csv payments.csv
package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jixiao/jixiao/internal/money"
	_ "modernc.org/sqlite"
)

func main() {
	dsn := flag.String("db", "", "postgres://… or a SQLite file (already migrated)")
	path := flag.String("csv", "", "generated ledger")
	flag.Parse()
	if err := run(*dsn, *path); err != nil {
		fmt.Fprintln(os.Stderr, "rawload:", err)
		os.Exit(1)
	}
}

// reader reads ledger lines into the payments columns (import_id 0).
// A line repeating the previous line's voucher is skipped: the generated
// ledger's repeated vouchers follow the line they repeat, and a raw load
// has no other way past the primary key.
type reader struct {
	cr   *csv.Reader
	val  []any
	prev string
	err  error
}

func (r *reader) Next() bool {
	rec, err := r.cr.Read()
	for err == nil && rec[7] == r.prev {
		rec, err = r.cr.Read()
	}
	if err != nil {
		if err != io.EOF {
			r.err = err
		}
		return false
	}
	r.prev = strings.Clone(rec[7])
	amount, err := money.Parse(rec[6])
	if err != nil {
		r.err = err
		return false
	}
	year, _ := strconv.Atoi(rec[0][:4])
	paid, _ := time.Parse("2006-01-02", rec[0])
	r.val = []any{year, paid, rec[1], rec[2], rec[3], rec[4], rec[5], int64(amount), rec[7], rec[8], rec[9], int64(0)}
	return true
}

func (r *reader) Values() ([]any, error) { return r.val, nil }
func (r *reader) Err() error             { return r.err }

var cols = []string{"year", "paid_on", "unit_code", "project_code", "functional_class", "economic_class", "fund_type", "amount", "voucher", "payee", "memo", "import_id"}

func run(dsn, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.ReuseRecord = true
	if _, err := cr.Read(); err != nil { // header
		return err
	}
	r := &reader{cr: cr}
	ctx := context.Background()
	start := time.Now()
	var n int64
	if strings.HasPrefix(dsn, "postgres") {
		n, err = loadPostgres(ctx, dsn, r)
	} else {
		n, err = loadSQLite(ctx, dsn, r)
	}
	if err != nil {
		return err
	}
	if r.err != nil {
		return r.err
	}
	d := time.Since(start)
	fmt.Printf("rawload: %d rows in %.2f s (%.0f rows/s)\n", n, d.Seconds(), float64(n)/d.Seconds())
	return nil
}

// loadPostgres copies into the partition of the ledger's year (the
// generated ledger has one year), created first if missing, in one
// transaction.
func loadPostgres(ctx context.Context, dsn string, r *reader) (int64, error) {
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return 0, err
	}
	defer c.Close(ctx)
	tx, err := c.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	if !r.Next() {
		return 0, r.err
	}
	first := append([]any(nil), r.val...)
	year := first[0].(int)
	part := fmt.Sprintf("payments_%d", year)
	if _, err := tx.Exec(ctx, fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s PARTITION OF payments FOR VALUES IN (%d)", part, year)); err != nil {
		return 0, err
	}
	src := &prepend{first: first, r: r}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{part}, cols, src)
	if err != nil {
		return 0, err
	}
	return n, tx.Commit(ctx)
}

type prepend struct {
	first []any
	r     *reader
	used  bool
	cur   []any
}

func (p *prepend) Next() bool {
	if !p.used {
		p.used, p.cur = true, p.first
		return true
	}
	if !p.r.Next() {
		return false
	}
	p.cur = p.r.val
	return true
}
func (p *prepend) Values() ([]any, error) { return p.cur, nil }
func (p *prepend) Err() error             { return p.r.err }

func loadSQLite(ctx context.Context, path string, r *reader) (int64, error) {
	// The same page cache as jixiao's import uses (32 MB).
	db, err := sql.Open("sqlite", path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-32768)&_txlock=immediate")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	const batch = 500
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	head := "INSERT INTO payments (" + strings.Join(cols, ", ") + ") VALUES "
	full, err := tx.PrepareContext(ctx, head+strings.TrimSuffix(strings.Repeat(one+",", batch), ","))
	if err != nil {
		return 0, err
	}
	var n int64
	args := make([]any, 0, batch*len(cols))
	k := 0
	for r.Next() {
		v := r.val
		v[1] = v[1].(time.Time).Format("2006-01-02")
		args = append(args, v...)
		n++
		if k++; k == batch {
			if _, err := full.ExecContext(ctx, args...); err != nil {
				return 0, err
			}
			args, k = args[:0], 0
		}
	}
	if k > 0 {
		if _, err := tx.ExecContext(ctx, head+strings.TrimSuffix(strings.Repeat(one+",", k), ","), args...); err != nil {
			return 0, err
		}
	}
	return n, tx.Commit()
}
