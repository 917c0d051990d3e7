package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/workflow"
)

// Batch publication on the web: only a reviewer; the page lists the
// accepted years; publishing needs the confirmation; a list holding a year
// that cannot be published publishes nothing and names it; a confirmed
// list is published, each year with its history row.
func TestPublishAllPage(t *testing.T) {
	e := newEnv(t)
	for _, u := range []string{editorA, approverA, admin} {
		if w := e.get(u, "/publish"); w.Code != http.StatusForbidden {
			t.Errorf("%s: GET /publish %d, want 403", u, w.Code)
		}
		if w := e.post(u, "/publish", url.Values{"year": {"2023"}, "code": {codeA}, "confirm": {"yes"}}); w.Code != http.StatusForbidden {
			t.Errorf("%s: POST /publish %d, want 403", u, w.Code)
		}
	}
	if w := e.get(anon, "/publish"); w.Code != http.StatusSeeOther {
		t.Errorf("anonymous: GET /publish %d, want a redirect to sign in", w.Code)
	}
	if body := e.get(reviewer, "/publish").Body.String(); !strings.Contains(body, "没有“已通过”复核、尚未公开的部门年度") {
		t.Errorf("nothing accepted yet:\n%s", body)
	}
	if body := e.get(reviewer, "/").Body.String(); !strings.Contains(body, `href="/publish"`) {
		t.Error("the reviewer's home page has no link to batch publication")
	}

	e.advance(workflow.Accepted)
	page := e.get(reviewer, "/publish?year=2023")
	body := page.Body.String()
	if page.Code != http.StatusOK || !strings.Contains(body, `name="code" value="`+codeA+`"`) || !strings.Contains(body, "公开以上 1 个部门年度") ||
		!strings.Contains(body, "广州市天河区") {
		t.Fatalf("list: %d\n%s", page.Code, body)
	}

	v := e.version(codeA, yearA)
	if w := e.post(reviewer, "/publish", url.Values{"year": {"2023"}, "code": {codeA}}); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "确认公开") {
		t.Errorf("unconfirmed: %d\n%s", w.Code, w.Body)
	}
	w := e.post(reviewer, "/publish", url.Values{"year": {"2023"}, "code": {codeA, codeB}, "confirm": {"yes"}})
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "没有任何部门年度被公开") || !strings.Contains(w.Body.String(), "<td>"+codeB+"</td>") {
		t.Errorf("with a year not accepted: %d\n%s", w.Code, w.Body)
	}
	if r := e.record(codeA, yearA); r.Status != workflow.Accepted || r.Version != v {
		t.Fatalf("a refused batch moved %s: %s v%d", codeA, r.Status, r.Version)
	}

	w = e.post(reviewer, "/publish", url.Values{"year": {"2023"}, "code": {codeA}, "confirm": {"yes"}, "comment": {"年度结果集中公开"}})
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "已公开 1 个部门年度") {
		t.Fatalf("publish: %d\n%s", w.Code, w.Body)
	}
	if r := e.record(codeA, yearA); r.Status != workflow.Published || r.Version != v+1 {
		t.Errorf("after publishing: %s v%d", r.Status, r.Version)
	}
	if body := e.get(reviewer, pathA+"/history").Body.String(); !strings.Contains(body, "年度结果集中公开") {
		t.Errorf("history lacks the publication")
	}
	if w := e.get(anon, "/public/"+codeA+"/2023"); w.Code != http.StatusOK {
		t.Errorf("the published year is not public: %d", w.Code)
	}
}
