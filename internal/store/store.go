// Package store keeps department-years (部门年度绩效自评) in a database:
// SQLite for one office, PostgreSQL for a province. Both are reached
// through database/sql; the SQL is written by hand in methods on Store.
// Every public method runs in one transaction, so a failure leaves the
// database exactly as it was.
//
// An evaluation is kept whole as a JSON document (TEXT in SQLite, JSONB in
// PostgreSQL), together with the exact bytes of the framework files it was
// scored with, its total and grade, and its projects in a table of their
// own for province-wide queries. Every change is recorded in history, one
// row per changed field.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialects.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DefaultDSN is the database used when none is given.
const DefaultDSN = "./jixiao.db"

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// sqliteParams are set on every SQLite connection the pool opens: write-
// ahead logging, enforced foreign keys, a wait instead of an immediate
// "database is locked", and fsync only at checkpoints (safe with WAL: a
// crash may lose the last commits but never corrupts the file).
// Transactions begin IMMEDIATE so that two writers queue on the busy
// timeout instead of failing when one upgrades a read lock.
var sqliteParams = []string{
	"_pragma=busy_timeout(10000)",
	"_pragma=foreign_keys(1)",
	"_pragma=journal_mode(WAL)",
	"_pragma=synchronous(NORMAL)",
	"_txlock=immediate",
	"_time_format=sqlite",
}

// Store is a database of department-years. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	dialect string
	// now returns the time written to created_at, updated_at and history.
	now func() time.Time

	rebound sync.Map // query with ? → query with $n (PostgreSQL)

	// stmts holds the hot queries (see hot) prepared on the pool when the
	// store opens, by rebound query text; database/sql keeps one prepared
	// copy per connection, so a hot query is parsed once per connection
	// instead of once per call. Read-only after Open.
	stmts map[string]*sql.Stmt

	// rules are the rules files the store works with (datafile.RuleSet):
	// the built-in ones unless SetRules gave others.
	rules *datafile.RuleSet
}

// SetRules makes the store work with rs (from datafile.LoadRules): the
// target-quality checks, the warning rules, the ex-ante thresholds and
// the cycle rules. Call it once, right after Open, before the store is
// shared.
func (s *Store) SetRules(rs *datafile.RuleSet) {
	if rs != nil {
		s.rules = rs
	}
}

// Rules are the rules files the store works with.
func (s *Store) Rules() *datafile.RuleSet { return s.rules }

// hotQueries are the queries that every page view runs (the session, the
// department-year, its review scores and comments, the records beside the
// year). They are prepared once, when the store opens: preparing lazily
// from inside a transaction would need a second connection and could
// deadlock a full pool. Each gives its text for the store's dialect.
var hotQueries []func(dialect string) string

// hot registers q as a hot query and returns it.
func hot(q string) string {
	hotQueries = append(hotQueries, func(string) string { return q })
	return q
}

// hotFor registers a hot query whose text depends on the dialect and
// returns it.
func hotFor(q func(dialect string) string) func(dialect string) string {
	hotQueries = append(hotQueries, q)
	return q
}

// prepareHot prepares the hot queries on the pool.
func (s *Store) prepareHot(ctx context.Context) error {
	s.stmts = make(map[string]*sql.Stmt, len(hotQueries))
	for _, hq := range hotQueries {
		q := s.rebind(hq(s.dialect))
		st, err := s.db.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("准备数据库查询失败：%w", err)
		}
		s.stmts[q] = st
	}
	return nil
}

// Connection pool sizes. SQLite (pure Go) is bound by the CPU: a few
// connections keep both cores busy with readers while the write lock
// queues writers; PostgreSQL gets more, since its work happens in the
// server. Idle connections are kept up to the same number, so that a
// burst of requests does not open and close connections (and re-prepare
// statements) on every call: database/sql keeps only 2 by default.
const (
	sqlitePoolSize   = 8
	postgresPoolSize = 16
)

