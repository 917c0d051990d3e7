package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jixiao/jixiao/internal/render/pdf"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

var publicA = "/public/" + codeA + "/" + strconv.Itoa(yearA)

// newPDFEnv is newEnv with a PDF service of the test's own (closed when
// the test ends); it also returns the database's DSN.
func newPDFEnv(t testing.TB, opts pdf.Options) (*env, *pdf.Service, string) {
	t.Helper()
	dsn := testDSN(t)
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := pdf.New(opts)
	t.Cleanup(func() { svc.Close() })
	e := &env{t: t, st: st, users: map[string]store.User{}, now: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)}
	us, err := st.ListUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		e.users[u.Username] = u
	}
	e.srv = newServer(st, Options{Now: func() time.Time { return e.now }, PDF: svc})
	e.h = e.srv.handler()
	return e, svc, dsn
}

// bumpVersion raises a department-year's version behind the web's back,
// as a change to a published year would.
func bumpVersion(t testing.TB, dsn, code string, year int) {
	t.Helper()
	driver, q := "sqlite", `UPDATE department_years SET version = version + 1 WHERE year = ? AND department_id = (SELECT id FROM departments WHERE code = ?)`
	if strings.HasPrefix(dsn, "postgres") {
		driver, q = "pgx", `UPDATE department_years SET version = version + 1 WHERE year = $1 AND department_id = (SELECT id FROM departments WHERE code = $2)`
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(q, year, code); err != nil {
		t.Fatal(err)
	}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// A burst of anonymous requests for the PDF of a published report starts
// one browser and renders once; later downloads are the stored bytes.
func TestPublicPDFRenderedOnce(t *testing.T) {
	if pdf.Browser() == "" {
		t.Skip("Chromium not installed; CI installs it")
	}
	e, svc, _ := newPDFEnv(t, pdf.Options{QueueWait: time.Hour})
	e.advance(workflow.Published)
	const burst = 8
	res := make([]*httptest.ResponseRecorder, burst)
	var wg sync.WaitGroup
	for i := range burst {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i] = e.do(req{method: "GET", path: publicA + "/report.pdf"})
		}()
	}
	wg.Wait()
	for i, w := range res {
		if w.Code != http.StatusOK || !bytes.HasPrefix(w.Body.Bytes(), []byte("%PDF-")) {
			t.Fatalf("request %d: %d %.200s", i, w.Code, w.Body.String())
		}
		if !bytes.Equal(w.Body.Bytes(), res[0].Body.Bytes()) {
			t.Errorf("request %d got other bytes than request 0", i)
		}
	}
	if st := svc.Stats(); st.Launches != 1 || st.Renders != 1 {
		t.Fatalf("burst of %d: %d browser launches and %d renders, want 1 and 1", burst, st.Launches, st.Renders)
	}

	start := time.Now()
	w := e.do(req{method: "GET", path: publicA + "/report.pdf"})
	t.Logf("stored PDF served in %v (%d bytes)", time.Since(start), w.Body.Len())
	if w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), res[0].Body.Bytes()) {
		t.Fatalf("second download: %d, same bytes %v", w.Code, bytes.Equal(w.Body.Bytes(), res[0].Body.Bytes()))
	}
	if st := svc.Stats(); st.Renders != 1 {
		t.Errorf("second download rendered again: %d renders", st.Renders)
	}
	if got, want := w.Header().Get("ETag"), `"`+sha(w.Body.Bytes())+`"`; got != want {
		t.Errorf("ETag %s, want %s", got, want)
	}
	if got := w.Header().Get("Content-Length"); got != strconv.Itoa(w.Body.Len()) {
		t.Errorf("Content-Length %s, body %d", got, w.Body.Len())
	}
	if got := w.Header().Get("Content-Type"); got != "application/pdf" {
		t.Errorf("Content-Type %s", got)
	}
	w = e.do(req{method: "GET", path: publicA + "/report.pdf", header: map[string]string{"If-None-Match": w.Header().Get("ETag")}})
	if w.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", w.Code)
	}
}

