package web

import (
	"bytes"
	"context"
	"html"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jixiao/jixiao/internal/workflow"
)

var (
	seedIDsOnce sync.Once
	seedIDs     map[string]int64
)

// seedUserID is the id of a seeded account: every test database is a copy
// of the seed, so ids are the same in all of them.
func seedUserID(t testing.TB, username string) int64 {
	t.Helper()
	seedIDsOnce.Do(func() {
		e := newEnv(t)
		seedIDs = map[string]int64{}
		for name, u := range e.users {
			seedIDs[name] = u.ID
		}
	})
	id, ok := seedIDs[username]
	if !ok {
		t.Fatalf("no seeded user %s", username)
	}
	return id
}

// adminUserPath is the path of an action on a seeded account.
func adminUserPath(t testing.TB, username, action string) string {
	return "/admin/users/" + strconv.FormatInt(seedUserID(t, username), 10) + "/" + action
}

// adminNewUserForm is a valid create form for an editor of department A.
func adminNewUserForm(username string) url.Values {
	return url.Values{
		"username": {username}, "display_name": {"新填报人"}, "role": {workflow.Editor},
		"department": {codeA}, "password": {password}, "password2": {password},
	}
}

// adminSameOrigin marks a request as coming from the site's own pages.
var adminSameOrigin = map[string]string{"Origin": "http://jixiao.example", "Sec-Fetch-Site": "same-origin"}

// adminPost submits a form as the administrator, from the site.
func (e *env) adminPost(path string, form url.Values) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.do(req{method: "POST", path: path, form: form, token: e.session(admin), header: adminSameOrigin})
}

// uploadFramework posts a framework file as a multipart form.
func (e *env) uploadFramework(user, filename string, content []byte) *httptest.ResponseRecorder {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		e.t.Fatal(err)
	}
	fw.Write(content)
	if err := mw.Close(); err != nil {
		e.t.Fatal(err)
	}
	hr := httptest.NewRequest("POST", "http://jixiao.example/admin/frameworks", &body)
	hr.Header.Set("Content-Type", mw.FormDataContentType())
	for k, v := range adminSameOrigin {
		hr.Header.Set(k, v)
	}
	if tok := e.session(user); tok != "" {
		hr.AddCookie(&http.Cookie{Name: SessionCookie, Value: tok})
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, hr)
	return w
}

func (e *env) userCount() int {
	e.t.Helper()
	us, err := e.st.ListUsers(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return len(us)
}

func (e *env) frameworkCount() int {
	e.t.Helper()
	vs, err := e.st.ListFrameworkVersions(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return len(vs)
}

// adminAlertItems returns the list items of the page's role="alert" blocks.
func adminAlertItems(body string) []string {
	var out []string
	for _, block := range regexp.MustCompile(`(?s)role="alert">(.*?)</div>`).FindAllStringSubmatch(body, -1) {
		for _, li := range regexp.MustCompile(`(?s)<li>(.*?)</li>`).FindAllStringSubmatch(block[1], -1) {
			out = append(out, html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(li[1], "")))
		}
	}
	return out
}

func TestAdminCreateUser(t *testing.T) {
	e := newEnv(t)
	w := e.adminPost("/admin/users", adminNewUserForm("new-editor"))
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/users" {
		t.Fatalf("create: %d %s\n%s", w.Code, w.Header().Get("Location"), w.Body.String())
	}
	// The flash names the account, and the list shows it.
	var flash *http.Cookie
	for _, c := range w.Result().Cookies() {
		if c.Name == flashCookie {
			flash = c
		}
	}
	if flash == nil {
		t.Fatal("no flash after creating")
	}
	page := e.do(req{method: "GET", path: "/admin/users", token: e.session(admin), cookies: []*http.Cookie{flash}}).Body.String()
	if !strings.Contains(page, "已创建账号 new-editor") || !strings.Contains(page, "新填报人") {
		t.Errorf("list after creating:\n%s", page)
	}
	// The new account signs in through the form and sees its department.
	b := e.signIn(t, "new-editor")
	if body := b.get(t, pathA); !strings.Contains(body, e.record(codeA, yearA).Department) {
		t.Errorf("new editor does not see department A")
	}
	if w := e.do(req{method: "GET", path: pathB, token: b.token}); w.Code != http.StatusNotFound {
		t.Errorf("new editor reads department B: %d", w.Code)
	}
	if w := e.do(req{method: "GET", path: "/admin/users", token: b.token}); w.Code != http.StatusForbidden {
		t.Errorf("new editor on /admin/users: %d", w.Code)
	}
	// Reviewers and administrators belong to no department.
	f := adminNewUserForm("new-reviewer")
	f.Set("role", workflow.Reviewer)
	f.Del("department")
	if w := e.adminPost("/admin/users", f); w.Code != http.StatusSeeOther {
		t.Fatalf("create reviewer: %d\n%s", w.Code, w.Body.String())
	}
	if u, err := e.st.Authenticate(context.Background(), "new-reviewer", password); err != nil || u.Role != workflow.Reviewer || u.DepartmentCode != "" {
		t.Errorf("reviewer: %+v, %v", u, err)
	}
}

