package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/monitor"
)

// PaymentRows streams the payments of one file (ledger.Reader is one).
// Next returns false at the end; Err is then nil when every row was good,
// else the file's problems, and nothing of the file is stored. Digest is
// the file's SHA-256 once Next has returned false.
type PaymentRows interface {
	Next() bool
	Payment() monitor.Payment
	Err() error
	Digest() string
}

// PaymentImport is what importing one file did.
type PaymentImport struct {
	ID    int64 // the payment_imports row
	File  string
	Rows  int   // payments read
	Added int   // new payments stored
	Years []int // years the file's payments fall in
	// Earlier lists earlier imports of a file with the same content.
	Earlier []int64
}

// Skipped is how many payments were not stored because their voucher was
// stored already (or came twice in the file).
func (p *PaymentImport) Skipped() int { return p.Rows - p.Added }

// UnknownCode is a unit or project code of a file the store does not know,
// with the rows that carry it.
type UnknownCode struct {
	Unit, Project string
	Year          int
	FirstLine     int
	Rows          int
	UnitKnown     bool // the unit is registered (so the project is not in its year)
	YearStored    bool // the unit's year is stored
}

func (u UnknownCode) String() string {
	where := fmt.Sprintf("第 %d 行", u.FirstLine)
	if u.Rows > 1 {
		where = fmt.Sprintf("第 %d 行起 %d 条", u.FirstLine, u.Rows)
	}
	switch {
	case !u.UnitKnown:
		return fmt.Sprintf("%s：预算单位编码“%s”未登记（请先导入该单位的年度数据或由管理员登记部门）", where, u.Unit)
	case !u.YearStored:
		return fmt.Sprintf("%s：项目编码“%s”无法核对：预算单位 %s 的 %d 年度数据未入库", where, u.Project, u.Unit, u.Year)
	}
	return fmt.Sprintf("%s：预算单位 %s 的 %d 年度没有项目编码“%s”", where, u.Unit, u.Year, u.Project)
}

// maxUnknown is how many unknown codes an error lists.
const maxUnknown = 200

// PaymentImportError is a refused file: the reader's problems, the codes
// the store does not know, or both. Nothing of the file was stored.
type PaymentImportError struct {
	File    string
	Read    error // the reader's error (a *ledger.Error), or nil
	Unknown []UnknownCode
	// UnknownTotal counts every unknown code, listed or not.
	UnknownTotal int
}

func (e *PaymentImportError) Error() string {
	var b strings.Builder
	if e.Read != nil {
		b.WriteString(e.Read.Error())
	}
	if e.UnknownTotal > 0 {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s：%d 处单位或项目编码未登记，整个文件未导入（不按相近编码猜测）", e.File, e.UnknownTotal)
		for _, u := range e.Unknown {
			fmt.Fprintf(&b, "\n  %s：%s", e.File, u)
		}
		if more := e.UnknownTotal - len(e.Unknown); more > 0 {
			fmt.Fprintf(&b, "\n  另有 %d 处未列出", more)
		}
	}
	return b.String()
}

// Unwrap gives the error's code (the file cannot be imported as given)
// and the reader's error, whose cause may be a failure to read the file.
func (e *PaymentImportError) Unwrap() []error {
	out := []error{&apperr.Error{Code: apperr.EINVALID, Message: e.Error()}}
	if e.Read != nil {
		out = append(out, e.Read)
	}
	return out
}

// stagingCols are the columns of the staging table a file is loaded into
// before it is checked and added: the payment's and its line.
var stagingCols = []string{"line", "year", "paid_on", "unit_code", "project_code", "functional_class", "economic_class", "fund_type", "amount", "voucher", "payee", "memo"}

// paymentCols are the stored columns a staged payment fills.
var paymentCols = stagingCols[1:]