// Public files are the stored bytes of the current published version:
// never those of an older version, never for a year not published.
func TestPublicDocumentsStoredPerVersion(t *testing.T) {
	e, _, dsn := newPDFEnv(t, pdf.Options{})
	ctx := context.Background()
	path := publicA + "/report.docx"
	if w := e.get(anon, path); w.Code != http.StatusNotFound {
		t.Fatalf("draft: %d, want 404", w.Code)
	}
	e.advance(workflow.Published)
	v := e.version(codeA, yearA)

	// The first download renders and stores the file.
	w := e.get(anon, path)
	if w.Code != http.StatusOK {
		t.Fatalf("published: %d %.300s", w.Code, w.Body.String())
	}
	d, err := e.st.PublishedDocument(ctx, codeA, yearA, "docx")
	if err != nil || d == nil {
		t.Fatalf("not stored after the first download: %v", err)
	}
	if !bytes.Equal(d.Data, w.Body.Bytes()) || d.Version != v || d.SHA256 != sha(d.Data) {
		t.Errorf("stored %d bytes of version %d, served %d bytes of version %d", d.Size, d.Version, w.Body.Len(), v)
	}
	if cd := w.Header().Get("Content-Disposition"); !strings.Contains(cd, "report-106001-2023.docx") {
		t.Errorf("Content-Disposition %q", cd)
	}

	// Later downloads are the stored bytes, not a new render: bytes
	// stored for another format prove it.
	fake := []byte("stored xlsx bytes")
	if d, err := e.st.SavePublishedDocument(ctx, codeA, yearA, v, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", fake); err != nil || d == nil {
		t.Fatalf("save: %v", err)
	}
	if w := e.get(anon, publicA+"/report.xlsx"); w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), fake) {
		t.Fatalf("xlsx: %d %q, want the stored bytes", w.Code, w.Body.String())
	}

	// A new version: the old version's bytes are not served any more.
	bumpVersion(t, dsn, codeA, yearA)
	w = e.get(anon, publicA+"/report.xlsx")
	if w.Code != http.StatusOK || bytes.Equal(w.Body.Bytes(), fake) {
		t.Fatalf("after a new version: %d, stale bytes served: %v", w.Code, bytes.Equal(w.Body.Bytes(), fake))
	}
	if d, _ := e.st.PublishedDocument(ctx, codeA, yearA, "xlsx"); d == nil || d.Version != v+1 || bytes.Equal(d.Data, fake) {
		t.Errorf("stored after the new version: %+v", d)
	}

	// The authenticated download of the published year still renders.
	if w := e.get(editorA, pathA+"/report.docx"); w.Code != http.StatusOK || w.Header().Get("Cache-Control") != "private, no-store" {
		t.Errorf("editor's download: %d %q", w.Code, w.Header().Get("Cache-Control"))
	}
}

// hold is an OnPage hook that keeps every page busy until released.
type hold struct {
	entered chan struct{}
	release chan struct{}
}

func newHold() *hold { return &hold{entered: make(chan struct{}, 16), release: make(chan struct{})} }

func (h *hold) onPage(ctx context.Context) {
	h.entered <- struct{}{}
	select {
	case <-h.release:
	case <-ctx.Done():
	}
}

// waitQueued waits until n renders wait in the service's queue.
func waitQueued(t *testing.T, svc *pdf.Service, n int64) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); svc.Stats().Waiting != n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d renders wait, want %d", svc.Stats().Waiting, n)
		}
	}
}

