package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Security tests beside the authorization matrix (authz_test.go): the
// sign-in redirect, throttling, client addresses behind proxies and HSTS.
// Like every test of this package they run on SQLite and, with
// JIXIAO_TEST_WEB_BACKEND=postgres, on PostgreSQL.

func TestSafeNext(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"/evaluations/106001/2023", "/evaluations/106001/2023"},
		{"/departments?status=submitted&sort=score", "/departments?status=submitted&sort=score"},
		{"/public/%E5%8C%BA/2023", "/public/%E5%8C%BA/2023"},
		{"", "/"},
		{"evaluations", "/"},
		{"//evil.example", "/"},
		{"/\\evil.example", "/"},
		{"/\t/evil.example", "/"},  // browsers drop the tab: "//evil.example"
		{"/%09/evil.example", "/"}, // the same, percent-encoded
		{"/\r/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/%2F%2Fevil.example", "/"}, // decodes to "//evil.example"
		{"/%2f/evil.example", "/"},
		{"/%5Cevil.example", "/"}, // a backslash, encoded
		{"/a\\b", "/"},
		{"https://evil.example/", "/"},
		{"http:evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"/\u202eevil", "/"}, // a right-to-left override
		{"/\x00", "/"},
		{"/" + strings.Repeat("a", 3000), "/"},
		{"/\xff", "/"}, // not UTF-8
	} {
		if got := safeNext(c.in); got != c.want {
			t.Errorf("safeNext(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// The sign-in page and form never redirect off-site, whatever next says.
func TestLoginRedirectStaysOnSite(t *testing.T) {
	e := newEnv(t)
	for _, next := range []string{"/\t/evil.example", "/%09/evil.example", "//evil.example", "/\\evil.example", "https://evil.example"} {
		w := e.do(req{method: "GET", path: "/login?next=" + url.QueryEscape(next), token: e.session(editorA)})
		if loc := w.Header().Get("Location"); w.Code != http.StatusSeeOther || loc != "/" {
			t.Errorf("GET /login?next=%q signed in: %d Location %q, want 303 to /", next, w.Code, loc)
		}
		w = e.do(req{method: "POST", path: "/login", remote: "192.0.2.50:1", form: url.Values{"username": {editorA}, "password": {password}, "next": {next}}})
		if loc := w.Header().Get("Location"); w.Code != http.StatusSeeOther || loc != "/" {
			t.Errorf("POST /login next=%q: %d Location %q, want 303 to /", next, w.Code, loc)
		}
	}
}

// withOptions rebuilds the env's server with options (the clock kept).
// Tests that need many failed sign-ins lower the limits: each attempt
// that reaches the password costs an argon2id hash, slow under -race.
func (e *env) withOptions(o Options) {
	o.Now = func() time.Time { return e.now }
	e.srv = newServer(e.st, o)
	e.h = e.srv.handler()
}

func (e *env) tryLogin(user, pass, remote string, header map[string]string) *httptest.ResponseRecorder {
	return e.do(req{method: "POST", path: "/login", remote: remote, header: header,
		form: url.Values{"username": {user}, "password": {pass}}})
}

// An attacker failing on a user's account from elsewhere cannot keep the
// user out: throttling is per account and address pair.
func TestThrottleCannotLockOutAUser(t *testing.T) {
	e := newEnv(t)
	for i := range 8 {
		w := e.tryLogin(editorA, "wrong-password-1", "203.0.113.9:4000", nil)
		if w.Code != http.StatusUnauthorized && w.Code != http.StatusTooManyRequests {
			t.Fatalf("attack %d: %d", i, w.Code)
		}
		e.now = e.now.Add(time.Second)
	}
	if w := e.tryLogin(editorA, password, "198.51.100.7:1000", nil); w.Code != http.StatusSeeOther {
		t.Fatalf("the user from their own address after 8 failures elsewhere: %d, want 303\n%s", w.Code, w.Body.String())
	}
}

// From one address, failures on one account cost growing delays, not a
// lock: after the delay the right password works.
func TestThrottleGrowingDelays(t *testing.T) {
	e := newEnv(t)
	const addr = "192.0.2.1:1000"
	for i := 1; i <= 3; i++ { // three free failures
		if w := e.tryLogin(editorA, "wrong-password-1", addr, nil); w.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d, want 401", i, w.Code)
		}
	}
	var waits []int
	for range 4 {
		if w := e.tryLogin(editorA, "wrong-password-1", addr, nil); w.Code != http.StatusUnauthorized {
			t.Fatalf("a failure after waiting: %d, want 401", w.Code)
		}
		w := e.tryLogin(editorA, password, addr, nil)
		if w.Code != http.StatusTooManyRequests || !strings.Contains(w.Body.String(), "登录失败次数过多") {
			t.Fatalf("right password during the delay: %d, want 429 with a Chinese message", w.Code)
		}
		secs, err := strconv.Atoi(w.Header().Get("Retry-After"))
		if err != nil {
			t.Fatalf("Retry-After %q", w.Header().Get("Retry-After"))
		}
		waits = append(waits, secs)
		e.now = e.now.Add(time.Duration(secs) * time.Second)
	}
	if want := []int{1, 2, 4, 8}; !equalInts(waits, want) {
		t.Errorf("delays %v, want %v (doubling)", waits, want)
	}
	// Another account from the same address is not held back by them.
	if w := e.tryLogin(reviewer, password, addr, nil); w.Code != http.StatusSeeOther {
		t.Errorf("another account, same address: %d, want 303", w.Code)
	}
	if w := e.tryLogin(editorA, password, addr, nil); w.Code != http.StatusSeeOther {
		t.Fatalf("right password after the delay: %d, want 303", w.Code)
	}
	// Success clears the pair: the next mistake is free again.
	if w := e.tryLogin(editorA, "wrong-password-1", addr, nil); w.Code != http.StatusUnauthorized {
		t.Fatalf("after success: %d", w.Code)
	}
	if w := e.tryLogin(editorA, password, addr, nil); w.Code != http.StatusSeeOther {
		t.Errorf("one failure after a success delays: %d", w.Code)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Password spraying, one guess on many accounts from one address, meets
// the per-address limit; other addresses are not affected.
func TestThrottlePerAddress(t *testing.T) {
	e := newEnv(t)
	e.withOptions(Options{Throttle: Throttle{AddressFailures: 6}})
	const addr = "192.0.2.77:1"
	for i := range 6 {
		if w := e.tryLogin("nobody"+strconv.Itoa(i), "Spring2024!", addr, nil); w.Code != http.StatusUnauthorized {
			t.Fatalf("spray %d: %d", i, w.Code)
		}
	}
	w := e.tryLogin(editorA, password, addr, nil)
	if w.Code != http.StatusTooManyRequests || !strings.Contains(w.Body.String(), "本机地址") || w.Header().Get("Retry-After") == "" {
		t.Fatalf("7th attempt from the spraying address: %d, want 429 naming the address limit", w.Code)
	}
	if w := e.tryLogin(editorA, password, "198.51.100.8:1", nil); w.Code != http.StatusSeeOther {
		t.Errorf("another address: %d, want 303", w.Code)
	}
	e.now = e.now.Add(time.Hour)
	if w := e.tryLogin(editorA, password, addr, nil); w.Code != http.StatusSeeOther {
		t.Errorf("after the window: %d, want 303", w.Code)
	}
}

func TestThrottleBounded(t *testing.T) {
	now := time.Unix(0, 0)
	th := newThrottle(Throttle{MaxKeys: 100}, func() time.Time { return now })
	for i := range 1000 {
		now = now.Add(time.Millisecond)
		th.fail("user"+strconv.Itoa(i), "10.0."+strconv.Itoa(i/250)+"."+strconv.Itoa(i%250))
	}
	if p, a := th.size(); p > 100 || a > 100 {
		t.Fatalf("throttle holds %d pairs and %d addresses, max 100 each", p, a)
	}
}

// Behind a reverse proxy every user arrives from the proxy's address: with
// the proxy trusted, the client is read from X-Forwarded-For; without, the
// header is ignored, so a client cannot choose its own address.
func TestClientAddress(t *testing.T) {
	proxies, err := ParseTrustedProxies("10.0.0.0/8, 192.0.2.7, ::1")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		remote, xff string
		trusted     []netip.Prefix
		want        string
	}{
		{"203.0.113.5:1", "1.2.3.4", nil, "203.0.113.5"},                  // no proxy trusted: header ignored
		{"203.0.113.5:1", "1.2.3.4", proxies, "203.0.113.5"},              // peer is not a trusted proxy
		{"10.1.2.3:1", "198.51.100.9", proxies, "198.51.100.9"},           // one proxy
		{"10.1.2.3:1", "6.6.6.6, 198.51.100.9", proxies, "198.51.100.9"},  // a forged left entry is not believed
		{"10.1.2.3:1", "198.51.100.9, 10.9.9.9", proxies, "198.51.100.9"}, // two proxies
		{"192.0.2.7:1", "garbage, 198.51.100.9", proxies, "198.51.100.9"},
		{"10.1.2.3:1", "198.51.100.9, garbage", proxies, "10.1.2.3"}, // malformed hop: the peer
		{"10.1.2.3:1", "", proxies, "10.1.2.3"},
		{"[::1]:1", "2001:db8::1", proxies, "2001:db8::1"},
		{"[::ffff:10.0.0.1]:1", "198.51.100.10", proxies, "198.51.100.10"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := clientAddress(r, c.trusted); got != c.want {
			t.Errorf("remote %s, X-Forwarded-For %q, trusted %v: %s, want %s", c.remote, c.xff, c.trusted != nil, got, c.want)
		}
	}
	if _, err := ParseTrustedProxies("10.0.0.0/33"); err == nil || !strings.Contains(err.Error(), "10.0.0.0/33") {
		t.Errorf("bad CIDR: %v", err)
	}
}

// Behind a trusted proxy, two users are throttled as two addresses; a
// client that forges X-Forwarded-For without a trusted proxy gains nothing.
func TestThrottleBehindProxy(t *testing.T) {
	e := newEnv(t)
	proxies, _ := ParseTrustedProxies("10.0.0.1")
	e.withOptions(Options{TrustedProxies: proxies, Throttle: Throttle{AddressFailures: 4}})
	for i := range 4 {
		e.tryLogin("nobody"+strconv.Itoa(i), "x-wrong-1", "10.0.0.1:5000", map[string]string{"X-Forwarded-For": "203.0.113.66"})
	}
	if w := e.tryLogin(editorA, password, "10.0.0.1:5000", map[string]string{"X-Forwarded-For": "198.51.100.20"}); w.Code != http.StatusSeeOther {
		t.Fatalf("another client behind the same proxy: %d, want 303", w.Code)
	}
	if w := e.tryLogin(editorA, password, "10.0.0.1:5000", map[string]string{"X-Forwarded-For": "203.0.113.66"}); w.Code != http.StatusTooManyRequests {
		t.Errorf("the spraying client behind the proxy: %d, want 429", w.Code)
	}
	// Without trust, the header changes nothing: the sprayer stays limited.
	e2 := newEnv(t)
	e2.withOptions(Options{Throttle: Throttle{AddressFailures: 4}})
	for i := range 4 {
		e2.tryLogin("nobody"+strconv.Itoa(i), "x-wrong-1", "203.0.113.66:1", map[string]string{"X-Forwarded-For": strconv.Itoa(i) + ".1.1.1"})
	}
	if w := e2.tryLogin(editorA, password, "203.0.113.66:1", map[string]string{"X-Forwarded-For": "198.51.100.21"}); w.Code != http.StatusTooManyRequests {
		t.Errorf("a forged X-Forwarded-For escaped the address limit: %d", w.Code)
	}
}

func TestHSTSOnlyWithSecureCookies(t *testing.T) {
	e := newEnv(t)
	if v := e.do(req{method: "GET", path: "/login"}).Header().Get("Strict-Transport-Security"); v != "" {
		t.Errorf("HSTS without HTTPS: %q", v)
	}
	e.withOptions(Options{Secure: true})
	if v := e.do(req{method: "GET", path: "/login"}).Header().Get("Strict-Transport-Security"); !strings.HasPrefix(v, "max-age=") {
		t.Errorf("HSTS with secure cookies: %q", v)
	}
}