// ImportPayments stores the payments of one file, in one transaction: all
// or nothing. The rows are streamed into a staging table (COPY on
// PostgreSQL, batched multi-row inserts on SQLite), so memory does not
// grow with the file; then the unit codes (registered departments) and
// project codes (a project of that unit's stored year) are checked in SQL
// and every unknown one is listed; then the payments are added, a voucher
// already stored adding nothing. A PostgreSQL partition for a new year is
// created in the same transaction. The file is recorded in
// payment_imports with its SHA-256 and who imported it.
func (s *Store) ImportPayments(ctx context.Context, file string, rows PaymentRows, actor string) (*PaymentImport, error) {
	if err := checkImporter(file, actor); err != nil {
		return nil, err
	}
	res := &PaymentImport{File: file}
	err := s.withTx(ctx, func(tx *txn) error {
		years := map[int]bool{}
		src := &stagingSource{rows: rows, years: years}
		if err := tx.stagePayments(ctx, src); err != nil {
			return err
		}
		readErr := rows.Err()
		res.Rows = src.n
		for y := range years {
			res.Years = append(res.Years, y)
		}
		slices.Sort(res.Years)
		unknown, total, err := tx.unknownCodes(ctx)
		if err != nil {
			return err
		}
		if readErr != nil || total > 0 {
			return &PaymentImportError{File: file, Read: readErr, Unknown: unknown, UnknownTotal: total}
		}
		if err := tx.ensurePartitions(ctx, res.Years); err != nil {
			return err
		}
		digest := rows.Digest()
		if res.Earlier, err = tx.earlierImports(ctx, digest); err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `INSERT INTO payment_imports (file, sha256, row_count, added, actor, at) VALUES (?, ?, ?, 0, ?, ?) RETURNING id`,
			file, digest, res.Rows, actor, s.now()).Scan(&res.ID); err != nil {
			return err
		}
		cols := strings.Join(paymentCols, ", ")
		r, err := tx.exec(ctx, `INSERT INTO payments (`+cols+`, import_id) SELECT `+cols+`, ? FROM payments_staging WHERE true ON CONFLICT (year, voucher) DO NOTHING`, res.ID)
		if err != nil {
			return err
		}
		added, err := r.RowsAffected()
		if err != nil {
			return err
		}
		res.Added = int(added)
		if _, err := tx.exec(ctx, `UPDATE payment_imports SET added = ? WHERE id = ?`, added, res.ID); err != nil {
			return err
		}
		return tx.dropStaging(ctx)
	})
	if err != nil {
		var pe *PaymentImportError
		if errors.As(err, &pe) {
			return nil, pe
		}
		return nil, s.paymentError(err)
	}
	return res, nil
}

// checkImporter checks who imports a file and the file's name, as kept.
func checkImporter(file, actor string) error {
	if strings.TrimSpace(actor) == "" {
		return errorf(apperr.EINVALID, "操作人不能为空")
	}
	if err := checkField("", "操作人", evaluation.TextName, actor); err != nil {
		return err
	}
	return checkField("", "文件名", evaluation.TextLine, file)
}

// paymentError words a database refusal of a payment (a CHECK the reader
// should have prevented) in Chinese.
func (s *Store) paymentError(err error) error {
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return err
	}
	return &apperr.Error{Code: apperr.EINTERNAL, Message: "导入支付记录失败，未写入任何数据：" + connectReason(s.dialect, err), Err: err}
}

// stagingSource feeds the staging table and notes the years it sees.
type stagingSource struct {
	rows  PaymentRows
	years map[int]bool
	n     int
	vals  []any
}

func (s *stagingSource) Next() bool {
	if !s.rows.Next() {
		return false
	}
	s.n++
	return true
}

// values are the staging columns of the current payment; date is the
// paid_on value as the driver takes it.
func (s *stagingSource) values(date func(monitor.Payment) any) []any {
	p := s.rows.Payment()
	s.years[p.Year()] = true
	s.vals = append(s.vals[:0], p.Line, p.Year(), date(p), p.UnitCode, p.ProjectCode, p.FunctionalClass, p.EconomicClass, p.FundType, int64(p.Amount), p.Voucher, p.Payee, p.Memo)
	return s.vals
}