// Open connects to the database named by dsn and brings its schema up to
// date, refilling the dashboard summary of department-years stored before
// it (backfillSummaries) and their result after review (backfillReviews). An empty dsn means DefaultDSN. "postgres://…"
// and "postgresql://…" are PostgreSQL connection URLs; anything else is a
// SQLite file, written as a plain path or as "sqlite:PATH" (query
// parameters after "?" are passed to the driver).
func Open(ctx context.Context, dsn string) (*Store, error) {
	dialect, driver, source, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open(driver, source)
	if err != nil {
		return nil, connectError(dialect, source, err)
	}
	switch {
	case dialect == SQLite && strings.HasPrefix(source, ":memory:"):
		// Each connection to :memory: is a database of its own.
		db.SetMaxOpenConns(1)
	case dialect == SQLite:
		db.SetMaxOpenConns(sqlitePoolSize)
		db.SetMaxIdleConns(sqlitePoolSize)
	default:
		db.SetMaxOpenConns(postgresPoolSize)
		db.SetMaxIdleConns(postgresPoolSize)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, connectError(dialect, source, err)
	}
	s := &Store{db: db, dialect: dialect, now: func() time.Time {
		return time.Now().UTC().Truncate(time.Microsecond)
	}, rules: datafile.DefaultRules()}
	if err := s.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// The summaries are refilled after the migrations (they add the
	// columns) and before the hot queries are prepared: the backfill uses
	// none of them, and a store that cannot backfill does not open.
	if err := s.backfillSummaries(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.backfillReviews(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.fillMasters(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.prepareHot(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// parseDSN picks the dialect and driver for dsn and returns the driver's
// data source name.
func parseDSN(dsn string) (dialect, driver, source string, err error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return Postgres, "pgx", dsn, nil
	case strings.Contains(dsn, "://") && !strings.HasPrefix(dsn, "sqlite:"):
		return "", "", "", &apperr.Error{Code: apperr.EINVALID, Message: fmt.Sprintf("不支持的数据库地址 %q：请使用 SQLite 文件路径或 postgres:// 地址", redact(dsn))}
	}
	path := strings.TrimPrefix(dsn, "sqlite:")
	if path == "" {
		path = DefaultDSN
	}
	path, query, _ := strings.Cut(path, "?")
	if path == "" {
		return "", "", "", &apperr.Error{Code: apperr.EINVALID, Message: "SQLite 数据库文件路径为空"}
	}
	params := append([]string(nil), sqliteParams...)
	if query != "" {
		params = append(params, query)
	}
	return SQLite, "sqlite", path + "?" + strings.Join(params, "&"), nil
}

// redact hides a password in a connection URL.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "…"
	}
	return u.Redacted()
}

// Migrate applies every migration not yet applied. Open calls it; running
// it again does nothing.
func (s *Store) Migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations/"+s.dialect)
	if err != nil {
		return err
	}
	dialect := goose.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if s.dialect == Postgres {
		dialect = goose.DialectPostgres
		// Two processes starting at once must not both migrate.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, s.db, sub, opts...)
	if err != nil {
		return fmt.Errorf("读取数据库迁移失败：%w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return &openError{msg: "数据库结构升级失败：" + connectReason(s.dialect, err), err: err}
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error {
	for _, st := range s.stmts {
		st.Close()
	}
	return s.db.Close()
}

// Dialect returns "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect }

// rebind rewrites the ? placeholders of q as $1, $2, … for PostgreSQL.
// Queries hold no literal question marks.
func (s *Store) rebind(q string) string {
	if s.dialect != Postgres {
		return q
	}
	if r, ok := s.rebound.Load(q); ok {
		return r.(string)
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	s.rebound.Store(q, b.String())
	return b.String()
}

// placeholders returns n placeholders separated by commas.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// txn is a transaction on one connection. The connection is kept so that
// PostgreSQL bulk writes (COPY) can run inside the transaction.
type txn struct {
	*sql.Tx
	conn  *sql.Conn
	store *Store
}

// withTx runs fn in a read-write transaction and commits it if fn returns
// nil. On SQLite the transaction takes the write lock at once.
func (s *Store) withTx(ctx context.Context, fn func(*txn) error) error {
	return s.inTx(ctx, nil, fn)
}

// withReadTx runs fn in a read-only transaction, which on SQLite does not
// wait for writers.
func (s *Store) withReadTx(ctx context.Context, fn func(*txn) error) error {
	return s.inTx(ctx, &sql.TxOptions{ReadOnly: true}, fn)
}

func (s *Store) inTx(ctx context.Context, opts *sql.TxOptions, fn func(*txn) error) (err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("连接数据库失败：%w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, opts)
	if err != nil {
		return s.mapError(fmt.Errorf("开始事务失败：%w", err))
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if err := fn(&txn{Tx: tx, conn: conn, store: s}); err != nil {
		return s.mapError(err)
	}
	if err := tx.Commit(); err != nil {
		return s.mapError(fmt.Errorf("提交事务失败：%w", err))
	}
	return nil
}

// The methods below run a hot query as its prepared statement, on the
// transaction's connection (prepared there on first use); other queries
// are parsed per call.

func (tx *txn) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	q = tx.store.rebind(q)
	if st, ok := tx.store.stmts[q]; ok {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, q, args...)
}

func (tx *txn) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q = tx.store.rebind(q)
	if st, ok := tx.store.stmts[q]; ok {
		return tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return tx.QueryContext(ctx, q, args...)
}

func (tx *txn) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	q = tx.store.rebind(q)
	if st, ok := tx.store.stmts[q]; ok {
		return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, q, args...)
}

func (tx *txn) prepare(ctx context.Context, q string) (*sql.Stmt, error) {
	return tx.PrepareContext(ctx, tx.store.rebind(q))
}

// mapError turns a unique-constraint violation (another writer got there
// first) into apperr.ECONFLICT and text the database refuses (isBadText) into
// apperr.EINVALID; other errors pass unchanged.
func (s *Store) mapError(err error) error {
	if err == nil {
		return nil
	}
	var se *apperr.Error
	if errors.As(err, &se) {
		return err
	}
	if isUniqueViolation(err) {
		return &apperr.Error{Code: apperr.ECONFLICT, Message: "数据已被同时写入的其他操作修改，请刷新后重试", Err: err}
	}
	if isBadText(err) {
		return &apperr.Error{Code: apperr.EINVALID, Message: "提交的文本包含数据库无法保存的字符（如 NUL 控制字符），未保存任何数据", Err: err}
	}
	return err
}

func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var le *sqlite.Error
	if errors.As(err, &le) {
		return le.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || le.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}
