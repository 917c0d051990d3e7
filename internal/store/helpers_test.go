package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/scoring"
)

const (
	tianhePath = "../../examples/tianhe-gov-office-2023.yaml"
	qinghePath = "../../examples/qinghe-health-2024.yaml"
)

// postgresEnv names the admin DSN of a PostgreSQL server to test against.
const postgresEnv = "JIXIAO_TEST_POSTGRES"

var (
	libOnce sync.Once
	lib     *datafile.Library
	libErr  error
)

func library(t testing.TB) *datafile.Library {
	t.Helper()
	libOnce.Do(func() {
		var ds diag.List
		lib, ds = datafile.LoadLibrary()
		libErr = ds.Err()
	})
	if libErr != nil {
		t.Fatal(libErr)
	}
	return lib
}

// loadExample reads and checks an example data file.
func loadExample(t testing.TB, path string) *evaluation.Evaluation {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l, ds := datafile.Evaluation(path, data)
	if ds.Err() != nil {
		t.Fatal(ds)
	}
	return l.Value
}

// entry scores ev and returns it as an import entry.
func entry(t testing.TB, ev *evaluation.Evaluation, source string) Entry {
	t.Helper()
	lib := library(t)
	res, ds := scoring.ScoreWith(ev, lib, calendar.ScoringOptions())
	if ds.Err() != nil {
		t.Fatal(ds)
	}
	fw, ok := lib.Framework(ev.Framework)
	if !ok {
		t.Fatalf("no framework %s", ev.Framework)
	}
	e := Entry{Source: source, Evaluation: ev, Result: res, Framework: fw}
	if pfw, ok := lib.Framework(ev.ProjectFrameworkID()); ok {
		e.ProjectFramework = pfw
	}
	return e
}

// exampleEntry loads an example as an import entry.
func exampleEntry(t testing.TB, path string) Entry {
	t.Helper()
	return entry(t, loadExample(t, path), path)
}

// clone deep-copies an evaluation through JSON, as the store keeps it.
func clone(t testing.TB, ev *evaluation.Evaluation) *evaluation.Evaluation {
	t.Helper()
	data, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	var out evaluation.Evaluation
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// variant is a copy of ev for another department code and year.
func variant(t testing.TB, ev *evaluation.Evaluation, code string, year int) *evaluation.Evaluation {
	t.Helper()
	v := clone(t, ev)
	v.Department.Code = code
	v.Department.Name = ev.Department.Name + code
	if year != 0 {
		v.Year = year
	}
	return v
}

func randomName(prefix string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// backend is a database the behaviour tests run against; dsn returns a
// fresh, empty database for one test.
type backend struct {
	name string
	dsn  func(t testing.TB) string
}

func backends() []backend {
	out := []backend{{name: "sqlite", dsn: func(t testing.TB) string {
		return filepath.Join(t.TempDir(), "jixiao.db")
	}}}
	if admin := os.Getenv(postgresEnv); admin != "" {
		out = append(out, backend{name: "postgres", dsn: func(t testing.TB) string { return newPostgresDB(t, admin) }})
	}
	return out
}

// newPostgresDB creates a database of its own for a test and drops it when
// the test ends (after the test's stores are closed: cleanups run last
// registered first).
func newPostgresDB(t testing.TB, admin string) string {
	t.Helper()
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	name := randomName("jx_")
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		db.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		defer db.Close()
		if _, err := db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// eachBackend runs fn once per available backend, each with a fresh
// database.
func eachBackend(t *testing.T, fn func(t *testing.T, dsn string)) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) { fn(t, b.dsn(t)) })
	}
}

// open opens a store that is closed when the test ends.
func open(t testing.TB, dsn string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// count returns the number of rows in table.
func count(t testing.TB, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var tables = []string{"regions", "departments", "framework_versions", "department_years", "projects", "history"}

// snapshot is everything an import may change, to compare before and after.
type snapshot struct {
	Counts   map[string]int
	List     []Listing
	Depts    map[string]string
	Data     map[string]string
	Projects []string
}

func takeSnapshot(t testing.TB, s *Store) snapshot {
	t.Helper()
	ctx := context.Background()
	snap := snapshot{Counts: map[string]int{}, Depts: map[string]string{}, Data: map[string]string{}}
	for _, tb := range tables {
		snap.Counts[tb] = count(t, s, tb)
	}
	var err error
	if snap.List, err = s.List(ctx); err != nil {
		t.Fatal(err)
	}
	rows, err := s.db.Query("SELECT code, name FROM departments")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c, n string
		rows.Scan(&c, &n)
		snap.Depts[c] = n
	}
	rows.Close()
	for _, l := range snap.List {
		r, err := s.Get(ctx, l.DepartmentCode, l.Year)
		if err != nil {
			t.Fatal(err)
		}
		js, _ := json.Marshal(r.Evaluation)
		snap.Data[l.DepartmentCode] = string(js)
	}
	rows, err = s.db.Query("SELECT department_year_id, seq, name, executed, total FROM projects ORDER BY department_year_id, seq")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, seq, executed, total int64
		var name string
		rows.Scan(&id, &seq, &name, &executed, &total)
		snap.Projects = append(snap.Projects, fmtRow(id, seq, name, executed, total))
	}
	rows.Close()
	return snap
}

func fmtRow(vals ...any) string {
	b, _ := json.Marshal(vals)
	return string(b)
}
