package web

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// The seeded data: two departments, each with one year, both drafts.
const (
	codeA = "106001" // 广州市天河区人民政府办公室 2023
	yearA = 2023
	codeB = "999-207001" // 示例市青禾区卫生健康局 2024
	yearB = 2024

	password = "correct-horse-battery"
)

var (
	pathA = "/evaluations/" + codeA + "/" + strconv.Itoa(yearA)
	pathB = "/evaluations/" + codeB + "/" + strconv.Itoa(yearB)
)

// Roles the tests act as; anon is no session.
const (
	editorA   = "editor-a"
	editorB   = "editor-b"
	approverA = "approver-a"
	approverB = "approver-b"
	reviewer  = "reviewer"
	admin     = "admin"
	anon      = "anonymous"
)

var seedUsers = []store.User{
	{Username: editorA, DisplayName: "天河填报人", Role: workflow.Editor, DepartmentCode: codeA},
	{Username: editorB, DisplayName: "青禾填报人", Role: workflow.Editor, DepartmentCode: codeB},
	{Username: approverA, DisplayName: "天河负责人", Role: workflow.Approver, DepartmentCode: codeA},
	{Username: approverB, DisplayName: "青禾负责人", Role: workflow.Approver, DepartmentCode: codeB},
	{Username: reviewer, DisplayName: "财政局审核人", Role: workflow.Reviewer},
	{Username: admin, DisplayName: "管理员", Role: workflow.Admin},
}

// The test accounts are hashed at a low cost: the tests sign in hundreds
// of times, and an Argon2id hash at the production cost takes seconds
// under the race detector. Hashing itself is tested in the store.
func init() {
	store.NewHashCost = store.Argon2Params{Time: 1, MemoryKiB: 64, Threads: 1}
}

var (
	seedOnce sync.Once
	seedDir  string
	seedErr  error
)

// webBackendEnv chooses the database the web tests run on: unset or
// "sqlite" for SQLite files; "postgres" for PostgreSQL, reached through
// the admin connection URL in JIXIAO_TEST_POSTGRES (each test gets a
// database of its own, cloned from a seeded template). .ci/run runs the
// package once on each.
const webBackendEnv = "JIXIAO_TEST_WEB_BACKEND"

func onPostgres() bool { return os.Getenv(webBackendEnv) == "postgres" }

func TestMain(m *testing.M) {
	if onPostgres() && os.Getenv("JIXIAO_TEST_POSTGRES") == "" {
		fmt.Fprintln(os.Stderr, webBackendEnv+"=postgres needs JIXIAO_TEST_POSTGRES (an admin connection URL)")
		os.Exit(2)
	}
	code := m.Run()
	if seedDir != "" {
		os.RemoveAll(seedDir)
	}
	if seedTemplate != "" {
		if err := dropPostgresDB(seedTemplate); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	os.Exit(code)
}

// seedTemplate is the seeded PostgreSQL template database, if any.
var seedTemplate string

// pgAdmin opens the PostgreSQL admin connection.
func pgAdmin() (*sql.DB, error) { return sql.Open("pgx", os.Getenv("JIXIAO_TEST_POSTGRES")) }

// pgURL is the connection URL of the database name on the test server.
func pgURL(name string) (string, error) {
	u, err := url.Parse(os.Getenv("JIXIAO_TEST_POSTGRES"))
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

func randomDBName(prefix string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

func dropPostgresDB(name string) error {
	db, err := pgAdmin()
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop test database %s: %w", name, err)
	}
	return nil
}

// seedPostgres makes, once per test binary, the seeded template database.
func seedPostgres(t testing.TB) string {
	t.Helper()
	seedOnce.Do(func() {
		var db *sql.DB
		if db, seedErr = pgAdmin(); seedErr != nil {
			return
		}
		defer db.Close()
		name := randomDBName("jxweb_seed_")
		if _, seedErr = db.Exec("CREATE DATABASE " + name); seedErr != nil {
			return
		}
		seedTemplate = name
		var dsn string
		if dsn, seedErr = pgURL(name); seedErr != nil {
			return
		}
		seedErr = seed(dsn)
	})
	if seedErr != nil {
		t.Fatal(seedErr)
	}
	return seedTemplate
}

// testDSN returns a fresh copy of the seeded database for one test: a
// SQLite file, or a PostgreSQL database cloned from the template and
// dropped when the test ends (after its store is closed: cleanups run
// last registered first).
func testDSN(t testing.TB) string {
	t.Helper()
	if !onPostgres() {
		src := seedDB(t)
		dst := filepath.Join(t.TempDir(), "web.db")
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return dst
	}
	tmpl := seedPostgres(t)
	db, err := pgAdmin()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	name := randomDBName("jxweb_")
	if _, err := db.Exec("CREATE DATABASE " + name + " TEMPLATE " + tmpl); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		if err := dropPostgresDB(name); err != nil {
			t.Error(err)
		}
	})
	dsn, err := pgURL(name)
	if err != nil {
		t.Fatal(err)
	}
	return dsn
}

