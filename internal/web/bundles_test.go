package web

import (
	"archive/zip"
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

var bundleLink = regexp.MustCompile(`/bundles/([0-9a-f]{24})`)

// A reviewer bundles a year: the job runs in the background, its page
// shows progress and then the download, which is a zip holding the
// reports of the statuses chosen and the summary. Department users and
// the public cannot; one bundle runs at a time.
func TestBundles(t *testing.T) {
	e := newEnv(t)
	for _, u := range []string{editorA, approverA} {
		if w := e.get(u, "/bundles"); w.Code != http.StatusForbidden {
			t.Errorf("%s: GET /bundles %d, want 403", u, w.Code)
		}
		if w := e.post(u, "/bundles", url.Values{"year": {"2023"}, "format": {"docx"}, "status": {"draft"}}); w.Code != http.StatusForbidden {
			t.Errorf("%s: POST /bundles %d, want 403", u, w.Code)
		}
	}
	if w := e.get(anon, "/bundles"); w.Code != http.StatusSeeOther {
		t.Errorf("anonymous: GET /bundles %d, want a redirect to sign in", w.Code)
	}
	page := e.get(reviewer, "/bundles")
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), "开始打包") || !strings.Contains(page.Body.String(), `value="accepted" checked`) {
		t.Fatalf("form: %d\n%s", page.Code, page.Body)
	}
	for _, bad := range []url.Values{
		{"year": {"20x3"}, "format": {"docx"}, "status": {"draft"}},
		{"year": {"2023"}, "format": {"pdf"}, "status": {"draft"}},
		{"year": {"2023"}, "format": {"docx"}},
		{"year": {"2023"}, "format": {"docx"}, "status": {"finished"}},
	} {
		if w := e.post(reviewer, "/bundles", bad); w.Code != http.StatusUnprocessableEntity {
			t.Errorf("%v: %d, want 422", bad, w.Code)
		}
	}

	w := e.post(reviewer, "/bundles", url.Values{"year": {"2023"}, "format": {"docx"}, "status": {"draft", "accepted"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("start: %d\n%s", w.Code, w.Body)
	}
	m := bundleLink.FindStringSubmatch(w.Header().Get("Location"))
	if m == nil {
		t.Fatalf("redirected to %q", w.Header().Get("Location"))
	}
	id := m[1]
	var status string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		r := e.do(req{method: "GET", path: "/bundles/" + id, token: e.session(reviewer), header: map[string]string{"HX-Request": "true"}})
		status = r.Body.String()
		if !strings.Contains(status, `hx-trigger="every 1s"`) {
			break
		}
	}
	if !strings.Contains(status, "已完成：") || !strings.Contains(status, "/bundles/"+id+"/download") {
		t.Fatalf("bundle did not finish:\n%s", status)
	}
	if w := e.get(editorA, "/bundles/"+id+"/download"); w.Code != http.StatusForbidden {
		t.Errorf("an editor downloads a bundle: %d", w.Code)
	}
	dl := e.get(reviewer, "/bundles/"+id+"/download")
	if dl.Code != http.StatusOK || dl.Header().Get("Content-Type") != "application/zip" || !strings.Contains(dl.Header().Get("Content-Disposition"), "reports-2023-docx.zip") {
		t.Fatalf("download: %d %v", dl.Code, dl.Header())
	}
	zr, err := zip.NewReader(bytes.NewReader(dl.Body.Bytes()), int64(dl.Body.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	// The seeded store holds one department-year of 2023, a draft.
	if len(names) != 3 || !strings.HasPrefix(names[0], codeA+"-") || names[1] != "汇总表.xlsx" || names[2] != "绩效评价结果通报.docx" {
		t.Errorf("zip holds %v", names)
	}
	if list := e.get(reviewer, "/bundles").Body.String(); !strings.Contains(list, "/bundles/"+id+"/download") {
		t.Errorf("the list does not offer the finished bundle:\n%s", list)
	}
	if w := e.get(reviewer, "/bundles/0123456789abcdef01234567"); w.Code != http.StatusNotFound {
		t.Errorf("an unknown bundle: %d", w.Code)
	}

	// One at a time: a second start while one runs is refused with 503.
	e.srv.bundles.mu.Lock()
	e.srv.bundles.running = true
	e.srv.bundles.mu.Unlock()
	if w := e.post(reviewer, "/bundles", url.Values{"year": {"2023"}, "format": {"xlsx"}, "status": {"draft"}}); w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
		t.Errorf("a second bundle: %d, Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
	e.srv.bundles.finish()

	// Expired bundles are dropped with their files.
	e.now = e.now.Add(2 * bundleKeep)
	e.srv.bundles.expire(time.Now().Add(2 * bundleKeep))
	if w := e.get(reviewer, "/bundles/"+id+"/download"); w.Code != http.StatusNotFound {
		t.Errorf("an expired bundle: %d", w.Code)
	}
}