// Values, Err: pgx.CopyFromSource.
func (s *stagingSource) Values() ([]any, error) {
	return s.values(func(p monitor.Payment) any { return p.PaidOn.Time() }), nil
}

func (s *stagingSource) Err() error { return nil }

// stagePayments creates the staging table and streams the rows into it.
func (tx *txn) stagePayments(ctx context.Context, src *stagingSource) error {
	if tx.store.dialect == Postgres {
		if _, err := tx.exec(ctx, `CREATE TEMPORARY TABLE payments_staging (
			line BIGINT, year INTEGER, paid_on DATE, unit_code TEXT, project_code TEXT, functional_class TEXT,
			economic_class TEXT, fund_type TEXT, amount BIGINT, voucher TEXT, payee TEXT, memo TEXT) ON COMMIT DROP`); err != nil {
			return err
		}
		return tx.conn.Raw(func(dc any) error {
			c, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("store: COPY needs a pgx connection, have %T", dc)
			}
			_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{"payments_staging"}, stagingCols, src)
			return err
		})
	}
	if err := tx.dropStaging(ctx); err != nil {
		return err
	}
	// The indexes of a large table are updated at random places: with
	// SQLite's default 2 MB page cache nearly every insert reads a page.
	// 32 MB for this transaction only (restored by dropStaging).
	if _, err := tx.exec(ctx, `PRAGMA main.cache_size = -32768`); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `CREATE TEMPORARY TABLE payments_staging (
		line INTEGER, year INTEGER, paid_on TEXT, unit_code TEXT, project_code TEXT, functional_class TEXT,
		economic_class TEXT, fund_type TEXT, amount INTEGER, voucher TEXT, payee TEXT, memo TEXT)`); err != nil {
		return err
	}
	return tx.insertBatches(ctx, "payments_staging", stagingCols, src.Next, func() []any {
		return src.values(func(p monitor.Payment) any { return p.PaidOn.String() })
	})
}

// sqliteBatch is how many rows one SQLite INSERT carries: 500 rows of 12
// columns stay far below SQLite's 32,766 parameters, and larger batches
// measured no faster.
const sqliteBatch = 500

// insertBatches inserts rows into table with one prepared multi-row
// INSERT per full batch (SQLite). next advances; values gives the current
// row (the slice may be reused).
func (tx *txn) insertBatches(ctx context.Context, table string, cols []string, next func() bool, values func() []any) error {
	row := "(" + placeholders(len(cols)) + ")"
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	full, err := tx.prepare(ctx, head+strings.TrimSuffix(strings.Repeat(row+",", sqliteBatch), ","))
	if err != nil {
		return err
	}
	defer full.Close()
	args := make([]any, 0, sqliteBatch*len(cols))
	n := 0
	for next() {
		args = append(args, values()...)
		if n++; n == sqliteBatch {
			if _, err := full.ExecContext(ctx, args...); err != nil {
				return err
			}
			args, n = args[:0], 0
		}
	}
	if n > 0 {
		if _, err := tx.exec(ctx, head+strings.TrimSuffix(strings.Repeat(row+",", n), ","), args...); err != nil {
			return err
		}
	}
	return nil
}

func (tx *txn) dropStaging(ctx context.Context) error {
	if tx.store.dialect == Postgres {
		return nil // dropped at commit or rollback
	}
	if _, err := tx.exec(ctx, `DROP TABLE IF EXISTS temp.payments_staging`); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `PRAGMA main.cache_size = -2000`)
	return err
}

// unknownCodes lists the staged (unit, year, project) groups whose unit is
// not registered or whose project is not a project of that unit's stored
// year, in the order they first appear, and counts them all.
func (tx *txn) unknownCodes(ctx context.Context) ([]UnknownCode, int, error) {
	return tx.unknownCodesIn(ctx, "payments_staging")
}

