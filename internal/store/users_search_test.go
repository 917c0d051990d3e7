package store

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/workflow"
)

// TestSearchUsers: the administrator's search finds accounts by username,
// display name, department code and registered department name, in any
// case, with LIKE's wildcards taken literally; pages are in username
// order, do not overlap and together hold every account found; the count
// is of all found.
func TestSearchUsers(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		admin := mkUser(t, s, "Admin", workflow.Admin, "")
		for _, d := range []DepartmentMaster{{Code: "900100", Name: "示例市财政局"}, {Code: "900200", Name: "示例市卫生健康局"}} {
			if _, err := s.SaveDepartment(ctx, d, admin, "测试"); err != nil {
				t.Fatal(err)
			}
		}
		var all []string
		for i := 1; i <= 60; i++ {
			dept := "900100"
			if i%3 == 0 {
				dept = "900200"
			}
			u := User{Username: fmt.Sprintf("Editor-%03d", i), DisplayName: fmt.Sprintf("填报人%d", i), Role: workflow.Editor, DepartmentCode: dept}
			if _, err := s.CreateUser(ctx, u, testPassword); err != nil {
				t.Fatal(err)
			}
			all = append(all, u.Username)
		}
		// A department code registered nowhere, and wildcards in a name.
		for _, u := range []User{
			{Username: "odd%_user", DisplayName: "通配符", Role: workflow.Editor, DepartmentCode: "555000"},
			{Username: "zhao", DisplayName: "赵审核", Role: workflow.Reviewer},
		} {
			if _, err := s.CreateUser(ctx, u, testPassword); err != nil {
				t.Fatal(err)
			}
			all = append(all, u.Username)
		}
		all = append(all, "Admin")
		slices.Sort(all)

		// Every account, in pages of 25.
		var seen []string
		for off := 0; off < 100; off += 25 {
			p, err := s.SearchUsers(ctx, "  ", 25, off)
			if err != nil {
				t.Fatal(err)
			}
			if p.Total != len(all) {
				t.Fatalf("total %d, want %d", p.Total, len(all))
			}
			for _, u := range p.Users {
				seen = append(seen, u.Username)
			}
		}
		if !slices.Equal(seen, all) {
			t.Errorf("pages hold\n%v\nwant\n%v", seen, all)
		}

		count := func(q string) (int, []UserRow) {
			t.Helper()
			p, err := s.SearchUsers(ctx, q, 50, 0)
			if err != nil {
				t.Fatal(err)
			}
			return p.Total, p.Users
		}
		for q, want := range map[string]int{
			"editor-00":  9,  // Editor-001 … Editor-009, in another case
			"EDITOR-05":  10, // 050 … 059
			"填报人5":       11, // 5, 50 … 59
			"900200":     20, // department code
			"卫生健康":       20, // department name
			"财政局":        40,
			"%":          1, // literally, not every account
			"_":          1,
			"555000":     1, // a code not registered
			"赵":          1,
			"nobody":     0,
			"editor\x00": 0,
		} {
			if n, _ := count(q); n != want {
				t.Errorf("%q: %d found, want %d", q, n, want)
			}
		}
		if _, us := count("卫生"); len(us) == 0 || us[0].DepartmentName != "示例市卫生健康局" || us[0].DepartmentCode != "900200" {
			t.Errorf("a found account does not carry its department's name: %+v", us)
		}
		if _, us := count("odd"); len(us) != 1 || us[0].DepartmentName != "" {
			t.Errorf("an account of an unregistered department: %+v", us)
		}
		// Past the end: the count, no rows.
		if p, err := s.SearchUsers(ctx, "editor", 50, 100); err != nil || p.Total != 60 || len(p.Users) != 0 {
			t.Errorf("past the end: %+v %v", p, err)
		}
		if _, err := s.SearchUsers(ctx, "", 0, 0); apperr.Code(err) != apperr.EINVALID {
			t.Errorf("limit 0: %v", err)
		}
	})
}

// TestChangePassword: a user's own change needs the current password;
// it ends every session of the account; a wrong current password changes
// nothing and ends nothing.
func TestChangePassword(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		u := mkUser(t, s, "qian", workflow.Editor, "900100")
		other := mkUser(t, s, "sun", workflow.Editor, "900100")
		tok1, _ := s.CreateSession(ctx, u.ID, time.Hour)
		tok2, _ := s.CreateSession(ctx, u.ID, time.Hour)
		otherTok, _ := s.CreateSession(ctx, other.ID, time.Hour)

		if err := s.ChangePassword(ctx, u.ID, "wrong password!", "a brand new password"); apperr.Code(err) != apperr.EUNAUTHORIZED || err.Error() != "当前密码不正确" {
			t.Errorf("wrong current password: %v", err)
		}
		if _, err := s.SessionUser(ctx, tok1); err != nil {
			t.Errorf("a wrong current password ended a session: %v", err)
		}
		if err := s.ChangePassword(ctx, u.ID, testPassword, "short"); apperr.Code(err) != apperr.EINVALID {
			t.Errorf("short new password: %v", err)
		}
		if err := s.ChangePassword(ctx, u.ID, testPassword, "a brand new password"); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{tok1, tok2} {
			if _, err := s.SessionUser(ctx, tok); apperr.Code(err) != apperr.EUNAUTHORIZED {
				t.Errorf("a session survived the change: %v", err)
			}
		}
		if _, err := s.SessionUser(ctx, otherTok); err != nil {
			t.Errorf("another account's session ended: %v", err)
		}
		if _, err := s.Authenticate(ctx, "qian", "a brand new password"); err != nil {
			t.Errorf("new password: %v", err)
		}
		if _, err := s.Authenticate(ctx, "qian", testPassword); apperr.Code(err) != apperr.EUNAUTHORIZED {
			t.Errorf("old password still works: %v", err)
		}
		// The old password no longer changes it.
		if err := s.ChangePassword(ctx, u.ID, testPassword, "yet another password"); apperr.Code(err) != apperr.EUNAUTHORIZED {
			t.Errorf("change with the old password: %v", err)
		}
		if err := s.DisableUser(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.ChangePassword(ctx, u.ID, "a brand new password", "yet another password"); apperr.Code(err) != apperr.EUNAUTHORIZED {
			t.Errorf("disabled account: %v", err)
		}
	})
}
