package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/cycle"
	"github.com/jixiao/jixiao/internal/workflow"
)

// login is the answer to a page request without a session: 303 to the
// sign-in page.
const login = -303

var roles = []string{editorA, editorB, approverA, reviewer, admin, anon}

// route is one request and the status expected for each role.
type route struct {
	name   string
	status string // department A's status before the request
	method string
	path   string
	form   func(e *env) url.Values
	json   func(e *env) string
	want   map[string]int
}

func formOf(kv ...string) func(e *env) url.Values {
	return func(e *env) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		v.Set("version", strconv.Itoa(e.version(codeA, yearA)))
		return v
	}
}

// every gives all roles one status, with exceptions.
func every(status int, except ...any) map[string]int {
	m := map[string]int{}
	for _, r := range roles {
		m[r] = status
	}
	for i := 0; i+1 < len(except); i += 2 {
		m[except[i].(string)] = except[i+1].(int)
	}
	return m
}

// TestAuthorization walks every route as every role and checks the
// status: allowed, sent to sign in, forbidden (403, visible data) or not
// found (404, another department's data or unpublished data).
func TestAuthorization(t *testing.T) {
	readA := every(200, editorB, 404, anon, login)
	readB := every(200, editorA, 404, approverA, 404, anon, login)
	pages := every(200, anon, login)
	api := every(200, anon, 401)
	apiReadA := every(200, editorB, 404, anon, 401)
	routes := []route{
		{name: "home", method: "GET", path: "/", want: pages},
		{name: "departments", method: "GET", path: "/departments?year=2023&sort=total_desc", want: pages},
		{name: "dashboard", method: "GET", path: "/dashboard", want: every(403, reviewer, 200, admin, 200, anon, login)},
		{name: "dashboard year", method: "GET", path: "/dashboard?year=2023", want: every(403, reviewer, 200, admin, 200, anon, login)},
		{name: "dashboard year without data", method: "GET", path: "/dashboard?year=2099", want: every(403, reviewer, 404, admin, 404, anon, login)},
		{name: "dashboard bad year", method: "GET", path: "/dashboard?year=abc", want: every(403, reviewer, 400, admin, 400, anon, login)},
		{name: "login page", method: "GET", path: "/login", want: every(303, anon, 200)},
		{name: "logout", method: "POST", path: "/logout", form: formOf(), want: every(303)},
		{name: "account", method: "GET", path: "/account", want: pages},
		{name: "account password wrong", method: "POST", path: "/account/password", form: formOf("current", "wrong-password-1", "password", "a-new-long-password", "password2", "a-new-long-password"),
			want: every(422, anon, login)},
		{name: "account password", method: "POST", path: "/account/password", form: formOf("current", password, "password", "a-new-long-password", "password2", "a-new-long-password"),
			want: every(303, anon, login)},
		{name: "tasks", method: "GET", path: "/tasks", want: pages},
		{name: "account email", method: "POST", path: "/account/email", form: formOf("email", "me@example.gov.cn"), want: every(303, anon, login)},
		{name: "account email bad", method: "POST", path: "/account/email", form: formOf("email", "not an address"), want: every(422, anon, login)},
		{name: "workspace A", method: "GET", path: pathA, want: readA},
		{name: "workspace B", method: "GET", path: pathB, want: readB},
		{name: "workspace missing", method: "GET", path: "/evaluations/" + codeA + "/2099", want: every(404, anon, login)},
		{name: "workspace bad year", method: "GET", path: "/evaluations/" + codeA + "/abc", want: every(404, anon, login)},
		{name: "history A", method: "GET", path: pathA + "/history", want: readA},
		{name: "history B", method: "GET", path: pathB + "/history", want: readB},
		{name: "report docx A", method: "GET", path: pathA + "/report.docx", want: readA},
		{name: "report md A", method: "GET", path: pathA + "/report.md", want: readA},
		{name: "report xlsx B", method: "GET", path: pathB + "/report.xlsx", want: readB},
		{name: "report unknown format", method: "GET", path: pathA + "/report.exe", want: every(404, anon, login)},
		{name: "submit A", method: "POST", path: pathA + "/transition", form: formOf("to", workflow.Submitted),
			want: every(403, editorA, 303, editorB, 404, anon, login)},
		{name: "approve A", status: workflow.Submitted, method: "POST", path: pathA + "/transition", form: formOf("to", workflow.Approved),
			want: every(403, approverA, 303, editorB, 404, anon, login)},
		{name: "return A without comment", status: workflow.Submitted, method: "POST", path: pathA + "/transition", form: formOf("to", workflow.Returned),
			want: every(403, approverA, 422, editorB, 404, anon, login)},
		{name: "start review A", status: workflow.Approved, method: "POST", path: pathA + "/transition", form: formOf("to", workflow.UnderReview),
			want: every(403, reviewer, 303, editorB, 404, anon, login)},
		{name: "publish A", status: workflow.Accepted, method: "POST", path: pathA + "/transition", form: formOf("to", workflow.Published),
			want: every(403, reviewer, 303, editorB, 404, anon, login)},
		{name: "withdraw A", status: workflow.Submitted, method: "POST", path: pathA + "/transition", form: formOf("to", workflow.Draft),
			want: every(403, editorA, 303, editorB, 404, anon, login)},
		{name: "withdraw A approved", status: workflow.Approved, method: "POST", path: pathA + "/transition", form: formOf("to", workflow.Draft),
			want: every(403, editorB, 404, anon, login)},
		{name: "unpublish A without reason", status: workflow.Published, method: "POST", path: pathA + "/transition", form: formOf("to", workflow.Accepted),
			want: every(403, reviewer, 422, editorB, 404, anon, login)},
		{name: "unpublish A", status: workflow.Published, method: "POST", path: pathA + "/transition", form: formOf("to", workflow.Accepted, "comment", "数据有误"),
			want: every(403, reviewer, 303, editorB, 404, anon, login)},
		{name: "submit B as others", method: "POST", path: pathB + "/transition", form: func(e *env) url.Values {
			return url.Values{"to": {workflow.Submitted}, "version": {strconv.Itoa(e.version(codeB, yearB))}}
		}, want: every(403, editorA, 404, approverA, 404, editorB, 303, anon, login)},
		{name: "edit score A", method: "POST", path: pathA + "/scores/B4", form: formOf("item", "B4.1", "outcome", "failed", "reason", "未制定实施细则"),
			want: every(403, editorA, 303, editorB, 404, anon, login)},
		{name: "edit score A submitted", status: workflow.Submitted, method: "POST", path: pathA + "/scores/B4", form: formOf("item", "B4.1", "outcome", "failed", "reason", "未制定实施细则"),
			want: every(403, editorB, 404, anon, login)},
		{name: "edit computed indicator A", method: "POST", path: pathA + "/scores/B2", form: formOf("score", "1", "reason", "x"),
			want: every(403, editorA, 422, editorB, 404, anon, login)},
		{name: "review score A draft", method: "POST", path: pathA + "/review/B4", form: formOf("score", "10", "reason", "复核"),
			want: every(403, editorB, 404, anon, login)},
		{name: "review score A under review", status: workflow.UnderReview, method: "POST", path: pathA + "/review/B4", form: formOf("score", "10", "reason", "复核"),
			want: every(403, reviewer, 303, editorB, 404, anon, login)},
		{name: "review scores A draft", method: "POST", path: pathA + "/reviews", form: formOf("scope", "project:THZFB-2023-01", "code", "P1", "score", "5", "reason", "复核"),
			want: every(403, editorB, 404, anon, login)},
		{name: "review scores A under review", status: workflow.UnderReview, method: "POST", path: pathA + "/reviews", form: formOf("scope", "project:THZFB-2023-01", "code", "P1", "score", "5", "reason", "复核"),
			want: every(403, reviewer, 303, editorB, 404, anon, login)},
		{name: "review letter A under review", status: workflow.UnderReview, method: "GET", path: pathA + "/review-letter.docx",
			want: every(403, reviewer, 200, editorB, 404, anon, login)},
		{name: "review letter A accepted", status: workflow.Accepted, method: "GET", path: pathA + "/review-letter.docx",
			want: every(403, reviewer, 200, editorA, 200, approverA, 200, editorB, 404, anon, login)},
		{name: "review letter A draft", method: "GET", path: pathA + "/review-letter.docx",
			want: every(403, editorB, 404, anon, login)},
		{name: "comment A", method: "POST", path: pathA + "/comments", form: formOf("body", "请补充佐证材料"),
			want: every(303, admin, 403, editorB, 404, anon, login)},
		{name: "comment B", method: "POST", path: pathB + "/comments", form: formOf("body", "请补充佐证材料"),
			want: every(303, admin, 403, editorA, 404, approverA, 404, anon, login)},
		{name: "edit data page A", method: "GET", path: pathA + "/edit", want: every(403, editorA, 200, editorB, 404, anon, login)},
		{name: "edit data page A submitted", status: workflow.Submitted, method: "GET", path: pathA + "/edit", want: every(403, editorB, 404, anon, login)},
		{name: "edit data page B", method: "GET", path: pathB + "/edit", want: every(403, editorB, 200, editorA, 404, approverA, 404, anon, login)},
		{name: "edit data A", method: "POST", path: pathA + "/edit", form: formOf("finance.budget.initial", "30,000,000.00", "reason", "更正年初预算数"),
			want: every(403, editorA, 303, editorB, 404, anon, login)},
		{name: "edit data A submitted", status: workflow.Submitted, method: "POST", path: pathA + "/edit", form: formOf("finance.budget.initial", "30,000,000.00", "reason", "更正年初预算数"),
			want: every(403, editorB, 404, anon, login)},
		{name: "preview data A", method: "POST", path: pathA + "/edit/preview", form: formOf("finance.budget.initial", "30,000,000.00"),
			want: every(403, editorA, 200, editorB, 404, anon, login)},
		{name: "preview data A submitted", status: workflow.Submitted, method: "POST", path: pathA + "/edit/preview", form: formOf("finance.budget.initial", "30,000,000.00"),
			want: every(403, editorB, 404, anon, login)},
		{name: "preview data A published", status: workflow.Published, method: "POST", path: pathA + "/edit/preview", form: formOf("finance.budget.initial", "30,000,000.00"),
			want: every(403, editorB, 404, anon, login)},
		{name: "preview data B", method: "POST", path: pathB + "/edit/preview", form: func(e *env) url.Values {
			return url.Values{"finance.budget.initial": {"30,000,000.00"}, "version": {strconv.Itoa(e.version(codeB, yearB))}}
		}, want: every(403, editorB, 200, editorA, 404, approverA, 404, anon, login)},
		{name: "workbook A", method: "GET", path: pathA + "/workbook", want: readA},
		{name: "workbook B", method: "GET", path: pathB + "/workbook", want: readB},
		// A form without a file: the editor gets as far as reading it
		// (422); real uploads as every role are in TestDataEditAuthorization.
		{name: "upload workbook A", method: "POST", path: pathA + "/workbook", form: formOf("reason", "更正"),
			want: every(403, editorA, 422, editorB, 404, anon, login)},
		{name: "upload workbook A submitted", status: workflow.Submitted, method: "POST", path: pathA + "/workbook", form: formOf("reason", "更正"),
			want: every(403, editorB, 404, anon, login)},
		// Opening a year: the department's editor for their department,
		// reviewers and administrators for many (canOpenYear, canOpenYears).
		{name: "open years form", method: "GET", path: "/years/open", want: every(403, reviewer, 200, admin, 200, anon, login)},
		{name: "bundles", method: "GET", path: "/bundles", want: every(403, reviewer, 200, admin, 200, anon, login)},
		{name: "bundle unknown", method: "GET", path: "/bundles/0123456789abcdef01234567", want: every(403, reviewer, 404, admin, 404, anon, login)},
		{name: "ledgers", method: "GET", path: "/monitoring/ledgers", want: every(403, reviewer, 200, anon, login)},
		// The annual notice's dates: reviewers and administrators.
		{name: "dates", method: "GET", path: "/dates?year=2023", want: every(403, reviewer, 200, admin, 200, anon, login)},
		{name: "set date", method: "POST", path: "/dates", form: formOf("year", "2023", "key", cycle.EvaluationDue, "date", "2024-03-31", "reason", "年度工作通知"),
			want: every(403, reviewer, 303, admin, 303, anon, login)},
		// 结果应用: reviewers and administrators see it, reviewers decide.
		{name: "results", method: "GET", path: "/results?year=2023", want: every(403, reviewer, 200, admin, 200, anon, login)},
		{name: "results xlsx", method: "GET", path: "/results/table.xlsx?year=2023", want: every(403, reviewer, 200, admin, 200, anon, login)},
		{name: "decide result A", status: workflow.Accepted, method: "POST", path: "/results/" + codeA + "/2023/decision",
			form: formOf("scope", "department", "decision", "reduce", "amount", "100.00", "reason", "试行", "decision_version", "0"),
			want: every(403, reviewer, 303, anon, login)},
		{name: "decide result A draft", method: "POST", path: "/results/" + codeA + "/2023/decision",
			form: formOf("scope", "department", "decision", "reduce", "amount", "100.00", "reason", "试行", "decision_version", "0"),
			want: every(403, reviewer, 422, anon, login)},
		{name: "open years form year", method: "GET", path: "/years/open?year=2024", want: every(403, reviewer, 200, admin, 200, anon, login)},
		{name: "open next year A", method: "POST", path: "/years/open", form: formOf("code", codeA, "year", "2024"),
			want: every(403, editorA, 303, reviewer, 303, admin, 303, anon, login)},
		{name: "open next year B", method: "POST", path: "/years/open", form: formOf("code", codeB, "year", "2025"),
			want: every(403, editorB, 303, reviewer, 303, admin, 303, anon, login)},
		{name: "open existing year A", method: "POST", path: "/years/open", form: formOf("code", codeA, "year", "2023", "reason", "x"),
			want: every(403, editorA, 422, reviewer, 422, admin, 422, anon, login)},
		// 目标调整: only in the execution stage, which 2023 is past
		// (canAdjust, canDecideAdjustment; the execution stage in
		// TestAdjustmentAccess).
		{name: "adjust form A", method: "GET", path: pathA + "/adjustments/new", want: every(403, editorB, 404, anon, login)},
		{name: "propose adjustment A", method: "POST", path: pathA + "/adjustments", form: formOf("scope", "department", "reason", "x"),
			want: every(403, editorB, 404, anon, login)},
		{name: "adjustment A missing", method: "GET", path: pathA + "/adjustments/1", want: every(404, anon, login)},
		{name: "decide adjustment A", method: "POST", path: pathA + "/adjustments/1/decision", form: formOf("decision", "approve"),
			want: every(403, editorB, 404, anon, login)},
		{name: "admin index", method: "GET", path: "/admin", want: every(403, admin, 200, anon, login)},
		{name: "admin users", method: "GET", path: "/admin/users", want: every(403, admin, 200, anon, login)},
		{name: "admin create user", method: "POST", path: "/admin/users", form: formOf("username", "new-user", "role", workflow.Reviewer, "password", password, "password2", password),
			want: every(403, admin, 303, anon, login)},
		{name: "admin create user invalid", method: "POST", path: "/admin/users", form: formOf("role", workflow.Editor),
			want: every(403, admin, 422, anon, login)},
		{name: "admin create editor of unknown department", method: "POST", path: "/admin/users",
			form: formOf("username", "new-user", "role", workflow.Editor, "department", "555555", "password", password, "password2", password),
			want: every(403, admin, 422, anon, login)},
		{name: "admin disable user", method: "POST", path: adminUserPath(t, editorB, "disable"), form: formOf(), want: every(403, admin, 303, anon, login)},
		{name: "admin disable self", method: "POST", path: adminUserPath(t, admin, "disable"), form: formOf(), want: every(403, anon, login)},
		{name: "admin disable missing user", method: "POST", path: "/admin/users/99999/disable", form: formOf(), want: every(403, admin, 404, anon, login)},
		{name: "admin enable user", method: "POST", path: adminUserPath(t, editorB, "enable"), form: formOf(), want: every(403, admin, 303, anon, login)},
		{name: "admin set password", method: "POST", path: adminUserPath(t, editorB, "password"), form: formOf("password", "a-new-long-password", "password2", "a-new-long-password"),
			want: every(403, admin, 303, anon, login)},
		{name: "admin set password mismatch", method: "POST", path: adminUserPath(t, editorB, "password"), form: formOf("password", "a-new-long-password", "password2", "x"),
			want: every(403, admin, 422, anon, login)},
		{name: "admin departments", method: "GET", path: "/admin/departments", want: every(403, admin, 200, anon, login)},
		{name: "admin department rename form", method: "GET", path: "/admin/departments?code=" + codeA, want: every(403, admin, 200, anon, login)},
		{name: "admin save department", method: "POST", path: "/admin/departments", form: formOf("code", "900100", "name", "示例市财政局"),
			want: every(403, admin, 303, anon, login)},
		{name: "admin save department invalid", method: "POST", path: "/admin/departments", form: formOf(), want: every(403, admin, 422, anon, login)},
		{name: "admin frameworks", method: "GET", path: "/admin/frameworks", want: every(403, admin, 200, anon, login)},
		{name: "admin framework version", method: "GET", path: "/admin/frameworks/1", want: every(403, admin, 200, anon, login)},
		{name: "admin framework missing", method: "GET", path: "/admin/frameworks/99999", want: every(403, admin, 404, anon, login)},
		{name: "admin upload without file", method: "POST", path: "/admin/frameworks", form: formOf(), want: every(403, admin, 422, anon, login)},
		{name: "admin unknown page", method: "GET", path: "/admin/nothing", want: every(404)},
		{name: "public list", method: "GET", path: "/public", want: every(200)},
		{name: "public draft A", method: "GET", path: "/public/" + codeA + "/2023", want: every(404)},
		{name: "public draft A report", method: "GET", path: "/public/" + codeA + "/2023/report.docx", want: every(404)},
		{name: "public accepted A report", status: workflow.Accepted, method: "GET", path: "/public/" + codeA + "/2023/report.docx", want: every(404)},
		{name: "public published A", status: workflow.Published, method: "GET", path: "/public/" + codeA + "/2023", want: every(200)},
		{name: "public published A report", status: workflow.Published, method: "GET", path: "/public/" + codeA + "/2023/report.docx", want: every(200)},
		{name: "public published A md not offered", status: workflow.Published, method: "GET", path: "/public/" + codeA + "/2023/report.md", want: every(404)},
		{name: "api openapi", method: "GET", path: "/api/v1/openapi.json", want: every(200)},
		{name: "api list", method: "GET", path: "/api/v1/evaluations", want: api},
		{name: "api get A", method: "GET", path: "/api/v1/evaluations/" + codeA + "/2023", want: apiReadA},
		{name: "api get B", method: "GET", path: "/api/v1/evaluations/" + codeB + "/2024", want: every(200, editorA, 404, approverA, 404, anon, 401)},
		{name: "api submit A", method: "POST", path: "/api/v1/evaluations/" + codeA + "/2023/transition", json: func(e *env) string {
			return `{"to":"submitted","version":` + strconv.Itoa(e.version(codeA, yearA)) + `}`
		}, want: every(403, editorA, 200, editorB, 404, anon, 401)},
		{name: "api unknown", method: "GET", path: "/api/v1/nothing", want: every(404)},
		{name: "unknown page", method: "GET", path: "/nothing", want: every(404)},
	}
	shared := newEnv(t)
	for _, rt := range routes {
		for _, role := range roles {
			want, ok := rt.want[role]
			if !ok {
				t.Fatalf("%s: no expectation for %s", rt.name, role)
			}
			t.Run(rt.name+"/"+role, func(t *testing.T) {
				e := shared
				if rt.method != "GET" || rt.status != "" {
					e = newEnv(t) // a fresh database for anything that may change it
					if rt.status != "" {
						e.advance(rt.status)
					}
				}
				r := req{method: rt.method, path: rt.path, token: e.session(role)}
				if rt.form != nil {
					r.form = rt.form(e)
				}
				if rt.json != nil {
					r.json = rt.json(e)
				}
				w := e.do(r)
				if want == login {
					if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
						t.Fatalf("%s %s as %s: got %d Location %q, want a redirect to /login", rt.method, rt.path, role, w.Code, w.Header().Get("Location"))
					}
					return
				}
				if w.Code != want {
					t.Fatalf("%s %s as %s: got %d, want %d\n%s", rt.method, rt.path, role, w.Code, want, firstLines(w.Body.String(), 60))
				}
				if strings.HasPrefix(rt.path, "/api/") && w.Code >= 400 {
					if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || !strings.Contains(w.Body.String(), `"error"`) {
						t.Errorf("API error is not JSON: %s %s", ct, w.Body.String())
					}
				}
			})
		}
	}
}