// unknownCodesIn is unknownCodes for a staging table of (line, year,
// unit_code, project_code) rows; table is a constant of this package.
func (tx *txn) unknownCodesIn(ctx context.Context, table string) ([]UnknownCode, int, error) {
	rows, err := tx.query(ctx, `
SELECT g.unit_code, g.year, g.project_code, g.first_line, g.n,
       EXISTS (SELECT 1 FROM departments d WHERE d.code = g.unit_code),
       EXISTS (SELECT 1 FROM department_years dy JOIN departments d ON d.id = dy.department_id
               WHERE d.code = g.unit_code AND dy.year = g.year),
       count(*) OVER ()
FROM (SELECT unit_code, year, project_code, min(line) AS first_line, count(*) AS n
      FROM `+table+` GROUP BY unit_code, year, project_code) g
WHERE NOT EXISTS (SELECT 1 FROM departments d WHERE d.code = g.unit_code)
   OR (g.project_code <> '' AND NOT EXISTS (
        SELECT 1 FROM projects p
        JOIN department_years dy ON dy.id = p.department_year_id
        JOIN departments d ON d.id = dy.department_id
        WHERE d.code = g.unit_code AND dy.year = g.year AND p.code = g.project_code))
ORDER BY g.first_line
LIMIT ?`, maxUnknown)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []UnknownCode
	total := 0
	for rows.Next() {
		var u UnknownCode
		if err := rows.Scan(&u.Unit, &u.Year, &u.Project, &u.FirstLine, &u.Rows, &u.UnitKnown, &u.YearStored, &total); err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	return out, total, rows.Err()
}

// ensurePartitions creates the PostgreSQL partition of each year that has
// none. Creating one locks the parent table until the transaction ends;
// an advisory lock makes two importers of a new year take turns.
func (tx *txn) ensurePartitions(ctx context.Context, years []int) error {
	if tx.store.dialect != Postgres {
		return nil
	}
	locked := false
	for _, y := range years {
		name := fmt.Sprintf("payments_%d", y)
		var exists bool
		if err := tx.queryRow(ctx, `SELECT to_regclass(?) IS NOT NULL`, name).Scan(&exists); err != nil {
			return err
		}
		if exists {
			continue
		}
		if !locked {
			if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(7316504)`); err != nil {
				return err
			}
			locked = true
		}
		// y is an int from a checked date: safe to write into the SQL.
		if _, err := tx.exec(ctx, fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s PARTITION OF payments FOR VALUES IN (%d)`, name, y)); err != nil {
			return err
		}
	}
	return nil
}

