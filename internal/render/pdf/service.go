package pdf

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Defaults of Options.
const (
	DefaultPages      = 2
	DefaultQueue      = 8
	DefaultQueueWait  = 30 * time.Second
	DefaultTimeout    = 60 * time.Second
	DefaultRetryAfter = 10 * time.Second
)

// Options configure a Service. A zero or negative field takes its default.
type Options struct {
	// Pages is how many documents the browser prints at once, each in a
	// tab of its own. Default 2 (DefaultPages).
	Pages int
	// Queue is how many renders may wait for a free page; a render that
	// finds the queue full is refused at once with a *BusyError. Default 8
	// (DefaultQueue).
	Queue int
	// QueueWait bounds how long a render waits in the queue; after it the
	// render is refused with a *BusyError. Default 30 s (DefaultQueueWait).
	QueueWait time.Duration
	// Timeout bounds one render once it has a page: starting the browser
	// if needed, loading the HTML and printing. Default 60 s
	// (DefaultTimeout).
	Timeout time.Duration
	// RetryAfter is what a *BusyError tells the client to wait before
	// trying again (the web answers it as Retry-After). Default 10 s
	// (DefaultRetryAfter).
	RetryAfter time.Duration
	// Browser is the Chromium executable; "" looks for it with Browser
	// each time the browser starts.
	Browser string
	// OnPage, if set, is called when a render has got its page, before
	// the browser is used. It is a hook for tests, which hold pages with
	// it to fill the queue.
	OnPage func(ctx context.Context)
}

func (o Options) withDefaults() Options {
	if o.Pages <= 0 {
		o.Pages = DefaultPages
	}
	if o.Queue <= 0 {
		o.Queue = DefaultQueue
	}
	if o.QueueWait <= 0 {
		o.QueueWait = DefaultQueueWait
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.RetryAfter <= 0 {
		o.RetryAfter = DefaultRetryAfter
	}
	return o
}

// ErrBusy is what a *BusyError matches with errors.Is.
var ErrBusy = errors.New("PDF 生成繁忙")

// BusyError refuses a render when the queue is full or the wait for a
// page took longer than Options.QueueWait.
type BusyError struct {
	// Queue is the queue length that was full (0 when the wait timed out).
	Queue int
	// RetryAfter is how long the client should wait before trying again.
	RetryAfter time.Duration
}

func (e *BusyError) Error() string {
	secs := e.RetryAfterSeconds()
	if e.Queue > 0 {
		return fmt.Sprintf("PDF 生成繁忙：已有 %d 份文件在排队等待生成，请 %d 秒后重试。", e.Queue, secs)
	}
	return fmt.Sprintf("PDF 生成繁忙：排队等待超时，请 %d 秒后重试。", secs)
}

// Is makes errors.Is(err, ErrBusy) true.
func (e *BusyError) Is(target error) bool { return target == ErrBusy }

// RetryAfterSeconds is RetryAfter in whole seconds, at least 1.
func (e *BusyError) RetryAfterSeconds() int {
	return max(1, int(math.Ceil(e.RetryAfter.Seconds())))
}

// ErrClosed is returned by a render on a closed Service.
var ErrClosed = errors.New("PDF 服务已停止")

// Stats counts what a Service did.
type Stats struct {
	// Launches is how many times the browser process was started.
	Launches int64
	// Renders is how many documents were sent to the browser to print.
	Renders int64
	// Refused is how many renders were refused with a *BusyError.
	Refused int64
	// Waiting is how many renders wait in the queue now.
	Waiting int64
	// Tabs is how many tabs were opened; a tab prints many documents
	// one after another (at most tabUses) before it is closed.
	Tabs int64
	// FontSubsets is how many font subsets were cut (see fonts.go).
	FontSubsets int64
	// FontError says why pages are printed with whole system fonts
	// ("" when subsets are used).
	FontError string
}

// Service prints HTML to PDF with one shared headless Chromium. It is safe
// for concurrent use; Close stops the browser.
type Service struct {
	opts  Options
	slots chan struct{} // a token per page printing
	queue atomic.Int64  // renders waiting for a page
	done  chan struct{} // closed by Close

	mu     sync.Mutex // guards what follows; held while the browser starts
	closed bool
	b      *browser
	idle   []*tab // tabs of b free to print the next document
	srv    *fontServer

	fonts subsetter

	launches, renders, refused, tabs atomic.Int64
	fontErr                          atomic.Pointer[string]
}

// tabUses is how many documents a tab prints before it is closed and a
// new one opened, so that what a long run leaves in a renderer is let go.
const tabUses = 200

// tab is an open tab of a browser, reused from one document to the next.
type tab struct {
	ctx    context.Context // the tab's chromedp context
	cancel func()          // closes the tab
	b      *browser
	uses   int
}

// browser is one running Chromium.
type browser struct {
	ctx  context.Context // the browser's chromedp context; done when it dies
	stop func()
	srv  *fontServer // where its tabs load the blank page and the fonts; nil if it would not start
}

// New returns a service; its browser starts on the first render.
func New(opts Options) *Service {
	opts = opts.withDefaults()
	return &Service{opts: opts, slots: make(chan struct{}, opts.Pages), done: make(chan struct{})}
}

// Options returns the service's options, defaults filled in.
func (s *Service) Options() Options { return s.opts }

// Stats returns the counters.
func (s *Service) Stats() Stats {
	st := Stats{Launches: s.launches.Load(), Renders: s.renders.Load(), Refused: s.refused.Load(), Waiting: s.queue.Load(), Tabs: s.tabs.Load()}
	st.FontSubsets = int64(s.fonts.cuts())
	if e := s.fontErr.Load(); e != nil {
		st.FontError = *e
	}
	return st
}

// Close stops the browser and refuses later renders with ErrClosed.
// Renders in progress fail.
func (s *Service) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	close(s.done)
	for _, t := range s.idle {
		t.cancel()
	}
	s.idle = nil
	if s.b != nil {
		s.b.stop()
		s.b = nil
	}
	if s.srv != nil {
		s.srv.close()
		s.srv = nil
	}
	return nil
}

