// Package web is the web application: departments fill in and submit
// their self-evaluations, the finance bureau reviews and publishes them,
// and the public reads what was published. Pages are rendered on the
// server from embedded templates and work without JavaScript; a JSON API
// under /api/v1 uses the same session cookie.
//
// Who may see and do what is decided in access.go and nowhere else: reads
// go through store.Visible, so a department user asking for another
// department's data gets 404, exactly as for data that does not exist.
package web

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/render/pdf"
	"github.com/jixiao/jixiao/internal/store"
)

//go:embed templates/*.html static openapi.json
var assets embed.FS

// SessionCookie is the name of the session cookie.
const SessionCookie = "jixiao_session"

// SessionTTL is how long a sign-in lasts.
const SessionTTL = 8 * time.Hour

// Options configure the server.
type Options struct {
	// Logger receives one line per request and every internal error;
	// nil discards them.
	Logger *slog.Logger
	// Now returns the current time (for the sign-in rate limiter); nil
	// means time.Now.
	Now func() time.Time
	// Secure marks cookies Secure: set it when the server is reached
	// over HTTPS.
	Secure bool
	// Throttle bounds failed sign-ins (see Throttle for the defaults).
	Throttle Throttle
	// TrustedProxies are the reverse proxies in front of the server.
	// Only a request whose peer is one of them has its client address
	// read from X-Forwarded-For; with none, the header is ignored and
	// every client is the connection's peer.
	TrustedProxies []netip.Prefix
	// FrameworkDirs are the user framework directories that the
	// command line reads (see `jixiao frameworks`); the administrator's
	// framework page lists what they hold beside the built-in ones.
	FrameworkDirs []string
	// PDF prints report PDFs with one shared Chromium, a bounded number
	// of pages at once and a bounded queue (pdf.Options holds the limits
	// and their defaults). nil means the process-wide pdf.Default(). The
	// caller closes it when the server stops.
	PDF *pdf.Service
	// WorkbookReads bounds the uploaded workbooks read at once; further
	// uploads wait up to WorkbookWait for their turn and are then
	// answered 503 with Retry-After. Defaults 2 and 10 seconds (see
	// docs/limits-workbook.md).
	WorkbookReads int
	WorkbookWait  time.Duration
}

// server holds what the handlers share.
type server struct {
	st  *store.Store
	log *slog.Logger
	now func() time.Time
	// badges keeps each user's task count for the navigation.
	badges   *badgeCache
	secure   bool
	throttle *throttle
	proxies  []netip.Prefix
	fwDirs   []string // user framework directories
	scores   *scores  // scoring results by stored version
	pdf      *pdf.Service
	public   *flights // renders of published documents in progress
	pages    map[string]*pageTemplate
	mux      *http.ServeMux
	// apiRoutes lists the patterns registered under /api/v1, for the
	// test that checks the OpenAPI description covers them.
	apiRoutes []string

	// workbooks bounds the uploaded workbooks read at once.
	workbooks *workbookSlots
	// bundles are the year bundles being made or kept for download.
	bundles *bundles
	// refreshing is set while a reviewer's refresh of the warnings runs:
	// one at a time per server (it reads a whole year of payments).
	refreshing atomic.Bool
	// importing is set while an uploaded ledger is imported: one at a
	// time per server.
	importing atomic.Bool
	// ledgerLimit bounds an uploaded ledger (maxLedgerUpload).
	ledgerLimit int64
}

// New returns the web application's handler.
func New(st *store.Store, opts Options) http.Handler {
	s := newServer(st, opts)
	return s.handler()
}

func newServer(st *store.Store, opts Options) *server {
	s := &server{st: st, log: opts.Logger, now: opts.Now, secure: opts.Secure, scores: newScores(), fwDirs: opts.FrameworkDirs, badges: newBadgeCache()}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.throttle = newThrottle(opts.Throttle, s.now)
	s.proxies = opts.TrustedProxies
	s.pdf = opts.PDF
	if s.pdf == nil {
		s.pdf = pdf.Default()
	}
	s.public = newFlights()
	s.bundles = &bundles{}
	s.ledgerLimit = maxLedgerUpload
	s.workbooks = newWorkbookSlots(opts.WorkbookReads, opts.WorkbookWait)
	s.pages = mustParsePages()
	s.mux = http.NewServeMux()
	s.routes()
	return s
}