// TestListingsVisible checks that listings, pages and API alike, hold only
// what the user may see.
func TestListingsVisible(t *testing.T) {
	e := newEnv(t)
	nameA, nameB := e.record(codeA, yearA).Department, e.record(codeB, yearB).Department
	cases := []struct {
		user          string
		seeA, seeB    bool
		seeAPublished bool
	}{
		{editorA, true, false, true},
		{editorB, false, true, false},
		{approverA, true, false, true},
		{reviewer, true, true, true},
		{admin, true, true, true},
	}
	for _, c := range cases {
		for _, path := range []string{"/departments", "/api/v1/evaluations", "/"} {
			w := e.get(c.user, path)
			if w.Code != 200 {
				t.Fatalf("%s %s: %d", c.user, path, w.Code)
			}
			body := w.Body.String()
			if path == "/" {
				continue // the home page shows counts; tasks are checked below
			}
			if got := strings.Contains(body, nameA); got != c.seeA {
				t.Errorf("%s %s: shows %s = %v, want %v", c.user, path, nameA, got, c.seeA)
			}
			if got := strings.Contains(body, nameB); got != c.seeB {
				t.Errorf("%s %s: shows %s = %v, want %v", c.user, path, nameB, got, c.seeB)
			}
		}
	}
	// A filter in the query string narrows, never widens.
	if w := e.get(editorB, "/api/v1/evaluations?year=2023"); strings.Contains(w.Body.String(), codeA) {
		t.Errorf("editor B sees A through a year filter: %s", w.Body.String())
	}
	// The editor's home lists the draft as a task; the approver's does not.
	if w := e.get(editorA, "/"); !strings.Contains(w.Body.String(), nameA) {
		t.Errorf("editor A's home has no task for A")
	}
	if w := e.get(approverA, "/"); strings.Contains(w.Body.String(), nameA) {
		t.Errorf("approver A's home lists a draft as a task")
	}
	// The public list shows nothing until publication.
	if w := e.get(anon, "/public"); strings.Contains(w.Body.String(), nameA) {
		t.Errorf("public list shows an unpublished department-year")
	}
	e.advance(workflow.Published)
	if w := e.get(anon, "/public"); !strings.Contains(w.Body.String(), nameA) || strings.Contains(w.Body.String(), nameB) {
		t.Errorf("public list after publication:\n%s", w.Body.String())
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}