// seedDB builds, once per test binary, a database with the examples
// imported through store.Import and an account per role. Tests copy it:
// hashing passwords is deliberately slow.
func seedDB(t testing.TB) string {
	t.Helper()
	seedOnce.Do(func() {
		seedDir, seedErr = os.MkdirTemp("", "jixiao-web-test-")
		if seedErr != nil {
			return
		}
		seedErr = seed(filepath.Join(seedDir, "seed.db"))
	})
	if seedErr != nil {
		t.Fatal(seedErr)
	}
	return filepath.Join(seedDir, "seed.db")
}

func seed(path string) error {
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer st.Close()
	lib, ds := datafile.LoadLibrary()
	if err := ds.Err(); err != nil {
		return err
	}
	var entries []store.Entry
	for _, p := range []string{"../../examples/tianhe-gov-office-2023.yaml", "../../examples/qinghe-health-2024.yaml"} {
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		l, ds := datafile.Evaluation(p, data)
		if err := ds.Err(); err != nil {
			return err
		}
		ev := l.Value
		res, ds := scoring.ScoreWith(ev, lib, calendar.ScoringOptions())
		if err := ds.Err(); err != nil {
			return err
		}
		fw, _ := lib.Framework(ev.Framework)
		e := store.Entry{Source: p, Evaluation: ev, Result: res, Framework: fw}
		if len(ev.Projects) > 0 {
			e.ProjectFramework, _ = lib.Framework(ev.ProjectFrameworkID())
		}
		entries = append(entries, e)
	}
	if _, err := st.Import(ctx, entries, "test", "测试数据"); err != nil {
		return err
	}
	for _, u := range seedUsers {
		if _, err := st.CreateUser(ctx, u, password); err != nil {
			return err
		}
	}
	return nil
}

// env is one test's server on its own copy of the seeded database.
type env struct {
	t     testing.TB
	st    *store.Store
	srv   *server
	h     http.Handler
	users map[string]store.User
	now   time.Time
}

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, testDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &env{t: t, st: st, users: map[string]store.User{}, now: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)}
	us, err := st.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		e.users[u.Username] = u
	}
	e.srv = newServer(st, Options{Now: func() time.Time { return e.now }})
	e.h = e.srv.handler()
	return e
}

// session returns a session token for the user, made directly in the
// store (signing in through the form is tested on its own).
func (e *env) session(username string) string {
	e.t.Helper()
	if username == anon {
		return ""
	}
	u, ok := e.users[username]
	if !ok {
		e.t.Fatalf("no user %s", username)
	}
	tok, err := e.st.CreateSession(context.Background(), u.ID, time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// req is a request to make.
type req struct {
	method, path string
	form         url.Values
	json         string
	token        string
	header       map[string]string
	remote       string
	cookies      []*http.Cookie
}

func (e *env) do(r req) *httptest.ResponseRecorder {
	e.t.Helper()
	var body io.Reader
	switch {
	case r.form != nil:
		body = strings.NewReader(r.form.Encode())
	case r.json != "":
		body = strings.NewReader(r.json)
	}
	hr := httptest.NewRequest(r.method, "http://jixiao.example"+r.path, body)
	if r.form != nil {
		hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if r.json != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.AddCookie(&http.Cookie{Name: SessionCookie, Value: r.token})
	}
	for _, c := range r.cookies {
		hr.AddCookie(c)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	if r.remote != "" {
		hr.RemoteAddr = r.remote
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, hr)
	return w
}

// get fetches a path as the user.
func (e *env) get(user, path string) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.do(req{method: "GET", path: path, token: e.session(user)})
}

// post submits a form as the user.
func (e *env) post(user, path string, form url.Values) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.do(req{method: "POST", path: path, form: form, token: e.session(user)})
}

// version is the stored version of a department-year.
func (e *env) version(code string, year int) int {
	e.t.Helper()
	rec, err := e.st.Get(context.Background(), code, year)
	if err != nil {
		e.t.Fatal(err)
	}
	return rec.Version
}

func (e *env) record(code string, year int) *store.Record {
	e.t.Helper()
	rec, err := e.st.Get(context.Background(), code, year)
	if err != nil {
		e.t.Fatal(err)
	}
	return rec
}

// advance moves department A through the workflow in the store, as the
// users whose moves they are, until it reaches the status.
func (e *env) advance(to string) {
	e.t.Helper()
	path := []struct{ to, user string }{
		{workflow.Submitted, editorA},
		{workflow.Approved, approverA},
		{workflow.UnderReview, reviewer},
		{workflow.Accepted, reviewer},
		{workflow.Published, reviewer},
	}
	for _, step := range path {
		rec := e.record(codeA, yearA)
		if rec.Status == to {
			return
		}
		if _, err := e.st.Transition(context.Background(), codeA, yearA, step.to, e.users[step.user], "", rec.Version); err != nil {
			e.t.Fatal(err)
		}
	}
	if got := e.record(codeA, yearA).Status; got != to {
		e.t.Fatalf("could not advance to %s, at %s", to, got)
	}
}

var versionField = regexp.MustCompile(`name="version" value="(\d+)"`)

// pageVersion finds the version a page's forms carry.
func pageVersion(t testing.TB, body string) string {
	t.Helper()
	m := versionField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no version field in page:\n%s", body)
	}
	return m[1]
}
