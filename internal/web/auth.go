package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jixiao/jixiao/internal/apperr"
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
		switch apperr.Code(err) {
		case "":
			r = r.WithContext(context.WithValue(r.Context(), userKey, &u))
		case apperr.EUNAUTHORIZED:
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

// safeNext keeps a post-sign-in target only if it is a path on this site
// (localPath); anything else sends the user home.
func safeNext(next string) string {
	if !localPath(next) {
		return "/"
	}
	return next
}

// localPath reports whether p can only lead to this site: it starts with
// one "/" (not "//" or "/\", which browsers read as another host), has no
// control characters, backslashes or bidirectional controls, raw or
// percent-encoded, and parses to a path with no scheme, host or user.
func localPath(p string) bool {
	if p == "" || p[0] != '/' || len(p) > 2048 || !utf8.ValidString(p) {
		return false
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return false
	}
	for _, s := range []string{p, u.Path} {
		if strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") {
			return false
		}
		for _, c := range s {
			if c == '\\' || unicode.IsControl(c) || unicode.Is(unicode.Bidi_Control, c) {
				return false
			}
		}
	}
	return true
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
	addr := s.clientIP(r)
	if wait, byAddress := s.throttle.wait(username, addr); wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		msg := fmt.Sprintf("该账号在本机登录失败次数过多，请 %s后再试。", waitText(secs))
		if byAddress {
			msg = fmt.Sprintf("本机地址登录失败次数过多，请 %s后再试；如多人共用同一出口地址，请联系系统管理员。", waitText(secs))
		}
		s.render(w, r, http.StatusTooManyRequests, "login", "登录", msg, data)
		return
	}
	if username == "" || password == "" {
		s.render(w, r, http.StatusUnprocessableEntity, "login", "登录", "请填写用户名和密码。", data)
		return
	}
	u, err := s.st.Authenticate(r.Context(), username, password)
	if err != nil {
		if apperr.Code(err) != apperr.EUNAUTHORIZED {
			s.internalError(w, r, err)
			return
		}
		s.throttle.fail(username, addr)
		s.log.Warn("sign-in failed", "username", username, "remote", addr)
		s.render(w, r, http.StatusUnauthorized, "login", "登录", errorMessage(err), data)
		return
	}
	token, err := s.st.CreateSession(r.Context(), u.ID, SessionTTL)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	s.throttle.succeed(username, addr)
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

// clientIP is the address the request came from: the connection's peer,
// or with trusted proxies configured, the client they name in
// X-Forwarded-For (clientAddress).
func (s *server) clientIP(r *http.Request) string { return clientAddress(r, s.proxies) }

// waitText says how long to wait in words: "30 秒", "2 分钟".
func waitText(secs int) string {
	if secs < 60 {
		return fmt.Sprintf("%d 秒", secs)
	}
	return fmt.Sprintf("%d 分钟", (secs+59)/60)
}