// handler wraps the router in the middleware every request passes:
// logging outermost, then panic recovery, security headers, cross-origin
// protection for state-changing requests, and the session lookup.
func (s *server) handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAPI(r) {
			writeAPIError(w, http.StatusForbidden, apperr.EFORBIDDEN, "跨站请求已被拒绝")
			return
		}
		s.renderError(w, r, http.StatusForbidden, "跨站请求已被拒绝：请从本系统的页面提交表单。")
	}))
	var h http.Handler = s.mux
	h = s.withSession(h)
	h = cop.Handler(h)
	h = securityHeaders(h, s.secure)
	h = s.recoverPanics(h)
	h = s.logRequests(h)
	return h
}

// routes registers every route. Page routes answer HTML, API routes JSON.
func (s *server) routes() {
	static, _ := fs.Sub(assets, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", cacheFor(http.FileServerFS(static), time.Hour)))
	s.mux.HandleFunc("GET /static/report.css", s.reportCSS)

	s.mux.HandleFunc("GET /login", s.loginPage)
	s.mux.HandleFunc("POST /login", s.login)
	s.mux.HandleFunc("POST /logout", s.logout)
	s.mux.HandleFunc("GET /account", s.signedIn(s.account))
	s.mux.HandleFunc("POST /account/password", s.signedIn(s.changePassword))
	s.mux.HandleFunc("POST /account/email", s.signedIn(s.setEmail))
	s.mux.HandleFunc("GET /tasks", s.signedIn(s.tasks))
	s.mux.HandleFunc("GET /dates", s.signedIn(s.datesPage))
	s.mux.HandleFunc("POST /dates", s.signedIn(s.setDate))

	s.mux.HandleFunc("GET /{$}", s.signedIn(s.home))
	s.mux.HandleFunc("GET /departments", s.signedIn(s.departments))
	s.mux.HandleFunc("GET /dashboard", s.signedIn(s.dashboard))
	s.mux.HandleFunc("GET /monitoring", s.signedIn(s.monitoring))
	s.mux.HandleFunc("POST /monitoring/refresh", s.signedIn(s.refreshWarnings))
	s.mux.HandleFunc("GET /monitoring/ledgers", s.signedIn(s.ledgersPage))
	s.mux.HandleFunc("POST /monitoring/ledgers", s.signedIn(s.uploadLedger))
	s.mux.HandleFunc("GET /monitoring/warnings/{id}", s.signedIn(s.warning))
	s.mux.HandleFunc("POST /monitoring/warnings/{id}", s.signedIn(s.moveWarning))
	s.mux.HandleFunc("GET /rectification", s.signedIn(s.rectifications))
	s.mux.HandleFunc("GET /evaluations/{code}/{year}/rectification", s.signedIn(s.rectificationYear))
	s.mux.HandleFunc("POST /evaluations/{code}/{year}/rectification", s.signedIn(s.issueRectifications))
	s.mux.HandleFunc("GET /evaluations/{code}/{year}/rectification/{n}", s.signedIn(s.rectificationItem))
	s.mux.HandleFunc("POST /evaluations/{code}/{year}/rectification/{n}", s.signedIn(s.moveRectification))
	s.mux.HandleFunc("GET /results", s.signedIn(s.resultsPage))
	s.mux.HandleFunc("GET /results/table.xlsx", s.signedIn(s.resultsWorkbook))
	s.mux.HandleFunc("POST /results/{code}/{year}/decision", s.signedIn(s.decideResult))
	s.mux.HandleFunc("GET /years/open", s.signedIn(s.yearOpenForm))
	s.mux.HandleFunc("POST /years/open", s.signedIn(s.openYears))
	s.mux.HandleFunc("GET /bundles", s.signedIn(s.bundlePage))
	s.mux.HandleFunc("POST /bundles", s.signedIn(s.startBundle))
	s.mux.HandleFunc("GET /bundles/{id}", s.signedIn(s.bundleStatus))
	s.mux.HandleFunc("GET /bundles/{id}/download", s.signedIn(s.bundleDownload))
	s.mux.HandleFunc("GET /publish", s.signedIn(s.publishPage))
	s.mux.HandleFunc("POST /publish", s.signedIn(s.publishAll))
	s.mux.HandleFunc("GET /evaluations/{code}/{year}", s.signedIn(s.workspace))
	s.mux.HandleFunc("GET /evaluations/{code}/{year}/history", s.signedIn(s.history))
	s.mux.HandleFunc("GET /evaluations/{code}/{year}/{file}", s.signedIn(s.download))
	s.mux.HandleFunc("POST /evaluations/{code}/{year}/transition", s.signedIn(s.transition))
	s.mux.HandleFunc("POST /evaluations/{code}/{year}/scores/{indicator}", s.signedIn(s.setScore))
	s.mux.HandleFunc("POST /evaluations/{code}/{year}/review/{indicator}", s.signedIn(s.setReview))
	s.mux.HandleFunc("POST /evaluations/{code}/{year}/reviews", s.signedIn(s.setReviews))
	s.mux.HandleFunc("GET /evaluations/{code}/{year}/review-letter.docx", s.signedIn(s.reviewLetter))
	s.mux.HandleFunc("POST /evaluations/{code}/{year}/comments", s.signedIn(s.addComment))
	s.mux.HandleFunc("GET /evaluations/{code}/{year}/edit", s.signedIn(s.editData))
	s.mux.HandleFunc("POST /evaluations/{code}/{year}/edit", s.signedIn(s.saveData))
	s.mux.HandleFunc("POST /evaluations/{code}/{year}/edit/preview", s.previewSignedIn(s.previewData))
	s.mux.HandleFunc("GET /evaluations/{code}/{year}/adjustments/new", s.signedIn(s.adjustForm))
	s.mux.HandleFunc("POST /evaluations/{code}/{year}/adjustments", s.signedIn(s.proposeAdjustment))
	s.mux.HandleFunc("GET /evaluations/{code}/{year}/adjustments/{number}", s.signedIn(s.adjustment))
	s.mux.HandleFunc("POST /evaluations/{code}/{year}/adjustments/{number}/decision", s.signedIn(s.decideAdjustment))
	s.mux.HandleFunc("GET /evaluations/{code}/{year}/workbook", s.signedIn(s.downloadWorkbook))
	s.mux.HandleFunc("GET /evaluations/{code}/{year}/monitoring/{month}", s.signedIn(s.checkpointPage))
	s.mux.HandleFunc("POST /evaluations/{code}/{year}/monitoring/{month}", s.signedIn(s.saveCheckpoint))
	s.mux.HandleFunc("POST /evaluations/{code}/{year}/monitoring/{month}/check", s.signedIn(s.checkCheckpoint))
	s.mux.HandleFunc("POST /evaluations/{code}/{year}/monitoring/{month}/transition", s.signedIn(s.transitionCheckpoint))
	s.mux.HandleFunc("GET /evaluations/{code}/{year}/monitoring/{month}/{file}", s.signedIn(s.downloadCheckpoint))
	s.mux.HandleFunc("GET /evaluations/{code}/{year}/exante/{project}", s.signedIn(s.exantePage))
	s.mux.HandleFunc("POST /evaluations/{code}/{year}/exante/{project}", s.signedIn(s.saveExante))
	s.mux.HandleFunc("POST /evaluations/{code}/{year}/exante/{project}/conclude", s.signedIn(s.concludeExante))
	s.mux.HandleFunc("GET /evaluations/{code}/{year}/exante/{project}/report.docx", s.signedIn(s.exanteReport))
	s.mux.HandleFunc("POST /evaluations/{code}/{year}/workbook", s.signedIn(s.uploadWorkbook))

	s.mux.HandleFunc("GET /admin", s.adminOnly(s.adminIndex))
	s.mux.HandleFunc("GET /admin/users", s.adminOnly(s.adminUsers))
	s.mux.HandleFunc("POST /admin/users", s.adminOnly(s.adminCreateUser))
	s.mux.HandleFunc("POST /admin/users/{id}/disable", s.adminOnly(s.adminDisableUser))
	s.mux.HandleFunc("POST /admin/users/{id}/enable", s.adminOnly(s.adminEnableUser))
	s.mux.HandleFunc("POST /admin/users/{id}/password", s.adminOnly(s.adminSetPassword))
	s.mux.HandleFunc("GET /admin/departments", s.adminOnly(s.adminDepartments))
	s.mux.HandleFunc("POST /admin/departments", s.adminOnly(s.adminSaveDepartment))
	s.mux.HandleFunc("GET /admin/frameworks", s.adminOnly(s.adminFrameworks))
	s.mux.HandleFunc("POST /admin/frameworks", s.adminOnly(s.adminUploadFramework))
	s.mux.HandleFunc("GET /admin/frameworks/{id}", s.adminOnly(s.adminFramework))

	s.mux.HandleFunc("GET /public", s.publicList)
	s.mux.HandleFunc("GET /public/{code}/{year}", s.publicView)
	s.mux.HandleFunc("GET /public/{code}/{year}/{file}", s.publicDownload)

	s.api("GET /api/v1/openapi.json", s.apiOpenAPI)
	s.api("GET /api/v1/evaluations", s.apiSignedIn(s.apiList))
	s.api("GET /api/v1/evaluations/{code}/{year}", s.apiSignedIn(s.apiGet))
	s.api("POST /api/v1/evaluations/{code}/{year}/transition", s.apiSignedIn(s.apiTransition))
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, http.StatusNotFound, apperr.ENOTFOUND, "没有这个接口")
	})

	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, http.StatusNotFound, "页面不存在。")
	})
}