func TestAdminCreateUserInvalid(t *testing.T) {
	e := newEnv(t)
	before := e.userCount()
	cases := []struct {
		name   string
		form   url.Values
		status int
		want   []string
	}{
		{"everything wrong", url.Values{"username": {""}, "display_name": {strings.Repeat("名", 101)}, "role": {workflow.Editor},
			"department": {""}, "password": {"short"}, "password2": {"other"}}, 422,
			[]string{"用户名：不能为空", "显示名称：过长（最多 100 个字符）", "所属部门：部门填报人必须选择所属部门", "密码：至少需要 10 个字符", "确认密码：与密码不一致"}},
		{"nothing filled in", url.Values{}, 422,
			[]string{"用户名：不能为空", "角色：请选择角色", "密码：不能为空", "确认密码：不能为空"}},
		{"unknown department", func() url.Values { f := adminNewUserForm("zhang"); f.Set("department", "555555"); return f }(), 422,
			[]string{"所属部门：部门 555555 不存在：请先在“部门管理”中添加该部门"}},
		{"reviewer with a department", func() url.Values { f := adminNewUserForm("li"); f.Set("role", workflow.Reviewer); return f }(), 422,
			[]string{"所属部门：财政审核人不属于任何部门，请选择“不属于任何部门”"}},
		{"bad username and role", func() url.Values { f := adminNewUserForm("has space"); f.Set("role", "root"); return f }(), 422,
			[]string{"用户名：不能包含空格或控制字符", "角色：角色 \"root\" 无效"}},
		{"username taken", adminNewUserForm(editorB), 409, []string{"用户名：“editor-b”已被使用"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := e.adminPost("/admin/users", c.form)
			if w.Code != c.status {
				t.Fatalf("%d, want %d\n%s", w.Code, c.status, w.Body.String())
			}
			got := adminAlertItems(w.Body.String())
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
			body := w.Body.String()
			if !strings.Contains(body, `aria-invalid="true"`) {
				t.Errorf("no field marked invalid")
			}
			if c.form.Get("password") != "" && strings.Contains(body, c.form.Get("password")) {
				t.Errorf("the page echoes the password")
			}
			if u := c.form.Get("display_name"); u != "" && len(u) < 100 && !strings.Contains(body, `value="`+u+`"`) {
				t.Errorf("the form lost the display name")
			}
		})
	}
	if after := e.userCount(); after != before {
		t.Errorf("invalid forms created %d accounts", after-before)
	}
}

func TestAdminDisableUser(t *testing.T) {
	e := newEnv(t)
	tok := e.session(editorA)
	if w := e.adminPost(adminUserPath(t, editorA, "disable"), url.Values{}); w.Code != http.StatusSeeOther {
		t.Fatalf("disable: %d\n%s", w.Code, w.Body.String())
	}
	// The open session ended, and signing in is refused.
	if w := e.do(req{method: "GET", path: "/", token: tok}); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
		t.Errorf("disabled user's session still works: %d", w.Code)
	}
	w := e.do(req{method: "POST", path: "/login", form: url.Values{"username": {editorA}, "password": {password}}})
	if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "已停用") {
		t.Errorf("disabled sign-in: %d\n%s", w.Code, w.Body.String())
	}
	if body := e.get(admin, "/admin/users").Body.String(); !strings.Contains(body, "已停用") || !strings.Contains(body, adminUserPath(t, editorA, "enable")) {
		t.Errorf("list does not show the account disabled with an enable button")
	}
	if w := e.adminPost(adminUserPath(t, editorA, "enable"), url.Values{}); w.Code != http.StatusSeeOther {
		t.Fatalf("enable: %d", w.Code)
	}
	e.signIn(t, editorA)

	// An administrator cannot disable themselves.
	w = e.adminPost(adminUserPath(t, admin, "disable"), url.Values{})
	if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "不能停用自己的账号") {
		t.Errorf("self-disable: %d\n%s", w.Code, w.Body.String())
	}
	if u, err := e.st.GetUser(context.Background(), seedUserID(t, admin)); err != nil || u.Disabled {
		t.Errorf("administrator disabled: %+v, %v", u, err)
	}
	if body := e.get(admin, "/admin/users").Body.String(); strings.Contains(body, adminUserPath(t, admin, "disable")) {
		t.Errorf("the list offers the administrator to disable themselves")
	}
	for _, path := range []string{"/admin/users/99999/disable", "/admin/users/abc/enable", "/admin/users/0/password"} {
		if w := e.adminPost(path, url.Values{}); w.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, w.Code)
		}
	}
}

