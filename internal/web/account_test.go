package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/store"
)

// postPassword posts the account page's password form with a session.
func (e *env) postPassword(token, current, next, confirm string, header map[string]string) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.do(req{method: "POST", path: "/account/password", token: token, header: header,
		form: url.Values{"current": {current}, "password": {next}, "password2": {confirm}}})
}

// TestAccountPage: every signed-in page links to the account page, which
// shows who the user is and the password form.
func TestAccountPage(t *testing.T) {
	e := newEnv(t)
	for _, user := range []string{editorA, reviewer, admin} {
		if body := e.get(user, "/").Body.String(); !strings.Contains(body, `<a href="/account">我的账号</a>`) {
			t.Errorf("%s's home has no link to the account page", user)
		}
	}
	w := e.get(editorA, "/account")
	body := w.Body.String()
	for _, s := range []string{"<dd>" + editorA + "</dd>", "<dd>天河填报人</dd>", "<dd>部门填报人</dd>", "<dd>" + codeA + " ",
		`action="/account/password"`, `id="account-current" name="current" type="password" autocomplete="current-password"`} {
		if w.Code != http.StatusOK || !strings.Contains(body, s) {
			t.Errorf("account page: %d, lacks %s", w.Code, s)
		}
	}
	if w := e.get(anon, "/account"); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login?next=%2Faccount" {
		t.Errorf("account page without a session: %d %s", w.Code, w.Header().Get("Location"))
	}
}

// TestChangeOwnPassword: a user changes their own password with the
// current one; every problem is shown beside its field in Chinese and
// changes nothing; a wrong current password is throttled as a sign-in is
// (the same counters); success ends the account's other sessions, signs
// this browser in again, and is logged; a cross-site post is refused.
func TestChangeOwnPassword(t *testing.T) {
	e := newEnv(t)
	var logged bytes.Buffer
	e.srv.log = slog.New(slog.NewTextHandler(&logged, nil))
	const newPassword = "a-brand-new-password"
	tok, other := e.session(editorA), e.session(editorA)
	reviewerTok := e.session(reviewer)

	check := func(name string, w *httptest.ResponseRecorder, status int, want ...string) {
		t.Helper()
		body := w.Body.String()
		if w.Code != status {
			t.Errorf("%s: %d, want %d\n%s", name, w.Code, status, firstLines(body, 80))
			return
		}
		for _, s := range want {
			if !strings.Contains(body, s) {
				t.Errorf("%s: page lacks %s", name, s)
			}
		}
	}
	check("all empty", e.postPassword(tok, "", "", "", nil), http.StatusUnprocessableEntity,
		`id="account-current" name="current" type="password" autocomplete="current-password" required aria-invalid="true" aria-describedby="account-current-err">`,
		`<span class="field-error" id="account-current-err">当前密码：不能为空</span>`,
		`<span class="field-error" id="account-new-err">密码：不能为空</span>`,
		`<span class="field-error" id="account-new2-err">确认密码：不能为空</span>`, "密码未修改，请修改以下 3 处后重试")
	check("short and mismatched", e.postPassword(tok, password, "short", "other", nil), http.StatusUnprocessableEntity,
		`aria-invalid="true" aria-describedby="account-new-err">`, "密码：至少需要 "+strconv.Itoa(store.MinPasswordLen)+" 个字符", "确认密码：与密码不一致")
	check("same as before", e.postPassword(tok, password, password, password, nil), http.StatusUnprocessableEntity, "新密码不能与当前密码相同")

	// A cross-site post is refused before anything is read.
	w := e.postPassword(tok, password, newPassword, newPassword, map[string]string{"Sec-Fetch-Site": "cross-site"})
	if w.Code != http.StatusForbidden {
		t.Errorf("cross-site password change: %d, want 403", w.Code)
	}

	// Wrong current passwords: three free, then a growing delay, shared
	// with the sign-in form.
	for i := 1; i <= 4; i++ {
		check("wrong current "+strconv.Itoa(i), e.postPassword(tok, "wrong-password-1", newPassword, newPassword, nil), http.StatusUnprocessableEntity,
			`<span class="field-error" id="account-current-err">当前密码：不正确，请重新输入</span>`)
	}
	w = e.postPassword(tok, password, newPassword, newPassword, nil)
	check("right password during the delay", w, http.StatusTooManyRequests, "当前密码：当前密码输错次数过多，请 1 秒后再试")
	if w.Header().Get("Retry-After") != "1" {
		t.Errorf("Retry-After %q", w.Header().Get("Retry-After"))
	}
	if w := e.tryLogin(editorA, password, "192.0.2.1:1234", nil); w.Code != http.StatusTooManyRequests {
		t.Errorf("sign-in from the same address during the delay: %d, want 429", w.Code)
	}
	if _, err := e.st.Authenticate(context.Background(), editorA, password); err != nil {
		t.Fatalf("refused changes changed the password: %v", err)
	}
	for _, tk := range []string{tok, other} {
		if _, err := e.st.SessionUser(context.Background(), tk); err != nil {
			t.Fatalf("a refused change ended a session: %v", err)
		}
	}

	// After the delay, the change.
	e.now = e.now.Add(2 * time.Second)
	w = e.postPassword(tok, password, newPassword, newPassword, nil)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/account" {
		t.Fatalf("password change: %d %s\n%s", w.Code, w.Header().Get("Location"), firstLines(w.Body.String(), 60))
	}
	var fresh string
	for _, c := range w.Result().Cookies() {
		if c.Name == SessionCookie {
			fresh = c.Value
		}
	}
	for name, tk := range map[string]string{"this browser's old session": tok, "another device's session": other} {
		if _, err := e.st.SessionUser(context.Background(), tk); apperr.Code(err) != apperr.EUNAUTHORIZED {
			t.Errorf("%s survived the change: %v", name, err)
		}
	}
	if fresh == "" {
		t.Fatal("no new session cookie")
	}
	page := e.do(req{method: "GET", path: "/account", token: fresh, cookies: w.Result().Cookies()})
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), "已修改您的密码") {
		t.Errorf("the new session: %d", page.Code)
	}
	if _, err := e.st.SessionUser(context.Background(), reviewerTok); err != nil {
		t.Errorf("another account's session ended: %v", err)
	}
	if _, err := e.st.Authenticate(context.Background(), editorA, newPassword); err != nil {
		t.Errorf("new password: %v", err)
	}
	if _, err := e.st.Authenticate(context.Background(), editorA, password); apperr.Code(err) != apperr.EUNAUTHORIZED {
		t.Errorf("old password still works: %v", err)
	}
	if !strings.Contains(logged.String(), `msg="password changed" by=`+editorA+` username=`+editorA) {
		t.Errorf("the change is not logged:\n%s", logged.String())
	}
}