func (tx *txn) earlierImports(ctx context.Context, digest string) ([]int64, error) {
	rows, err := tx.query(ctx, `SELECT id FROM payment_imports WHERE sha256 = ? ORDER BY id`, digest)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// PaidByMonth sums a year's payments by unit, project and month in SQL
// (unit "" for every unit). Refunds are negative amounts, so they reduce
// the sums; each voucher is stored once, so none is counted twice. A sum
// beyond the int64 range is an error, never a wrong figure.
func (s *Store) PaidByMonth(ctx context.Context, year int, unit string) ([]monitor.MonthlyPaid, error) {
	var out []monitor.MonthlyPaid
	err := s.withReadTx(ctx, func(tx *txn) error {
		return tx.paidByMonth(ctx, year, unit, func(r monitor.MonthlyPaid) error {
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// paidByMonth is PaidByMonth inside a transaction, giving each sum to
// each in the order of unit, project and month.
func (tx *txn) paidByMonth(ctx context.Context, year int, unit string, each func(monitor.MonthlyPaid) error) error {
	return tx.sumByMonth(ctx, "payments", "paid_on", "支付", year, unit, each)
}

// sumByMonth sums the amounts of a table of dated amounts (payments,
// budget_changes) by unit, project and month of a year, giving each sum
// to each in the order of unit, project and month; table and dateCol are
// constants of this package, what names the amounts in messages.
func (tx *txn) sumByMonth(ctx context.Context, table, dateCol, what string, year int, unit string, each func(monitor.MonthlyPaid) error) error {
	month := `CAST(substr(` + dateCol + `, 6, 2) AS INTEGER)`
	sum := `SUM(amount)`
	if tx.store.dialect == Postgres {
		month = `CAST(EXTRACT(MONTH FROM ` + dateCol + `) AS INTEGER)`
		// SUM of BIGINT is NUMERIC in PostgreSQL: text, checked in Go.
		sum = `CAST(SUM(amount) AS TEXT)`
	}
	q := `SELECT unit_code, project_code, ` + month + ` AS m, ` + sum + ` FROM ` + table + ` WHERE year = ?`
	args := []any{year}
	if unit != "" {
		q += ` AND unit_code = ?`
		args = append(args, unit)
	}
	q += ` GROUP BY unit_code, project_code, m ORDER BY unit_code, project_code, m`
	err := func() error {
		rows, err := tx.query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r monitor.MonthlyPaid
			var total string
			if err := rows.Scan(&r.UnitCode, &r.ProjectCode, &r.Month, &total); err != nil {
				return err
			}
			if r.Amount, err = parseSum(total); err != nil {
				return errorf(apperr.EINVALID, "%d 年预算单位 %s 项目“%s”%d 月的%s合计%s", year, r.UnitCode, r.ProjectCode, r.Month, what, err)
			}
			if err := each(r); err != nil {
				return err
			}
		}
		return rows.Err()
	}()
	if isOverflow(err) {
		return errorf(apperr.EINVALID, "%d 年%s金额合计超出可计算范围", year, what)
	}
	return err
}

// parseSum reads a sum of fen printed by the database, refusing one beyond
// the int64 range.
func parseSum(s string) (money.Fen, error) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, errors.New("超出可计算范围")
		}
		return 0, fmt.Errorf("“%s”不是整数", s)
	}
	return money.Fen(v), nil
}

// isOverflow reports SQLite's integer overflow in SUM.
func isOverflow(err error) bool {
	return err != nil && strings.Contains(err.Error(), "integer overflow")
}

// PaymentImports lists the files imported, newest first.
func (s *Store) PaymentImports(ctx context.Context) ([]PaymentImportRecord, error) {
	var out []PaymentImportRecord
	err := s.withReadTx(ctx, func(tx *txn) error {
		rows, err := tx.query(ctx, `SELECT id, file, sha256, row_count, added, actor, at FROM payment_imports ORDER BY id DESC`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r PaymentImportRecord
			if err := rows.Scan(&r.ID, &r.File, &r.SHA256, &r.Rows, &r.Added, &r.Actor, &r.At); err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// PaymentImportRecord is one row of payment_imports.
type PaymentImportRecord struct {
	ID     int64
	File   string
	SHA256 string
	Rows   int64
	Added  int64
	Actor  string
	At     time.Time
}

// Execution is the budget execution of a stored department-year at the
// end of month (monitor.StatusWith over the unit's payments of the year,
// against its initial budgets and the budget changes so far). A figure that cannot be computed (an
// overflowing sum, a month outside 1–12) is apperr.EINVALID.
func (s *Store) Execution(ctx context.Context, rec *Record, month int, sch monitor.Schedule) (*monitor.Status, error) {
	rows, err := s.PaidByMonth(ctx, rec.Year, rec.DepartmentCode)
	if err != nil {
		return nil, err
	}
	changes, err := s.ChangedByMonth(ctx, rec.Year, rec.DepartmentCode)
	if err != nil {
		return nil, err
	}
	st, err := monitor.StatusWith(rec.Evaluation, rows, changes, month, sch)
	if err != nil {
		return nil, errorf(apperr.EINVALID, "部门 %s %d 年度预算执行情况无法计算：%v", rec.DepartmentCode, rec.Year, err)
	}
	return st, nil
}