func TestAdminResetPassword(t *testing.T) {
	e := newEnv(t)
	const newPassword = "another-long-password"
	path := adminUserPath(t, editorB, "password")
	w := e.adminPost(path, url.Values{"password": {"short"}, "password2": {"different"}})
	if w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad reset: %d", w.Code)
	}
	id := strconv.FormatInt(seedUserID(t, editorB), 10)
	got := adminAlertItems(w.Body.String())
	if len(got) != 2 || got[0] != "密码：至少需要 10 个字符" || got[1] != "确认密码：与密码不一致" || !strings.Contains(w.Body.String(), `href="#pw-`+id+`"`) {
		t.Errorf("reset errors: %q", got)
	}
	if _, err := e.st.Authenticate(context.Background(), editorB, password); err != nil {
		t.Fatalf("a refused reset changed the password: %v", err)
	}
	tok := e.session(editorB)
	if w := e.adminPost(path, url.Values{"password": {newPassword}, "password2": {newPassword}}); w.Code != http.StatusSeeOther {
		t.Fatalf("reset: %d\n%s", w.Code, w.Body.String())
	}
	if _, err := e.st.Authenticate(context.Background(), editorB, password); err == nil {
		t.Errorf("old password still works")
	}
	if _, err := e.st.Authenticate(context.Background(), editorB, newPassword); err != nil {
		t.Errorf("new password: %v", err)
	}
	if w := e.do(req{method: "GET", path: "/", token: tok}); w.Code != http.StatusSeeOther {
		t.Errorf("session survived the reset: %d", w.Code)
	}
	// Resetting one's own password keeps one signed in, with a new session.
	w = e.adminPost(adminUserPath(t, admin, "password"), url.Values{"password": {newPassword}, "password2": {newPassword}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("own reset: %d", w.Code)
	}
	var session string
	for _, c := range w.Result().Cookies() {
		if c.Name == SessionCookie {
			session = c.Value
		}
	}
	if session == "" {
		t.Fatal("no new session after changing one's own password")
	}
	if w := e.do(req{method: "GET", path: "/admin/users", token: session}); w.Code != http.StatusOK {
		t.Errorf("new session: %d", w.Code)
	}
}

