package web

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestWorkbookQueue: an upload that finds every read slot taken waits its
// turn; when none comes within the wait it is answered 503 with
// Retry-After and a message to upload again, and nothing is saved.
func TestWorkbookQueue(t *testing.T) {
	e := newEnv(t)
	before := e.record(codeA, yearA)
	data := e.downloadWorkbook(editorA, pathA)
	e.srv.workbooks = newWorkbookSlots(1, 50*time.Millisecond)
	e.srv.workbooks.sem <- struct{}{} // another upload being read

	w := e.uploadFile(editorA, pathA+"/workbook", strconv.Itoa(before.Version), "核对", "天河.xlsx", data)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "1" {
		t.Fatalf("got %d, Retry-After %q; want 503 and 1\n%s", w.Code, w.Header().Get("Retry-After"), firstLines(w.Body.String(), 40))
	}
	if body := w.Body.String(); !strings.Contains(body, "服务器正在处理其他单位上传的填报表") || !strings.Contains(body, "约 1 秒后重新上传") {
		t.Errorf("503 page does not say to upload again later:\n%s", firstLines(body, 80))
	}
	if v := e.version(codeA, yearA); v != before.Version {
		t.Fatalf("version %d → %d on a refused upload", before.Version, v)
	}

	// A turn that comes within the wait is taken.
	e.srv.workbooks.wait = time.Minute
	go func() {
		time.Sleep(20 * time.Millisecond)
		<-e.srv.workbooks.sem
	}()
	w = e.uploadFile(editorA, pathA+"/workbook", strconv.Itoa(before.Version), "核对", "天河.xlsx", data)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("after the slot freed: %d, want 303\n%s", w.Code, firstLines(w.Body.String(), 40))
	}
	if n := len(e.srv.workbooks.sem); n != 0 {
		t.Errorf("%d slots still taken after the upload", n)
	}
}
