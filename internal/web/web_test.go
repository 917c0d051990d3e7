package web

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/workflow"
)

// browser signs in through the form and keeps its session cookie.
type browser struct {
	e     *env
	token string
	jar   map[string]*http.Cookie // other cookies (the flash message)
}

// keep remembers the cookies a response sets, other than the session.
func (b *browser) keep(w *httptest.ResponseRecorder) {
	for _, c := range w.Result().Cookies() {
		switch {
		case c.Name == SessionCookie:
		case c.MaxAge < 0:
			delete(b.jar, c.Name)
		default:
			b.jar[c.Name] = c
		}
	}
}

func (b *browser) cookies() []*http.Cookie {
	var out []*http.Cookie
	for _, c := range b.jar {
		out = append(out, &http.Cookie{Name: c.Name, Value: c.Value})
	}
	return out
}

func (e *env) signIn(t *testing.T, username string) *browser {
	t.Helper()
	w := e.do(req{method: "POST", path: "/login", form: url.Values{"username": {username}, "password": {password}, "next": {"/"}}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/" {
		t.Fatalf("sign in %s: %d %s\n%s", username, w.Code, w.Header().Get("Location"), w.Body.String())
	}
	for _, c := range w.Result().Cookies() {
		if c.Name == SessionCookie {
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
				t.Errorf("session cookie attributes: %+v", c)
			}
			return &browser{e: e, token: c.Value, jar: map[string]*http.Cookie{}}
		}
	}
	t.Fatalf("sign in %s: no session cookie", username)
	return nil
}

func (b *browser) get(t *testing.T, path string) string {
	t.Helper()
	w := b.e.do(req{method: "GET", path: path, token: b.token, cookies: b.cookies()})
	b.keep(w)
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, w.Code, w.Body.String())
	}
	return w.Body.String()
}

// submit posts a form from the workspace page, with the version the page
// shows, and returns the response.
func (b *browser) submit(t *testing.T, action string, form url.Values) *http.Response {
	t.Helper()
	page := b.get(t, pathA)
	form.Set("version", pageVersion(t, page))
	w := b.e.do(req{method: "POST", path: pathA + action, form: form, token: b.token,
		header: map[string]string{"Origin": "http://jixiao.example", "Sec-Fetch-Site": "same-origin"}, cookies: b.cookies()})
	b.keep(w)
	return w.Result()
}

// move submits a transition form and expects success.
func (b *browser) move(t *testing.T, to, comment string) {
	t.Helper()
	resp := b.submit(t, "/transition", url.Values{"to": {to}, "comment": {comment}})
	if resp.StatusCode != http.StatusSeeOther {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("move to %s: %d\n%s", to, resp.StatusCode, body)
	}
	if got := b.e.record(codeA, yearA).Status; got != to {
		t.Fatalf("status %s, want %s", got, to)
	}
}