// Print prints an HTML page (self-contained: the browser loads nothing
// from the network) to PDF on A4 with the page's own @page margins.
func (s *Service) Print(ctx context.Context, page []byte) ([]byte, error) {
	if err := s.acquire(ctx); err != nil {
		return nil, err
	}
	defer func() { <-s.slots }()
	if s.opts.OnPage != nil {
		s.opts.OnPage(ctx)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	b, err := s.browser(rctx)
	if err != nil {
		return nil, s.renderError(ctx, rctx, err)
	}
	if b.srv != nil {
		if withFonts, err := s.fonts.embed(rctx, page, fontsPath); err != nil {
			msg := err.Error()
			s.fontErr.Store(&msg)
		} else {
			page = withFonts
		}
	}
	data, err := s.print(rctx, b, page)
	if err == nil {
		return data, nil
	}
	if b.ctx.Err() != nil && ctx.Err() == nil && rctx.Err() == nil {
		// The browser died; the next render starts a new one.
		return nil, fmt.Errorf("Chromium 意外退出，生成 PDF 失败：%w", err)
	}
	return nil, s.renderError(ctx, rctx, fmt.Errorf("Chromium 生成 PDF 失败：%w", err))
}

// renderError is err of a render whose caller's context is ctx and whose
// context with the timeout is rctx: the caller's own error if it ended,
// a timeout if the render took too long.
func (s *Service) renderError(ctx, rctx context.Context, err error) error {
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(rctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("生成 PDF 超时（超过 %s）", s.opts.Timeout)
	}
	return err
}

// acquire takes a page, waiting in the queue if none is free.
func (s *Service) acquire(ctx context.Context) error {
	select {
	case <-s.done:
		return ErrClosed
	default:
	}
	select {
	case s.slots <- struct{}{}:
		return nil
	default:
	}
	if s.queue.Add(1) > int64(s.opts.Queue) {
		s.queue.Add(-1)
		s.refused.Add(1)
		return &BusyError{Queue: s.opts.Queue, RetryAfter: s.opts.RetryAfter}
	}
	defer s.queue.Add(-1)
	t := time.NewTimer(s.opts.QueueWait)
	defer t.Stop()
	select {
	case s.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		s.refused.Add(1)
		return &BusyError{RetryAfter: s.opts.RetryAfter}
	case <-s.done:
		return ErrClosed
	}
}

// browser returns the running browser, starting it if there is none or
// the last one died. Renders arriving meanwhile wait for the one start.
func (s *Service) browser(ctx context.Context) (*browser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	if s.b != nil && s.b.ctx.Err() == nil {
		return s.b, nil
	}
	if s.b != nil {
		s.b.stop()
		s.b = nil
	}
	path := s.opts.Browser
	if path == "" {
		path = Browser()
	}
	if path == "" {
		return nil, ErrNoBrowser
	}
	// The flags keep Chromium off the network (these machines are often
	// offline, and it would otherwise try to reach update servers). With
	// no user-data-dir given, chromedp starts each browser on a fresh
	// temporary profile and, when it stops, kills what is left of its
	// processes and removes the profile.
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	b := &browser{ctx: bctx, stop: func() {
		cancelBrowser()
		cancelAlloc()
	}}
	s.launches.Add(1)
	// The first Run binds the browser's life to bctx, which must not
	// carry the render's timeout: stop the start from outside instead.
	start := context.AfterFunc(ctx, cancelBrowser)
	err := chromedp.Do(bctx)
	stopped := !start()
	if err != nil || stopped {
		b.stop()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("无法启动 Chromium（%s）：%w", path, err)
	}
	if s.srv == nil {
		// Without the font server pages are printed with the system
		// fonts, from about:blank, as they would be anyway.
		if srv, err := startFontServer(&s.fonts); err == nil {
			s.srv = srv
		} else {
			msg := err.Error()
			s.fontErr.Store(&msg)
		}
	}
	b.srv = s.srv
	s.b = b
	return b, nil
}

// Margins of the HTML renderer's print stylesheet (@page in
// render/html/css.go: 37mm 26mm 35mm 28mm), in inches. preferCSSPageSize
// lets the stylesheet's own @page win; these apply if it has none.
const mmPerInch = 25.4

var marginsInch = [4]float64{37 / mmPerInch, 26 / mmPerInch, 35 / mmPerInch, 28 / mmPerInch}

// pageNumberFooter puts the page number at the foot of every page,
// centred between dashes ("— 3 —"), in 14pt (四号) as official documents
// number their pages (GB/T 9704-2012 7.5). The browser fills pageNumber;
// the footer sits in the stylesheet's bottom margin.
const pageNumberFooter = `<div style="width:100%;text-align:center;font-size:14pt;font-family:serif;">&#8212; <span class="pageNumber"></span> &#8212;</div>`

// takeTab returns a free tab of b, opening one if there is none.
func (s *Service) takeTab(b *browser) (*tab, error) {
	s.mu.Lock()
	for len(s.idle) > 0 {
		t := s.idle[len(s.idle)-1]
		s.idle = s.idle[:len(s.idle)-1]
		if t.b == b && t.ctx.Err() == nil {
			s.mu.Unlock()
			return t, nil
		}
		t.cancel()
	}
	s.mu.Unlock()
	tctx, cancel := chromedp.NewContext(b.ctx)
	t := &tab{ctx: tctx, cancel: cancel, b: b}
	s.tabs.Add(1)
	// A blank page is loaded first so that the tab knows its frame
	// before a document replaces it. From the font server's blank page
	// the documents load their fonts from the same origin.
	blank := "about:blank"
	if b.srv != nil {
		blank = b.srv.origin + blankPath
	}
	if err := chromedp.Do(tctx, chromedp.Navigate(blank)); err != nil {
		cancel()
		return nil, err
	}
	return t, nil
}

// putTab gives a tab that printed without fault back for the next
// document, or closes it when it has printed its share or the service
// has closed.
func (s *Service) putTab(t *tab) {
	t.uses++
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || t.uses >= tabUses || t.ctx.Err() != nil || t.b != s.b || len(s.idle) >= s.opts.Pages {
		t.cancel()
		return
	}
	s.idle = append(s.idle, t)
}

// fontsReady lays the page out (which starts loading the web fonts it
// uses) and waits until every font has loaded, so that the print never
// falls back to another font while one is on its way.
const fontsReady = `(document.body ? document.body.offsetHeight : 0, document.fonts.ready).then(() => document.fonts.size)`

// print loads the page into a tab of b and prints it.
func (s *Service) print(ctx context.Context, b *browser, html []byte) ([]byte, error) {
	t, err := s.takeTab(b)
	if err != nil {
		return nil, err
	}
	// The tab lives under the browser's context; the render's context
	// (caller plus timeout) closes it from outside.
	stop := context.AfterFunc(ctx, t.cancel)
	s.renders.Add(1)
	data, err := chromedp.Run(t.ctx, func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		tree, err := cdp.Call(ctx, tg, page.GetFrameTree, cdp.Empty{})
		if err != nil {
			return nil, err
		}
		if _, err := cdp.Call(ctx, tg, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: string(html)}); err != nil {
			return nil, err
		}
		await := true
		res, err := cdp.Call(ctx, tg, runtime.Evaluate, runtime.EvaluateParams{Expression: fontsReady, AwaitPromise: &await})
		if err != nil {
			return nil, err
		}
		if res.ExceptionDetails != nil {
			return nil, fmt.Errorf("等待字体加载失败：%s", res.ExceptionDetails.Text)
		}
		return chromedp.PrintToPDF(
			chromedp.PDFPaper(chromedp.PaperA4),
			chromedp.PDFMargins(marginsInch[0], marginsInch[1], marginsInch[2], marginsInch[3]),
			chromedp.PDFPreferCSSPageSize(),
			chromedp.PDFPrintBackground(),
			chromedp.PDFHeaderTemplate(`<span></span>`),
			chromedp.PDFFooterTemplate(pageNumberFooter),
		)(ctx, tg)
	})
	if !stop() || err != nil {
		t.cancel()
		return data, err
	}
	s.putTab(t)
	return data, nil
}