// With every page busy and the queue full a PDF download is 503 with
// Retry-After and a message in Chinese, at once.
func TestPDFQueueFullIs503(t *testing.T) {
	h := newHold()
	e, svc, _ := newPDFEnv(t, pdf.Options{Pages: 1, Queue: 1, QueueWait: time.Hour, RetryAfter: 7 * time.Second,
		Browser: "/nonexistent/chromium", OnPage: h.onPage})
	var wg sync.WaitGroup
	for range 2 { // one printing, one waiting
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.get(editorA, pathA+"/report.pdf")
		}()
	}
	<-h.entered
	waitQueued(t, svc, 1)
	w := e.get(editorA, pathA+"/report.pdf")
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "7" || !strings.Contains(w.Body.String(), "PDF 生成繁忙") {
		t.Errorf("queue full: %d Retry-After %q\n%.500s", w.Code, w.Header().Get("Retry-After"), w.Body.String())
	}
	// The public route refuses the same way.
	e.advance(workflow.Published)
	w = e.get(anon, publicA+"/report.pdf")
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "7" {
		t.Errorf("public, queue full: %d Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
	close(h.release)
	wg.Wait()
}

// A request whose context is cancelled while it waits for a page stops
// waiting and leaves the queue.
func TestPDFCancelledRequestStopsWaiting(t *testing.T) {
	h := newHold()
	e, svc, _ := newPDFEnv(t, pdf.Options{Pages: 1, QueueWait: time.Hour, Browser: "/nonexistent/chromium", OnPage: h.onPage})
	go e.get(editorA, pathA+"/report.pdf")
	<-h.entered
	ctx, cancel := context.WithCancel(context.Background())
	r := httptest.NewRequestWithContext(ctx, "GET", "http://jixiao.example"+pathA+"/report.pdf", nil)
	r.AddCookie(&http.Cookie{Name: SessionCookie, Value: e.session(editorA)})
	done := make(chan *httptest.ResponseRecorder)
	go func() {
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, r)
		done <- w
	}()
	waitQueued(t, svc, 1)
	cancel()
	w := <-done
	if w.Body.Len() != 0 {
		t.Errorf("cancelled request answered %d %.200q", w.Code, w.Body.String())
	}
	waitQueued(t, svc, 0)
	close(h.release)
}

// BenchmarkPublicStoredDownload serves a stored published PDF (300 KB, the
// size of a real report) to an anonymous client: the cost of every
// download after the first.
func BenchmarkPublicStoredDownload(b *testing.B) {
	e, svc, _ := newPDFEnv(b, pdf.Options{})
	e.advance(workflow.Published)
	data := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 300<<10)...)
	if _, err := e.st.SavePublishedDocument(context.Background(), codeA, yearA, e.version(codeA, yearA), "pdf", "application/pdf", data); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		w := e.do(req{method: "GET", path: publicA + "/report.pdf"})
		if w.Code != http.StatusOK || w.Body.Len() != len(data) {
			b.Fatalf("%d, %d bytes", w.Code, w.Body.Len())
		}
	}
	if svc.Stats().Renders != 0 {
		b.Fatal("rendered")
	}
}

// The public report page is rendered once per published version too: an
// anonymous visit shows the stored fragment and never builds the report.
func TestPublicViewRenderedOnce(t *testing.T) {
	e, _, dsn := newPDFEnv(t, pdf.Options{})
	ctx := context.Background()
	e.advance(workflow.Published)
	v := e.version(codeA, yearA)
	// A fragment stored for the version is what the page shows: no render.
	marker := "<p>已存的报告片段</p>"
	if _, err := e.st.SavePublishedDocument(ctx, codeA, yearA, v, viewFormat, "text/html; charset=utf-8", []byte(marker)); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if w := e.get(anon, publicA); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), marker) || strings.Contains(w.Body.String(), "部门整体支出绩效自评表") {
			t.Fatalf("visit: %d, the stored fragment not shown alone", w.Code)
		}
	}
	// A new version: the first visit renders and stores the report.
	bumpVersion(t, dsn, codeA, yearA)
	w := e.get(anon, publicA)
	if w.Code != http.StatusOK || strings.Contains(w.Body.String(), marker) || !strings.Contains(w.Body.String(), "部门整体支出绩效自评表") {
		t.Fatalf("after a new version: %d %.300s", w.Code, w.Body.String())
	}
	d, err := e.st.PublishedDocument(ctx, codeA, yearA, viewFormat)
	if err != nil || d == nil || d.Version != v+1 || !strings.Contains(string(d.Data), "部门整体支出绩效自评表") {
		t.Fatalf("the page's report was not stored for the new version: %v", err)
	}
}
