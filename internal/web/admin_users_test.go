package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

var adminUserRowName = regexp.MustCompile(`<tr(?: class="disabled")?>\n<th scope="row">([^<（]+)`)

// listedUsers are the usernames in the account list's rows, in order.
func listedUsers(body string) []string {
	var out []string
	for _, m := range adminUserRowName.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestAdminUserSearch: the account list is searched in the store (by
// username, display name, department code or name, in any case) and
// paged 50 at a time in username order, with the count found and page
// links that keep the search; the forms on a page come back to it.
func TestAdminUserSearch(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var all []string
	for _, u := range e.users {
		all = append(all, u.Username)
	}
	var tianhe []string // department A's accounts
	for i := 1; i <= 120; i++ {
		u := store.User{Username: fmt.Sprintf("Staff-%03d", i), DisplayName: fmt.Sprintf("职员%d", i), Role: workflow.Editor, DepartmentCode: codeB}
		if i%4 == 0 {
			u.DepartmentCode = codeA
		}
		if _, err := e.st.CreateUser(ctx, u, password); err != nil {
			t.Fatal(err)
		}
		all = append(all, u.Username)
		if u.DepartmentCode == codeA {
			tianhe = append(tianhe, u.Username)
		}
	}
	tianhe = append(tianhe, editorA, approverA)
	slices.Sort(all)
	slices.Sort(tianhe)

	// Every account, page by page.
	var seen []string
	for page := 1; page <= 3; page++ {
		w := e.get(admin, fmt.Sprintf("/admin/users?page=%d", page))
		body := w.Body.String()
		rows := listedUsers(body)
		if w.Code != http.StatusOK || len(rows) != min(50, len(all)-len(seen)) {
			t.Fatalf("page %d: %d, %d rows", page, w.Code, len(rows))
		}
		first := len(seen) + 1
		if !strings.Contains(body, fmt.Sprintf("共 %d 个账号，本页显示第 %d–%d 个（第 %d / 3 页，每页 50 个）", len(all), first, first+len(rows)-1, page)) {
			t.Errorf("page %d does not give the count and its place", page)
		}
		if !strings.Contains(body, fmt.Sprintf(`<a href="/admin/users?page=%d" aria-current="page">第 %d 页</a>`, page, page)) && page > 1 {
			t.Errorf("page %d is not marked current", page)
		}
		seen = append(seen, rows...)
	}
	if !slices.Equal(seen, all) {
		t.Errorf("the pages list\n%v\nwant\n%v", seen, all)
	}

	// A search by department name, in pages that keep it.
	w := e.get(admin, "/admin/users?q="+url.QueryEscape(" 天河区人民政府 "))
	body := w.Body.String()
	if rows := listedUsers(body); w.Code != http.StatusOK || !slices.Equal(rows, tianhe) {
		t.Errorf("search by department name: %d\n%v\nwant\n%v", w.Code, rows, tianhe)
	}
	if !strings.Contains(body, fmt.Sprintf("“天河区人民政府”找到 %d 个账号", len(tianhe))) || !strings.Contains(body, `name="q" type="search" maxlength="100" value="天河区人民政府"`) {
		t.Errorf("the search's count or box")
	}
	// By username in another case, over two pages.
	w = e.get(admin, "/admin/users?q=staff-0")
	body = w.Body.String()
	if rows := listedUsers(body); len(rows) != 50 || rows[0] != "Staff-001" || rows[49] != "Staff-050" {
		t.Errorf("search staff-0, page 1: %v", rows)
	}
	for _, s := range []string{"“staff-0”找到 99 个账号", `<a href="/admin/users?page=2&amp;q=staff-0" rel="next">下一页</a>`,
		`<input type="hidden" name="q" value="staff-0">`} {
		if !strings.Contains(body, s) {
			t.Errorf("search staff-0 lacks %s", s)
		}
	}
	w = e.get(admin, "/admin/users?q=staff-0&page=2")
	if rows := listedUsers(w.Body.String()); len(rows) != 49 || rows[0] != "Staff-051" || !strings.Contains(w.Body.String(), `<a href="/admin/users?q=staff-0" rel="prev">上一页</a>`) {
		t.Errorf("search staff-0, page 2: %v", rows)
	}
	// By display name and by department code.
	for q, want := range map[string][]string{"职员11": {"Staff-011", "Staff-110", "Staff-111", "Staff-112", "Staff-113", "Staff-114", "Staff-115", "Staff-116", "Staff-117", "Staff-118", "Staff-119"}, "财政局审核": {reviewer}} {
		if rows := listedUsers(e.get(admin, "/admin/users?q="+url.QueryEscape(q)).Body.String()); !slices.Equal(rows, want) {
			t.Errorf("search %s: %v, want %v", q, rows, want)
		}
	}
	if w := e.get(admin, "/admin/users?q="+url.QueryEscape(codeB)); !strings.Contains(w.Body.String(), fmt.Sprintf("找到 %d 个账号", 90+2)) {
		t.Errorf("search by department code %s", codeB)
	}
	// Nothing found; past the end; bad input.
	if body := e.get(admin, "/admin/users?q=nobody-at-all").Body.String(); !strings.Contains(body, "“nobody-at-all”找到 0 个账号。") || strings.Contains(body, `class="admin-users"`) {
		t.Errorf("nothing found")
	}
	if body := e.get(admin, "/admin/users?page=9").Body.String(); !strings.Contains(body, "第 9 页没有账号（共 3 页）") || !strings.Contains(body, `<a href="/admin/users?page=3" rel="prev">上一页</a>`) {
		t.Errorf("past the end")
	}
	for _, path := range []string{"/admin/users?page=0", "/admin/users?page=abc", "/admin/users?q=" + strings.Repeat("长", 101)} {
		if w := e.get(admin, path); w.Code != http.StatusBadRequest || !(strings.Contains(w.Body.String(), "页码") || strings.Contains(w.Body.String(), "搜索内容过长")) {
			t.Errorf("%s: %d", path, w.Code)
		}
	}

	// A form on a searched page comes back to it.
	staff := fmt.Sprintf("/admin/users/%d/disable", userID(t, e, "Staff-060"))
	w = e.post(admin, staff, url.Values{"q": {"staff-0"}, "page": {"2"}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/users?page=2&q=staff-0" {
		t.Errorf("disable from a searched page: %d %s", w.Code, w.Header().Get("Location"))
	}
}

func userID(t *testing.T, e *env, username string) int64 {
	t.Helper()
	found, err := e.st.SearchUsers(context.Background(), username, 1, 0)
	if err != nil || len(found.Users) != 1 {
		t.Fatalf("user %s: %+v %v", username, found, err)
	}
	return found.Users[0].ID
}