// api registers an API route and remembers its pattern.
func (s *server) api(pattern string, h http.HandlerFunc) {
	s.apiRoutes = append(s.apiRoutes, pattern)
	s.mux.HandleFunc(pattern, h)
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

func cacheFor(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(d.Seconds())))
		h.ServeHTTP(w, r)
	})
}

// securityHeaders sets the headers every response carries. Pages load
// nothing from other origins and run no inline script or style. When the
// server is reached over HTTPS (secure cookies on), browsers are told to
// use HTTPS only for a year (HSTS, without includeSubDomains: other hosts
// of the bureau's domain are not ours to decide for).
func securityHeaders(h http.Handler, secure bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		if secure {
			hd.Set("Strict-Transport-Security", "max-age=31536000")
		}
		hd.Set("Content-Security-Policy", "default-src 'self'; form-action 'self'; base-uri 'self'; frame-ancestors 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY")
		h.ServeHTTP(w, r)
	})
}

// statusWriter records the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.status, w.wrote = http.StatusOK, true
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *server) logRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"duration", time.Since(start).Round(time.Microsecond), "remote", s.clientIP(r))
	})
}

// recoverPanics turns a panicking handler into a 500 page.
func (s *server) recoverPanics(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if sw.wrote {
				return
			}
			if isAPI(r) {
				writeAPIError(sw, http.StatusInternalServerError, apperr.EINTERNAL, "服务器内部错误，请稍后重试")
				return
			}
			s.renderError(sw, r, http.StatusInternalServerError, "服务器内部错误，请稍后重试；如果问题持续，请联系系统管理员。")
		}()
		h.ServeHTTP(sw, r)
	})
}

// internalError logs err and answers 500 without revealing it.
func (s *server) internalError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	if isAPI(r) {
		writeAPIError(w, http.StatusInternalServerError, apperr.EINTERNAL, "服务器内部错误，请稍后重试")
		return
	}
	s.renderError(w, r, http.StatusInternalServerError, "服务器内部错误，请稍后重试；如果问题持续，请联系系统管理员。")
}

// httpStatus maps a store error code to an HTTP status: the one place
// where this is decided, for pages and the API alike.
func httpStatus(code string) int {
	switch code {
	case apperr.ENOTFOUND:
		return http.StatusNotFound
	case apperr.ECONFLICT:
		return http.StatusConflict
	case apperr.EINVALID:
		return http.StatusUnprocessableEntity
	case apperr.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case apperr.EFORBIDDEN:
		return http.StatusForbidden
	}
	return http.StatusInternalServerError
}

// errorMessage is the Chinese message of a store error, or a generic one
// for internal errors (whose details go to the log only).
func errorMessage(err error) string {
	var se *apperr.Error
	if errors.As(err, &se) && se.Code != apperr.EINTERNAL {
		return se.Message
	}
	return "服务器内部错误，请稍后重试"
}