// TestWorkflow takes department A from draft to published through the
// forms, as each role in turn, and downloads the published report as the
// public.
func TestWorkflow(t *testing.T) {
	e := newEnv(t)
	editor := e.signIn(t, editorA)
	before := e.record(codeA, yearA)

	// A failed item without a reason is refused and nothing is saved.
	resp := editor.submit(t, "/scores/B4", url.Values{"item": {"B4.1"}, "outcome": {"failed"}})
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), "未说明原因") {
		t.Fatalf("score without reason: %d\n%s", resp.StatusCode, body)
	}
	if v := e.version(codeA, yearA); v != before.Version {
		t.Fatalf("refused edit saved: version %d → %d", before.Version, v)
	}

	// With a reason, the score is saved and the total falls by the item's 2 points.
	resp = editor.submit(t, "/scores/B4", url.Values{"item": {"B4.1"}, "outcome": {"failed"}, "reason": {"尚未制定本单位预算绩效管理实施细则"}})
	if resp.StatusCode != http.StatusSeeOther {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("score edit: %d\n%s", resp.StatusCode, body)
	}
	after := e.record(codeA, yearA)
	if after.Total != before.Total-200 {
		t.Fatalf("total %s → %s, want 2 points less", before.Total, after.Total)
	}
	page := editor.get(t, pathA)
	for _, want := range []string{"尚未制定本单位预算绩效管理实施细则", after.Total.String(), "已保存"} {
		if !strings.Contains(page, want) {
			t.Errorf("workspace after edit lacks %q", want)
		}
	}
	if hist := editor.get(t, pathA+"/history"); !strings.Contains(hist, "尚未制定本单位预算绩效管理实施细则") {
		t.Errorf("history lacks the reason")
	}

	editor.move(t, workflow.Submitted, "")
	approver := e.signIn(t, approverA)
	approver.move(t, workflow.Approved, "")
	rev := e.signIn(t, reviewer)
	rev.move(t, workflow.UnderReview, "")

	// A review score beside the self-score.
	resp = rev.submit(t, "/review/B4", url.Values{"score": {"12"}, "reason": {"绩效运行监控记录不完整"}})
	if resp.StatusCode != http.StatusSeeOther {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("review score: %d\n%s", resp.StatusCode, body)
	}
	// The workspace shows the total after review: the self-score total
	// with B4's self-score replaced by the review score.
	sc, err := scoreRecord(e.record(codeA, yearA), newScores())
	if err != nil {
		t.Fatal(err)
	}
	b4 := findNode(sc.res.Indicators, "B4")
	want := sc.res.Total - b4.Score + 1200
	if page := rev.get(t, pathA); !strings.Contains(page, "复核后得分 <strong>"+want.String()+"</strong>") {
		t.Errorf("workspace lacks the total after review %s", want)
	}
	// A review score above the indicator's points, or on something that is
	// not a leaf indicator of the framework, is refused.
	for path, score := range map[string]string{"/review/B4": (b4.Points + 1).String(), "/review/B": "1", "/review/NOPE": "1"} {
		resp = rev.submit(t, path, url.Values{"score": {score}, "reason": {"越界"}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s score %s: %d, want 422", path, score, resp.StatusCode)
		}
	}
	// Returning needs a comment.
	resp = rev.submit(t, "/transition", url.Values{"to": {workflow.Returned}})
	body, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), "需要填写原因") {
		t.Fatalf("return without comment: %d\n%s", resp.StatusCode, body)
	}
	rev.move(t, workflow.Returned, "请补充绩效运行监控佐证材料")

	page = editor.get(t, pathA)
	for _, want := range []string{"请补充绩效运行监控佐证材料", "绩效运行监控记录不完整", "重新提交"} {
		if !strings.Contains(page, want) {
			t.Errorf("returned workspace lacks %q", want)
		}
	}
	// The reason is shown first, above the scores and the comments.
	i, j := strings.Index(page, `id="returned-h"`), strings.Index(page, `id="comments-h"`)
	if i < 0 || j < i || !strings.Contains(page[i:j], "请补充绩效运行监控佐证材料") || !strings.Contains(page[i:j], "财政局审核人") {
		t.Errorf("the returned workspace does not open with the return reason and who returned it")
	}
	editor.move(t, workflow.Submitted, "已补充")
	if page := editor.get(t, pathA); strings.Contains(page, `id="returned-h"`) {
		t.Error("the return reason is still shown after resubmission")
	}
	approver.move(t, workflow.Approved, "")
	rev.move(t, workflow.UnderReview, "")
	rev.move(t, workflow.Accepted, "")
	rev.move(t, workflow.Published, "")

	// Signing out ends the session.
	w := e.do(req{method: "POST", path: "/logout", token: editor.token})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("logout: %d", w.Code)
	}
	if w := e.do(req{method: "GET", path: "/", token: editor.token}); w.Code != http.StatusSeeOther {
		t.Fatalf("session still valid after logout: %d", w.Code)
	}

	// The public reads and downloads it.
	if w := e.get(anon, "/public"); !strings.Contains(w.Body.String(), after.Department) {
		t.Fatalf("public list lacks the published department")
	}
	w = e.get(anon, "/public/"+codeA+"/2023/report.docx")
	if w.Code != http.StatusOK {
		t.Fatalf("public docx: %d\n%s", w.Code, w.Body.String())
	}
	cd := w.Header().Get("Content-Disposition")
	if !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=UTF-8''") || !strings.Contains(cd, url.PathEscape("天河")) {
		t.Errorf("Content-Disposition: %s", cd)
	}
	zr, err := zip.NewReader(bytes.NewReader(w.Body.Bytes()), int64(w.Body.Len()))
	if err != nil {
		t.Fatalf("docx is not a zip: %v", err)
	}
	found := false
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			found = true
			rc, _ := f.Open()
			doc, _ := io.ReadAll(rc)
			rc.Close()
			if !strings.Contains(string(doc), "天河") {
				t.Errorf("document.xml does not name the department")
			}
		}
	}
	if !found {
		t.Fatal("docx has no word/document.xml")
	}
	if w := e.get(anon, "/public/"+codeA+"/2023"); w.Code != 200 || !strings.Contains(w.Body.String(), "自评报告") {
		t.Errorf("public report page: %d", w.Code)
	}
}

