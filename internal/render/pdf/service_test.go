package pdf

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/jixiao/jixiao/internal/report/reporttest"
)

// needBrowser skips a test that prints when no Chromium is installed.
func needBrowser(t *testing.T) {
	t.Helper()
	if Browser() == "" {
		t.Skip("Chromium not installed; CI installs it")
	}
}

// holder holds the pages of a service whose OnPage is its hook.
type holder struct {
	entered chan struct{}
	release chan struct{}
}

func newHolder() *holder {
	return &holder{entered: make(chan struct{}, 100), release: make(chan struct{})}
}

func (h *holder) hook(ctx context.Context) {
	h.entered <- struct{}{}
	select {
	case <-h.release:
	case <-ctx.Done():
	}
}

// waitQueued waits until n renders wait in s's queue.
func waitQueued(t *testing.T, s *Service, n int64) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); s.queue.Load() != n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("queue holds %d renders, want %d", s.queue.Load(), n)
		}
	}
}

// A render that finds every page busy and the queue full is refused at
// once with a BusyError telling when to retry; it never starts a browser.
func TestQueueFullIsBusy(t *testing.T) {
	h := newHolder()
	s := New(Options{Pages: 1, Queue: 2, QueueWait: time.Hour, RetryAfter: 7 * time.Second, Browser: "/nonexistent/chromium", OnPage: h.hook})
	defer s.Close()
	var wg sync.WaitGroup
	for range 3 { // one printing, two waiting
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.Print(context.Background(), []byte("<p>x</p>"))
		}()
	}
	<-h.entered
	waitQueued(t, s, 2)
	_, err := s.Print(context.Background(), []byte("<p>x</p>"))
	var be *BusyError
	if !errors.As(err, &be) || !errors.Is(err, ErrBusy) {
		t.Fatalf("err = %v, want a BusyError", err)
	}
	if be.RetryAfterSeconds() != 7 || be.Queue != 2 {
		t.Errorf("BusyError = %+v, want RetryAfter 7 s and queue 2", be)
	}
	if got := s.Stats().Refused; got != 1 {
		t.Errorf("refused = %d, want 1", got)
	}
	close(h.release)
	wg.Wait()
	if got := s.Stats().Renders; got != 0 {
		t.Errorf("renders = %d with no browser, want 0", got)
	}
}

// A render waiting in the queue stops when its context is cancelled.
func TestCancelledContextStopsWaiting(t *testing.T) {
	h := newHolder()
	s := New(Options{Pages: 1, QueueWait: time.Hour, Browser: "/nonexistent/chromium", OnPage: h.hook})
	defer s.Close()
	go s.Print(context.Background(), []byte("<p>x</p>"))
	<-h.entered
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := s.Print(ctx, []byte("<p>x</p>"))
		done <- err
	}()
	waitQueued(t, s, 1)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	waitQueued(t, s, 0)
	close(h.release)
}

// A render waits in the queue no longer than QueueWait.
func TestQueueWaitIsBounded(t *testing.T) {
	h := newHolder()
	s := New(Options{Pages: 1, QueueWait: 20 * time.Millisecond, Browser: "/nonexistent/chromium", OnPage: h.hook})
	defer s.Close()
	go s.Print(context.Background(), []byte("<p>x</p>"))
	<-h.entered
	_, err := s.Print(context.Background(), []byte("<p>x</p>"))
	if !errors.Is(err, ErrBusy) {
		t.Errorf("err = %v, want ErrBusy", err)
	}
	close(h.release)
}

func TestClosedServiceRefuses(t *testing.T) {
	s := New(Options{})
	s.Close()
	if _, err := s.Print(context.Background(), []byte("<p>x</p>")); !errors.Is(err, ErrClosed) {
		t.Errorf("err = %v, want ErrClosed", err)
	}
}

func TestServiceWithoutBrowser(t *testing.T) {
	t.Setenv("JIXIAO_CHROMIUM", "")
	t.Setenv("PATH", t.TempDir())
	s := New(Options{})
	defer s.Close()
	if _, err := s.Print(context.Background(), []byte("<p>x</p>")); !errors.Is(err, ErrNoBrowser) {
		t.Errorf("err = %v, want ErrNoBrowser", err)
	}
}

func TestDefaults(t *testing.T) {
	o := New(Options{}).Options()
	if o.Pages != 2 || o.Queue != 8 || o.Timeout != 60*time.Second || o.QueueWait != 30*time.Second || o.RetryAfter != 10*time.Second {
		t.Errorf("defaults = %+v", o)
	}
}

// A burst of renders shares one browser and prints every document.
func TestBurstSharesOneBrowser(t *testing.T) {
	needBrowser(t)
	// A busy machine prints slowly: the queue wait must not decide.
	s := New(Options{QueueWait: time.Hour})
	defer s.Close()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	outs := make([]bytes.Buffer, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Render(context.Background(), &outs[i], reporttest.Sample())
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("render %d: %v", i, err)
		}
		if !bytes.HasPrefix(outs[i].Bytes(), []byte("%PDF-")) {
			t.Fatalf("render %d is not a PDF", i)
		}
	}
	if st := s.Stats(); st.Launches != 1 || st.Renders != 8 {
		t.Errorf("stats = %+v, want 1 launch and 8 renders", st)
	}
}

// A browser that dies is started again on the next render.
func TestBrowserRestartsAfterDeath(t *testing.T) {
	needBrowser(t)
	s := New(Options{})
	defer s.Close()
	if _, err := s.Print(context.Background(), []byte("<p>一</p>")); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	b := s.b
	s.mu.Unlock()
	chromedp.FromContext(b.ctx).Browser.Process().Signal(syscall.SIGKILL)
	<-b.ctx.Done()
	data, err := s.Print(context.Background(), []byte("<p>二</p>"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	if got := s.Stats().Launches; got != 2 {
		t.Errorf("launches = %d, want 2", got)
	}
}

// A render cancelled while printing returns the context's error.
func TestCancelWhilePrinting(t *testing.T) {
	needBrowser(t)
	ctx, cancel := context.WithCancel(context.Background())
	s := New(Options{OnPage: func(context.Context) { cancel() }})
	defer s.Close()
	if _, err := s.Print(ctx, []byte("<p>x</p>")); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	// Render (TestRenderA4WithText) starts the process-wide service.
	CloseDefault()
	os.Exit(code)
}

// A render that takes longer than Timeout fails with a timeout error; here
// the "browser" never answers.
func TestRenderTimeout(t *testing.T) {
	fake := filepath.Join(t.TempDir(), "chromium")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\nexec sleep 30\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	s := New(Options{Timeout: 200 * time.Millisecond, Browser: fake})
	defer s.Close()
	_, err := s.Print(context.Background(), []byte("<p>x</p>"))
	if err == nil || !strings.Contains(err.Error(), "生成 PDF 超时") {
		t.Errorf("err = %v, want a timeout", err)
	}
}