func TestAdminDepartments(t *testing.T) {
	e := newEnv(t)
	body := e.get(admin, "/admin/departments").Body.String()
	for _, want := range []string{codeA, codeB, "2023 年", "草稿", e.record(codeA, yearA).Department} {
		if !strings.Contains(body, want) {
			t.Errorf("department list lacks %q", want)
		}
	}
	w := e.adminPost("/admin/departments", url.Values{"code": {"a b"}, "name": {" "}})
	if got := adminAlertItems(w.Body.String()); w.Code != 422 || len(got) != 2 || got[0] != "部门编码：不能包含空格" || got[1] != "部门名称：不能为空" {
		t.Errorf("invalid department: %d %q", w.Code, got)
	}
	if w := e.adminPost("/admin/departments", url.Values{"code": {"900100"}, "name": {"示例市财政局"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("add: %d\n%s", w.Code, w.Body.String())
	}
	// An editor can now be created for it, and the department counts them.
	f := adminNewUserForm("finance-editor")
	f.Set("department", "900100")
	if w := e.adminPost("/admin/users", f); w.Code != http.StatusSeeOther {
		t.Fatalf("editor of the new department: %d\n%s", w.Code, w.Body.String())
	}
	if w := e.adminPost("/admin/departments", url.Values{"code": {"900100"}, "name": {"示例市财政局（更名）"}, "reason": {"更名"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("rename: %d", w.Code)
	}
	ds, err := e.st.ListDepartments(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range ds {
		if d.Code == "900100" {
			found = true
			if d.Name != "示例市财政局（更名）" || d.Users != 1 || len(d.Years) != 0 {
				t.Errorf("new department: %+v", d)
			}
		}
	}
	if !found {
		t.Fatal("department not stored")
	}
	// The rename link fills the form.
	body = e.get(admin, "/admin/departments?code=900100").Body.String()
	if !strings.Contains(body, "修改部门登记信息") || !strings.Contains(body, `value="示例市财政局（更名）"`) {
		t.Errorf("rename form not filled in")
	}
}

// adminFrameworkFile is the built-in department framework with another version.
func adminFrameworkFile(t *testing.T, version string) []byte {
	t.Helper()
	data, err := os.ReadFile("../../frameworks/gz-dept-2023.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const old = "version: \"2023.3\"\n"
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("framework file has no %q", old)
	}
	return bytes.Replace(data, []byte(old), []byte("version: \""+version+"\"\n"), 1)
}

const adminBrokenFramework = `id: broken
name: 坏框架
version: "1"
scope: nowhere
total: 100
colour: red
indicators:
  - code: A
    name: 甲
    points: 60
    rule:
      kind: manual
  - code: A
    name: 乙
    points: 30
    rule:
      kind: nonsense
`

func TestAdminFrameworks(t *testing.T) {
	e := newEnv(t)
	before := e.frameworkCount()
	body := e.get(admin, "/admin/frameworks").Body.String()
	for _, want := range []string{"gz-dept-2023", "cn-project-2020", "2023.3", "内置", "已入库", codeA} {
		if !strings.Contains(body, want) {
			t.Errorf("frameworks page lacks %q", want)
		}
	}

	// A broken file: every error, with its line and field, nothing stored.
	w := e.uploadFramework(admin, "broken.yaml", []byte(adminBrokenFramework))
	if w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("broken: %d\n%s", w.Code, w.Body.String())
	}
	got := adminAlertItems(w.Body.String())
	want := []string{"第 4 行 · 字段 scope", "第 6 行 · 字段 colour", "第 7 行 · 字段 indicators", "第 13 行 · 字段 indicators[1].code", "第 17 行 · 字段 indicators[1].rule.kind"}
	if len(got) != len(want) {
		t.Fatalf("broken file: %d findings shown, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("finding %d: %q, want it to start with %q", i, got[i], want[i])
		}
	}
	if !strings.Contains(w.Body.String(), "E110") || !strings.Contains(w.Body.String(), "未知字段") {
		t.Errorf("findings lack their codes or messages")
	}
	if n := e.frameworkCount(); n != before {
		t.Fatalf("a broken file was stored")
	}

	// A valid file with a new version is stored and listed.
	next := adminFrameworkFile(t, "2099.1")
	if w := e.uploadFramework(admin, "gz-dept-2099.yaml", next); w.Code != http.StatusSeeOther {
		t.Fatalf("valid upload: %d\n%s", w.Code, w.Body.String())
	}
	if n := e.frameworkCount(); n != before+1 {
		t.Fatalf("%d framework versions, want %d", n, before+1)
	}
	body = e.get(admin, "/admin/frameworks").Body.String()
	if !strings.Contains(body, "2099.1") {
		t.Errorf("the new version is not listed")
	}
	vs, err := e.st.ListFrameworkVersions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	for _, v := range vs {
		if v.Version == "2099.1" {
			id = v.ID
		}
	}
	detail := e.get(admin, "/admin/frameworks/"+strconv.FormatInt(id, 10))
	if detail.Code != 200 || !strings.Contains(detail.Body.String(), "履职效能") || !strings.Contains(detail.Body.String(), "尚无部门年度使用该版本") {
		t.Errorf("detail page: %d\n%s", detail.Code, firstLines(detail.Body.String(), 40))
	}

	// Refused: the same file again, the built-in file (already pinned by
	// the seed's import), the built-in version with other content, a file
	// of another kind, an oversized file, no file.
	for _, c := range []struct {
		name, file string
		content    []byte
		status     int
		msg        string
	}{
		{"duplicate", "again.yaml", next, 409, "无需重复上传"},
		{"built-in bytes", "gz.yaml", adminFrameworkFile(t, "2023.3"), 409, "无需重复上传"},
		{"built-in version changed", "gz.yaml", append([]byte("# 改动\n"), adminFrameworkFile(t, "2023.3")...), 409, "提高版本号"},
		{"not YAML by name", "framework.txt", next, 422, "只接受 .yaml、.yml 或 .json 文件"},
		{"too large", "big.yaml", bytes.Repeat([]byte("#"), maxFrameworkUpload+1), 413, "超过 2 MiB 上限"},
		{"far too large", "bigger.yaml", bytes.Repeat([]byte("#"), 3<<20), 413, "超过 2 MiB 上限"},
		{"empty", "empty.yaml", nil, 422, "文件为空"},
		{"not UTF-8", "gbk.yaml", []byte("id: \xb2\xe2\xca\xd4\n"), 422, "UTF-8"},
	} {
		w := e.uploadFramework(admin, c.file, c.content)
		if w.Code != c.status || !strings.Contains(strings.Join(adminAlertItems(w.Body.String()), "\n"), c.msg) {
			t.Errorf("%s: %d %q, want %d with %q", c.name, w.Code, adminAlertItems(w.Body.String()), c.status, c.msg)
		}
	}
	if w := e.adminPost("/admin/frameworks", url.Values{}); w.Code != 422 || !strings.Contains(w.Body.String(), "请选择要上传的指标框架文件") {
		t.Errorf("no file: %d", w.Code)
	}
	if n := e.frameworkCount(); n != before+1 {
		t.Errorf("refused uploads stored %d versions", n-before-1)
	}
	// Only administrators may upload.
	if w := e.uploadFramework(reviewer, "r.yaml", adminFrameworkFile(t, "2099.5")); w.Code != http.StatusForbidden {
		t.Errorf("reviewer upload: %d", w.Code)
	}
	if w := e.uploadFramework(anon, "r.yaml", adminFrameworkFile(t, "2099.6")); w.Code != http.StatusSeeOther {
		t.Errorf("anonymous upload: %d", w.Code)
	}
	if n := e.frameworkCount(); n != before+1 {
		t.Errorf("uploads by others were stored")
	}
}

// TestAdminPages checks the administrator's pages, and their error
// states, for the markup every page must have.
func TestAdminPages(t *testing.T) {
	e := newEnv(t)
	pages := map[string]*httptest.ResponseRecorder{}
	for _, p := range []string{"/admin", "/admin/users", "/admin/departments", "/admin/departments?code=" + codeA, "/admin/frameworks", "/admin/frameworks/1", "/"} {
		pages[p] = e.get(admin, p)
	}
	pages["users with errors"] = e.adminPost("/admin/users", url.Values{})
	pages["reset with errors"] = e.adminPost(adminUserPath(t, editorA, "password"), url.Values{})
	pages["departments with errors"] = e.adminPost("/admin/departments", url.Values{})
	pages["frameworks with errors"] = e.uploadFramework(admin, "broken.yaml", []byte(adminBrokenFramework))
	for name, w := range pages {
		body := w.Body.String()
		if w.Code != 200 && w.Code != 422 {
			t.Fatalf("%s: %d", name, w.Code)
		}
		if w.Code == 422 && (!strings.Contains(body, `role="alert"`) || !strings.Contains(body, `aria-invalid="true"`)) {
			t.Errorf("%s: errors not announced or fields not marked", name)
		}
		for _, want := range []string{`<html lang="zh-CN">`, `href="#main"`, `id="main"`, `/static/app.css`, `<a href="/admin">系统管理</a>`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: lacks %s", name, want)
			}
		}
		if strings.Contains(body, "style=") || hasInlineScript(body) {
			t.Errorf("%s: inline style or script, which the CSP blocks", name)
		}
		if strings.Contains(body, "<th>") {
			t.Errorf("%s: a table heading without scope", name)
		}
		if strings.Count(body, "<table") != strings.Count(body, "<caption>") {
			t.Errorf("%s: a table without a caption", name)
		}
		for _, id := range idsOf(body) {
			if !strings.Contains(body, `for="`+id+`"`) {
				t.Errorf("%s: field %s has no label", name, id)
			}
		}
		// Every error links to a field that exists.
		for _, m := range regexp.MustCompile(`href="#([^"]+)"`).FindAllStringSubmatch(body, -1) {
			if m[1] != "main" && !strings.Contains(body, `id="`+m[1]+`"`) {
				t.Errorf("%s: link to missing #%s", name, m[1])
			}
		}
	}
	if body := pages["/"].Body.String(); !strings.Contains(body, `href="/admin/users"`) || !strings.Contains(body, `href="/admin/frameworks"`) {
		t.Errorf("the administrator's home has no links to the admin pages")
	}
	if body := pages["reset with errors"].Body.String(); !strings.Contains(body, "<details open>") {
		t.Errorf("the failed reset's form is not open")
	}
	for _, u := range []string{reviewer, editorA} {
		if body := e.get(u, "/").Body.String(); strings.Contains(body, "/admin") {
			t.Errorf("%s sees links to the admin pages", u)
		}
	}
}