// TestCrossOrigin: state-changing requests from another site are refused.
func TestCrossOrigin(t *testing.T) {
	e := newEnv(t)
	tok := e.session(editorA)
	form := func() url.Values {
		return url.Values{"body": {"跨站意见"}, "version": {"1"}}
	}
	for _, h := range []map[string]string{
		{"Origin": "https://evil.example"},
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
	} {
		w := e.do(req{method: "POST", path: pathA + "/comments", form: form(), token: tok, header: h})
		if w.Code != http.StatusForbidden {
			t.Errorf("cross-origin %v: %d, want 403", h, w.Code)
		}
		w = e.do(req{method: "POST", path: "/login", form: url.Values{"username": {editorA}, "password": {password}}, header: h})
		if w.Code != http.StatusForbidden {
			t.Errorf("cross-origin login %v: %d, want 403", h, w.Code)
		}
		w = e.do(req{method: "POST", path: "/api/v1/evaluations/" + codeA + "/2023/transition", json: `{"to":"submitted","version":1}`, token: tok, header: h})
		if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), `"code":"EFORBIDDEN"`) {
			t.Errorf("cross-origin API %v: %d %s", h, w.Code, w.Body.String())
		}
	}
	cs, err := e.st.Comments(t.Context(), codeA, yearA)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 0 {
		t.Fatalf("a cross-origin comment was stored: %+v", cs)
	}
	// The same form from the site itself is accepted.
	w := e.do(req{method: "POST", path: pathA + "/comments", form: form(), token: tok,
		header: map[string]string{"Origin": "http://jixiao.example", "Sec-Fetch-Site": "same-origin"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("same-origin comment: %d\n%s", w.Code, w.Body.String())
	}
}

// TestVersionConflict: a form made from an older version is refused with
// a message telling the user to reload.
func TestVersionConflict(t *testing.T) {
	e := newEnv(t)
	tok := e.session(editorA)
	page := e.do(req{method: "GET", path: pathA, token: tok}).Body.String()
	stale := pageVersion(t, page)
	// Someone else saves a change meanwhile.
	w := e.post(editorA, pathA+"/scores/B4", url.Values{"item": {"B4.2"}, "outcome": {"failed"}, "deduct": {"1"}, "reason": {"目标不够细化"}, "version": {stale}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("first edit: %d\n%s", w.Code, w.Body.String())
	}
	w = e.do(req{method: "POST", path: pathA + "/transition", token: tok, form: url.Values{"to": {workflow.Submitted}, "version": {stale}}})
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "已被他人修改") {
		t.Fatalf("stale transition: %d\n%s", w.Code, firstLines(w.Body.String(), 80))
	}
	// The page shown is the current one, so the user can act again.
	if got := pageVersion(t, w.Body.String()); got == stale {
		t.Errorf("conflict page still carries the stale version %s", got)
	}
	w = e.do(req{method: "POST", path: pathA + "/scores/B4", token: tok, form: url.Values{"item": {"B4.3"}, "outcome": {"failed"}, "reason": {"x"}, "version": {stale}}})
	if w.Code != http.StatusConflict {
		t.Fatalf("stale score edit: %d", w.Code)
	}
	w = e.do(req{method: "POST", path: "/api/v1/evaluations/" + codeA + "/2023/transition", token: tok, json: `{"to":"submitted","version":` + stale + `}`})
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), `"code":"ECONFLICT"`) {
		t.Fatalf("stale API transition: %d %s", w.Code, w.Body.String())
	}
	if st := e.record(codeA, yearA).Status; st != workflow.Draft {
		t.Fatalf("status changed to %s", st)
	}
}

