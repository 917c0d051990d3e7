package web

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/jixiao/jixiao/internal/store"
)

type ctxKey int

const userKey ctxKey = 0

// currentUser returns the signed-in user, or nil.
func currentUser(r *http.Request) *store.User {
	u, _ := r.Context().Value(userKey).(*store.User)
	return u
}

// withSession looks up the session cookie and puts its user in the
// request context. An unknown or expired session is treated as no session
// and its cookie is cleared.
func (s *server) withSession(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(SessionCookie)
		if err != nil || c.Value == "" {
			h.ServeHTTP(w, r)
			return
		}
		u, err := s.st.SessionUser(r.Context(), c.Value)
		switch store.ErrorCode(err) {
		case "":
			r = r.WithContext(context.WithValue(r.Context(), userKey, &u))
		case store.EUNAUTHORIZED:
			s.clearSessionCookie(w)
		default:
			s.internalError(w, r, err)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// signedIn lets a page handler run only for a signed-in user; anyone else
// is sent to the sign-in page (303), which brings them back after.
func (s *server) signedIn(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if currentUser(r) == nil {
			next := r.URL.Path
			if r.Method == http.MethodGet && r.URL.RawQuery != "" {
				next += "?" + r.URL.RawQuery
			}
			if r.Method != http.MethodGet {
				// After signing in, show the page the form was on.
				next = strings.TrimSuffix(pathOfEvaluation(r.URL.Path), "/")
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		h(w, r)
	}
}

// pathOfEvaluation returns /evaluations/CODE/YEAR for any path below it,
// else "/".
func pathOfEvaluation(p string) string {
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	if len(parts) >= 3 && parts[0] == "evaluations" {
		return "/" + strings.Join(parts[:3], "/")
	}
	return "/"
}

// safeNext keeps a post-sign-in target only if it is a path on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	return next
}

func (s *server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: token, Path: "/",
		MaxAge: int(SessionTTL.Seconds()), HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
}

func (s *server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: "", Path: "/",
		MaxAge: -1, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
}

type loginData struct {
	Next     string
	Username string
}

func (s *server) loginPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if currentUser(r) != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", "登录", "", loginData{Next: next})
}

// login checks the credentials, within the rate limits, and starts a
// session.
func (s *server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "表单无法读取。")
		return
	}
	username := strings.TrimSpace(r.PostFormValue("username"))
	password := r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	data := loginData{Next: next, Username: username}
	keys := []string{"ip:" + clientIP(r), "user:" + strings.ToLower(username)}
	if !s.limiter.allow(keys...) {
		s.render(w, r, http.StatusTooManyRequests, "login", "登录", "登录失败次数过多，请 15 分钟后再试。", data)
		return
	}
	if username == "" || password == "" {
		s.render(w, r, http.StatusUnprocessableEntity, "login", "登录", "请填写用户名和密码。", data)
		return
	}
	u, err := s.st.Authenticate(r.Context(), username, password)
	if err != nil {
		if store.ErrorCode(err) != store.EUNAUTHORIZED {
			s.internalError(w, r, err)
			return
		}
		s.limiter.fail(keys...)
		s.log.Warn("sign-in failed", "username", username, "remote", clientIP(r))
		s.render(w, r, http.StatusUnauthorized, "login", "登录", errorMessage(err), data)
		return
	}
	token, err := s.st.CreateSession(r.Context(), u.ID, SessionTTL)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	s.limiter.reset(keys[1])
	s.setSessionCookie(w, token)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		if err := s.st.DeleteSession(r.Context(), c.Value); err != nil {
			s.internalError(w, r, err)
			return
		}
	}
	s.clearSessionCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// clientIP is the address the connection came from. Headers such as
// X-Forwarded-For are not trusted: a proxy in front must be configured to
// pass the client address some other way.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limiter counts failed sign-ins per key (client address, username) in a
// sliding window. It holds at most max keys: when full, expired entries
// are swept, and if that is not enough the stalest entries go.
type limiter struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	max    int
	now    func() time.Time
	fails  map[string][]time.Time
}

func newLimiter(limit int, window time.Duration, max int, now func() time.Time) *limiter {
	return &limiter{limit: limit, window: window, max: max, now: now, fails: map[string][]time.Time{}}
}

// recent drops failures older than the window and returns those left.
func (l *limiter) recent(key string, now time.Time) []time.Time {
	ts := l.fails[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= l.window {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.fails, key)
		return nil
	}
	l.fails[key] = ts
	return ts
}

// allow reports whether every key is under the limit.
func (l *limiter) allow(keys ...string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range keys {
		if len(l.recent(k, now)) >= l.limit {
			return false
		}
	}
	return true
}

// fail records a failure for every key.
func (l *limiter) fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range keys {
		if _, ok := l.fails[k]; !ok && len(l.fails) >= l.max {
			l.evict(now)
		}
		ts := append(l.recent(k, now), now)
		if len(ts) > l.limit {
			ts = ts[len(ts)-l.limit:]
		}
		l.fails[k] = ts
	}
}

// evict makes room for one more key.
func (l *limiter) evict(now time.Time) {
	for k := range l.fails {
		l.recent(k, now)
	}
	for len(l.fails) >= l.max {
		var oldest string
		var at time.Time
		for k, ts := range l.fails {
			last := ts[len(ts)-1]
			if oldest == "" || last.Before(at) {
				oldest, at = k, last
			}
		}
		delete(l.fails, oldest)
	}
}

// reset forgets a key's failures (after a successful sign-in).
func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, key)
}
