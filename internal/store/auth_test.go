package store

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/workflow"
)

const testPassword = "正确的马电池订书钉和胶水"

// The store's tests hash passwords at a low cost (a production hash takes
// seconds under the race detector); the tests of the hash itself use the
// production cost.
func init() { NewHashCost = Argon2Params{Time: 1, MemoryKiB: 64, Threads: 1} }

func productionHashCost(t *testing.T) {
	old := NewHashCost
	NewHashCost = Argon2Params{Time: argonTime, MemoryKiB: argonMemory, Threads: argonThreads}
	t.Cleanup(func() { NewHashCost = old })
}

func TestPasswordHash(t *testing.T) {
	productionHashCost(t)
	phcRE := regexp.MustCompile(`^\$argon2id\$v=19\$m=65536,t=3,p=4\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	h1, err := hashPassword(ctx, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	h2, err := hashPassword(ctx, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{h1, h2} {
		if !phcRE.MatchString(h) {
			t.Errorf("hash %q is not a PHC argon2id string with the stated parameters", h)
		}
	}
	if h1 == h2 || strings.Split(h1, "$")[4] == strings.Split(h2, "$")[4] {
		t.Errorf("two hashes of one password share a salt: %q %q", h1, h2)
	}
	if ok, err := verifyPassword(ctx, h1, testPassword); !ok || err != nil {
		t.Errorf("right password: %v, %v", ok, err)
	}
	for _, wrong := range []string{"", testPassword + " ", strings.ToUpper("abcdefghijk"), testPassword[:len(testPassword)-3]} {
		if ok, err := verifyPassword(ctx, h1, wrong); ok || err != nil {
			t.Errorf("wrong password %q: %v, %v", wrong, ok, err)
		}
	}
	// A stored hash carries its parameters: one made with others verifies.
	h := parseMust(t, h1)
	if h.memory != argonMemory || h.time != argonTime || h.threads != argonThreads || len(h.salt) != argonSaltLen || len(h.key) != argonKeyLen {
		t.Errorf("parsed parameters %+v", h)
	}
	for _, bad := range []string{
		"", "$argon2i$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0c2E$" + strings.Repeat("A", 43),
		"$argon2id$v=16$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0c2E$" + strings.Repeat("A", 43),
		"$argon2id$v=19$m=4194304,t=3,p=4$c2FsdHNhbHRzYWx0c2E$" + strings.Repeat("A", 43), // 4 GiB
		"$argon2id$v=19$m=65536,t=3$c2FsdHNhbHRzYWx0c2E$" + strings.Repeat("A", 43),
		"$argon2id$v=19$m=65536,t=3,p=4$!!$" + strings.Repeat("A", 43),
	} {
		if _, err := parsePHC(bad); err == nil {
			t.Errorf("parsePHC(%q) accepted", bad)
		}
	}
}

func parseMust(t *testing.T, s string) *phc {
	t.Helper()
	h, err := parsePHC(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// people are the accounts the workflow tests act as: department A is the
// Tianhe example's, B another.
type people struct {
	editorA, approverA, editorB, approverB, reviewer, admin User
}

func (p people) all() []User {
	return []User{p.editorA, p.approverA, p.editorB, p.approverB, p.reviewer, p.admin}
}

func mkUser(t *testing.T, s *Store, name, role, dept string) User {
	t.Helper()
	u, err := s.CreateUser(ctx, User{Username: name, DisplayName: "用户" + name, Role: role, DepartmentCode: dept}, testPassword)
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return u
}

func mkPeople(t *testing.T, s *Store, deptA, deptB string) people {
	return people{
		editorA:   mkUser(t, s, "editor-a", workflow.Editor, deptA),
		approverA: mkUser(t, s, "approver-a", workflow.Approver, deptA),
		editorB:   mkUser(t, s, "editor-b", workflow.Editor, deptB),
		approverB: mkUser(t, s, "approver-b", workflow.Approver, deptB),
		reviewer:  mkUser(t, s, "reviewer", workflow.Reviewer, ""),
		admin:     mkUser(t, s, "admin", workflow.Admin, ""),
	}
}

func TestUsers(t *testing.T) {
	productionHashCost(t)
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		ed := mkUser(t, s, "zhang", workflow.Editor, "106001")
		rv := mkUser(t, s, "li", workflow.Reviewer, "")
		if ed.ID == 0 || ed.CreatedAt.IsZero() || ed.Disabled {
			t.Errorf("created %+v", ed)
		}
		got, err := s.GetUser(ctx, ed.ID)
		if err != nil || got != ed {
			t.Errorf("GetUser = %+v, %v; want %+v", got, err, ed)
		}
		var hash string
		if err := s.db.QueryRow(s.rebind("SELECT password_hash FROM users WHERE id = ?"), ed.ID).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(hash, "$argon2id$v=19$m=65536,t=3,p=4$") || strings.Contains(hash, testPassword) {
			t.Errorf("stored hash %q", hash)
		}

		for _, c := range []struct {
			u        User
			password string
			code     string
		}{
			{User{Username: "zhang", Role: workflow.Editor, DepartmentCode: "106001"}, testPassword, apperr.ECONFLICT},
			{User{Username: "short", Role: workflow.Reviewer}, "123456789", apperr.EINVALID},
			{User{Username: "", Role: workflow.Reviewer}, testPassword, apperr.EINVALID},
			{User{Username: "has space", Role: workflow.Reviewer}, testPassword, apperr.EINVALID},
			{User{Username: "nodept", Role: workflow.Editor}, testPassword, apperr.EINVALID},
			{User{Username: "nodept2", Role: workflow.Approver}, testPassword, apperr.EINVALID},
			{User{Username: "revdept", Role: workflow.Reviewer, DepartmentCode: "106001"}, testPassword, apperr.EINVALID},
			{User{Username: "admdept", Role: workflow.Admin, DepartmentCode: "106001"}, testPassword, apperr.EINVALID},
			{User{Username: "badrole", Role: "root"}, testPassword, apperr.EINVALID},
		} {
			if _, err := s.CreateUser(ctx, c.u, c.password); apperr.Code(err) != c.code {
				t.Errorf("CreateUser(%+v, %q): %v (%s), want %s", c.u, c.password, err, apperr.Code(err), c.code)
			}
		}
		// The database refuses what Go refuses.
		for _, q := range []string{
			"INSERT INTO users (username, role, department_code, password_hash, created_at) VALUES ('x1', 'reviewer', '106001', '$argon2id$x', ?)",
			"INSERT INTO users (username, role, department_code, password_hash, created_at) VALUES ('x2', 'editor', NULL, '$argon2id$x', ?)",
			"INSERT INTO users (username, role, department_code, password_hash, created_at) VALUES ('x3', 'root', NULL, '$argon2id$x', ?)",
			"INSERT INTO users (username, role, department_code, password_hash, created_at) VALUES ('x4', 'admin', NULL, 'plain', ?)",
		} {
			if _, err := s.db.Exec(s.rebind(q), time.Now()); err == nil {
				t.Errorf("database accepted %s", q)
			}
		}

		u, err := s.Authenticate(ctx, "zhang", testPassword)
		if err != nil || u != ed {
			t.Errorf("Authenticate = %+v, %v", u, err)
		}
		wrongPw, err1 := s.Authenticate(ctx, "zhang", "wrong password!")
		unknown, err2 := s.Authenticate(ctx, "nobody", testPassword)
		if apperr.Code(err1) != apperr.EUNAUTHORIZED || apperr.Code(err2) != apperr.EUNAUTHORIZED || err1.Error() != err2.Error() || wrongPw.ID != 0 || unknown.ID != 0 {
			t.Errorf("wrong password: %v; unknown user: %v; want the same apperr.EUNAUTHORIZED", err1, err2)
		}
		if _, err := s.Authenticate(ctx, "zhang", strings.Repeat("x", 5000)); apperr.Code(err) != apperr.EUNAUTHORIZED {
			t.Errorf("huge password: %v", err)
		}

		if err := s.SetPassword(ctx, ed.ID, "short"); apperr.Code(err) != apperr.EINVALID {
			t.Errorf("short new password: %v", err)
		}
		if err := s.SetPassword(ctx, 99999, "a new long password"); apperr.Code(err) != apperr.ENOTFOUND {
			t.Errorf("password of a missing user: %v", err)
		}
		if err := s.SetPassword(ctx, ed.ID, "a new long password"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, "zhang", testPassword); apperr.Code(err) != apperr.EUNAUTHORIZED {
			t.Errorf("old password after change: %v", err)
		}
		if _, err := s.Authenticate(ctx, "zhang", "a new long password"); err != nil {
			t.Errorf("new password: %v", err)
		}

		if err := s.DisableUser(ctx, ed.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, "zhang", "a new long password"); apperr.Code(err) != apperr.EUNAUTHORIZED || !strings.Contains(err.Error(), "停用") {
			t.Errorf("disabled user: %v", err)
		}
		if _, err := s.Authenticate(ctx, "zhang", "wrong password!"); err == nil || strings.Contains(err.Error(), "停用") {
			t.Errorf("disabled user, wrong password: %v; must not reveal the account", err)
		}
		list, err := s.ListUsers(ctx)
		if err != nil || len(list) != 2 || list[0].Username != "li" || list[1].Username != "zhang" || !list[1].Disabled || list[0] != rv {
			t.Errorf("ListUsers = %+v, %v", list, err)
		}
		if err := s.EnableUser(ctx, ed.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, "zhang", "a new long password"); err != nil {
			t.Errorf("enabled again: %v", err)
		}
	})
}

func TestSessions(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		clock := time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
		s.now = func() time.Time { return clock }
		u := mkUser(t, s, "wang", workflow.Approver, "106001")
		other := mkUser(t, s, "zhao", workflow.Reviewer, "")

		token, err := s.CreateSession(ctx, u.ID, 2*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		token2, err := s.CreateSession(ctx, other.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if len(token) != 43 || token == token2 {
			t.Errorf("tokens %q %q", token, token2)
		}
		var stored string
		if err := s.db.QueryRow(s.rebind("SELECT token_hash FROM sessions WHERE user_id = ?"), u.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored == token || stored != tokenHash(token) || len(stored) != 64 {
			t.Errorf("stored %q for token %q: want its SHA-256 only", stored, token)
		}
		if got, err := s.SessionUser(ctx, token); err != nil || got != u {
			t.Errorf("SessionUser = %+v, %v", got, err)
		}
		for _, bad := range []string{"", "x", token + "A", strings.Repeat("A", 43), stored} {
			if _, err := s.SessionUser(ctx, bad); apperr.Code(err) != apperr.EUNAUTHORIZED {
				t.Errorf("SessionUser(%q): %v, want apperr.EUNAUTHORIZED", bad, err)
			}
		}
		if _, err := s.CreateSession(ctx, 99999, time.Hour); apperr.Code(err) != apperr.EUNAUTHORIZED {
			t.Errorf("session for a missing user: %v", err)
		}
		if _, err := s.CreateSession(ctx, u.ID, 0); apperr.Code(err) != apperr.EINVALID {
			t.Errorf("zero ttl: %v", err)
		}

		// last_seen follows use, at most once a minute.
		clock = clock.Add(90 * time.Minute)
		if _, err := s.SessionUser(ctx, token); err != nil {
			t.Fatal(err)
		}
		var seen time.Time
		if err := s.db.QueryRow(s.rebind("SELECT last_seen FROM sessions WHERE token_hash = ?"), stored).Scan(&seen); err != nil || !seen.Equal(clock) {
			t.Errorf("last_seen %v, want %v (%v)", seen, clock, err)
		}
		// other's one-hour session has expired; u's two hours have not.
		if _, err := s.SessionUser(ctx, token2); apperr.Code(err) != apperr.EUNAUTHORIZED {
			t.Errorf("expired session: %v", err)
		}
		clock = clock.Add(30*time.Minute - time.Microsecond)
		if _, err := s.SessionUser(ctx, token); err != nil {
			t.Errorf("a microsecond before expiry: %v", err)
		}
		if n, err := s.DeleteExpiredSessions(ctx); err != nil || n != 1 {
			t.Errorf("DeleteExpiredSessions = %d, %v; want 1", n, err)
		}
		clock = clock.Add(time.Microsecond)
		if _, err := s.SessionUser(ctx, token); apperr.Code(err) != apperr.EUNAUTHORIZED {
			t.Errorf("at expiry: %v", err)
		}
		if n, err := s.DeleteExpiredSessions(ctx); err != nil || n != 1 {
			t.Errorf("DeleteExpiredSessions = %d, %v; want 1", n, err)
		}
		if n := count(t, s, "sessions"); n != 0 {
			t.Errorf("%d sessions left", n)
		}

		// Logout, disabling and a password change end sessions.
		t1, _ := s.CreateSession(ctx, u.ID, time.Hour)
		t2, _ := s.CreateSession(ctx, u.ID, time.Hour)
		t3, _ := s.CreateSession(ctx, other.ID, time.Hour)
		if err := s.DeleteSession(ctx, t1); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteSession(ctx, "not a token"); err != nil {
			t.Errorf("logout with a bad token: %v", err)
		}
		if _, err := s.SessionUser(ctx, t1); apperr.Code(err) != apperr.EUNAUTHORIZED {
			t.Errorf("after logout: %v", err)
		}
		if _, err := s.SessionUser(ctx, t2); err != nil {
			t.Errorf("the other session of the same user: %v", err)
		}
		if err := s.DisableUser(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, t2); apperr.Code(err) != apperr.EUNAUTHORIZED {
			t.Errorf("after disabling: %v", err)
		}
		if _, err := s.CreateSession(ctx, u.ID, time.Hour); apperr.Code(err) != apperr.EUNAUTHORIZED {
			t.Errorf("session for a disabled user: %v", err)
		}
		if err := s.SetPassword(ctx, other.ID, "another long password"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, t3); apperr.Code(err) != apperr.EUNAUTHORIZED {
			t.Errorf("after a password change: %v", err)
		}
	})
}

// history returns the history rows with the action.
func historyOf(t *testing.T, s *Store, code string, year int, action string) []Change {
	t.Helper()
	h, err := s.History(ctx, code, year)
	if err != nil {
		t.Fatal(err)
	}
	var out []Change
	for _, c := range h {
		if c.Action == action {
			out = append(out, c)
		}
	}
	return out
}

func fmtUser(u User) string { return fmt.Sprintf("%s(%s)", u.Username, u.Role) }