// TestOpenAPI: every route registered under /api/v1 is described, and
// nothing else is.
func TestOpenAPI(t *testing.T) {
	e := newEnv(t)
	w := e.get(anon, "/api/v1/openapi.json")
	if w.Code != 200 {
		t.Fatalf("openapi.json: %d", w.Code)
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi version %q", doc.OpenAPI)
	}
	if len(e.srv.apiRoutes) == 0 {
		t.Fatal("no API routes recorded")
	}
	registered := map[string]bool{}
	for _, pattern := range e.srv.apiRoutes {
		method, path, ok := strings.Cut(pattern, " ")
		if !ok {
			t.Fatalf("API route %q has no method", pattern)
		}
		registered[strings.ToLower(method)+" "+path] = true
		if _, ok := doc.Paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("API route %s is not in openapi.json", pattern)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" {
				continue
			}
			if !registered[method+" "+path] {
				t.Errorf("openapi.json describes %s %s, which is not registered", method, path)
			}
		}
	}
}

// TestAPI checks the JSON answers.
func TestAPI(t *testing.T) {
	e := newEnv(t)
	w := e.get(editorA, "/api/v1/evaluations/"+codeA+"/2023")
	var got struct {
		DepartmentCode string `json:"department_code"`
		Version        int    `json:"version"`
		Moves          []struct {
			To string `json:"to"`
		} `json:"moves"`
		Score struct {
			Framework  string            `json:"framework"`
			Indicators []json.RawMessage `json:"indicators"`
		} `json:"score"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, w.Body.String())
	}
	if got.DepartmentCode != codeA || got.Score.Framework == "" || len(got.Score.Indicators) == 0 || len(got.Moves) != 1 || got.Moves[0].To != workflow.Submitted {
		t.Fatalf("API evaluation: %+v", got)
	}
	// The listing carries the result after review, the self-score's
	// while no review score changed it.
	w = e.get(editorA, "/api/v1/evaluations")
	var list struct {
		Evaluations []struct {
			Total       float64 `json:"total"`
			Grade       string  `json:"grade"`
			ReviewTotal float64 `json:"review_total"`
			ReviewGrade string  `json:"review_grade"`
		} `json:"evaluations"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil || len(list.Evaluations) == 0 {
		t.Fatalf("API list: %v %s", err, w.Body.String())
	}
	if l := list.Evaluations[0]; l.ReviewTotal != l.Total || l.ReviewGrade != l.Grade || l.Grade == "" {
		t.Errorf("API list without review: %+v", l)
	}
	w = e.do(req{method: "POST", path: "/api/v1/evaluations/" + codeA + "/2023/transition", token: e.session(editorA), json: `{"to":"submitted","version":1,"extra":1}`})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `"EINVALID"`) {
		t.Errorf("unknown field: %d %s", w.Code, w.Body.String())
	}
	w = e.do(req{method: "POST", path: "/api/v1/evaluations/" + codeA + "/2023/transition", token: e.session(editorA), json: `{"to":"submitted","version":1}`})
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"status":"submitted"`) {
		t.Errorf("API transition: %d %s", w.Code, w.Body.String())
	}
}

// TestHeaders checks the security headers, the 500 page and the sign-in
// redirect's return path.
func TestHeaders(t *testing.T) {
	e := newEnv(t)
	e.srv.mux.HandleFunc("GET /test-panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
	for _, path := range []string{"/login", "/public", "/api/v1/openapi.json", "/test-panic"} {
		w := e.get(anon, path)
		h := w.Header()
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", path, h)
		}
	}
	w := e.get(anon, "/test-panic")
	if w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), "服务器内部错误") || !strings.Contains(w.Body.String(), `lang="zh-CN"`) {
		t.Errorf("panic: %d\n%s", w.Code, w.Body.String())
	}
	w = e.get(anon, pathA+"/history")
	if loc := w.Header().Get("Location"); loc != "/login?next="+url.QueryEscape(pathA+"/history") {
		t.Errorf("redirect to %q", loc)
	}
	// An outside next is ignored.
	w = e.do(req{method: "GET", path: "/login?next=//evil.example/", token: e.session(editorA)})
	if loc := w.Header().Get("Location"); loc != "/" {
		t.Errorf("open redirect: %q", loc)
	}
	// PDF without Chromium is 503 with the renderer's message, else a PDF.
	w = e.get(editorA, pathA+"/report.pdf")
	if w.Code != http.StatusServiceUnavailable && w.Code != http.StatusOK {
		t.Errorf("pdf: %d", w.Code)
	}
	if w.Code == http.StatusServiceUnavailable && !strings.Contains(w.Body.String(), "Chromium") {
		t.Errorf("pdf 503 without the message")
	}
}

// TestPages checks the markup every page must have for accessibility.
func TestPages(t *testing.T) {
	e := newEnv(t)
	e.advance(workflow.UnderReview)
	for _, c := range []struct{ user, path string }{
		{anon, "/login"}, {reviewer, "/"}, {reviewer, "/departments"}, {reviewer, pathA}, {editorA, pathA},
		{reviewer, pathA + "/history"}, {anon, "/public"},
	} {
		w := e.get(c.user, c.path)
		body := w.Body.String()
		if w.Code != 200 {
			t.Fatalf("%s as %s: %d", c.path, c.user, w.Code)
		}
		for _, want := range []string{`<html lang="zh-CN">`, `href="#main"`, `id="main"`, `/static/app.css`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: lacks %s", c.path, want)
			}
		}
		if strings.Contains(body, "style=") || hasInlineScript(body) {
			t.Errorf("%s: inline style or script, which the CSP blocks", c.path)
		}
		if strings.Contains(body, "<th>") {
			t.Errorf("%s: a table heading without scope", c.path)
		}
		// Every input, select and textarea has a label.
		for _, id := range idsOf(body) {
			if !strings.Contains(body, `for="`+id+`"`) {
				t.Errorf("%s: field %s has no label", c.path, id)
			}
		}
	}
	// The reviewer sees review forms under review; the editor no edit forms.
	if body := e.get(reviewer, pathA).Body.String(); !strings.Contains(body, "填写复核得分") {
		t.Errorf("reviewer has no review forms")
	}
	if body := e.get(editorA, pathA).Body.String(); strings.Contains(body, "修改自评得分") {
		t.Errorf("editor has edit forms while under review")
	}
	if w := e.get(anon, "/static/app.css"); w.Code != 200 || !strings.Contains(w.Body.String(), "@media print") {
		t.Errorf("app.css: %d", w.Code)
	}
}

// idsOf returns the ids of the form fields in a page (not hidden ones).
func idsOf(body string) []string {
	var ids []string
	for _, tag := range []string{"<input ", "<select ", "<textarea "} {
		rest := body
		for {
			i := strings.Index(rest, tag)
			if i < 0 {
				break
			}
			rest = rest[i+len(tag):]
			end := strings.Index(rest, ">")
			attrs := rest[:end]
			if strings.Contains(attrs, `type="hidden"`) {
				continue
			}
			j := strings.Index(attrs, `id="`)
			if j < 0 {
				ids = append(ids, "(none:"+attrs+")")
				continue
			}
			id := attrs[j+4:]
			ids = append(ids, id[:strings.Index(id, `"`)])
		}
	}
	return ids
}

// The workspace shows the stored targets' quality findings to everyone
// who may see the year, named by project, without changing the score.
func TestWorkspaceShowsTargetQuality(t *testing.T) {
	e := newEnv(t)
	for _, who := range []string{editorA, reviewer} {
		body := e.get(who, pathA).Body.String()
		if !strings.Contains(body, "绩效目标质量审核") || !strings.Contains(body, "W190") || !strings.Contains(body, "缺少产出指标中的") {
			t.Errorf("%s: no target-quality section:\n%s", who, firstLines(body, 40))
		}
	}
}
