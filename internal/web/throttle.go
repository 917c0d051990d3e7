package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// Throttle bounds password guessing without letting anyone lock a user
// out, as the OWASP Authentication Cheat Sheet advises ("Login
// Throttling": delays that grow with failures rather than an account
// lock an attacker could trigger at will):
//
//   - per (account, client address) pair: the first FreeFailures failures
//     cost nothing; each further one makes that pair wait Delay, doubling
//     with every failure up to MaxDelay. A user signing in from their own
//     address is never held back by failures from another address.
//   - per client address, whatever the accounts: at most AddressFailures
//     failures within Window (password spraying across many accounts).
//
// Failures are forgotten Window after the last one; a successful sign-in
// clears its pair. The zero value of a field means its default.
type Throttle struct {
	FreeFailures    int           // default 3
	Delay           time.Duration // default 1 s
	MaxDelay        time.Duration // default 15 min
	AddressFailures int           // default 30
	Window          time.Duration // default 1 h
	// MaxKeys bounds the memory the throttle holds (pairs and addresses
	// each); the stalest entries go first. Default 100,000.
	MaxKeys int
}

func (t Throttle) withDefaults() Throttle {
	if t.FreeFailures <= 0 {
		t.FreeFailures = 3
	}
	if t.Delay <= 0 {
		t.Delay = time.Second
	}
	if t.MaxDelay <= 0 {
		t.MaxDelay = 15 * time.Minute
	}
	if t.AddressFailures <= 0 {
		t.AddressFailures = 30
	}
	if t.Window <= 0 {
		t.Window = time.Hour
	}
	if t.MaxKeys <= 0 {
		t.MaxKeys = 100_000
	}
	return t
}

// throttle is the state behind Throttle.
type throttle struct {
	cfg   Throttle
	now   func() time.Time
	mu    sync.Mutex
	pairs map[string]*failures // "account\x00address"
	addrs map[string]*failures // address
}

// failures is what the throttle remembers of a key.
type failures struct {
	count int
	last  time.Time
	until time.Time   // pairs: no attempt before this
	times []time.Time // addresses: failures within the window, oldest first
}

func newThrottle(cfg Throttle, now func() time.Time) *throttle {
	return &throttle{cfg: cfg.withDefaults(), now: now, pairs: map[string]*failures{}, addrs: map[string]*failures{}}
}

func pairKey(account, addr string) string { return strings.ToLower(account) + "\x00" + addr }

// wait returns how long the pair (account, addr) must wait before its next
// attempt; 0 means it may try now. byAddress says the address limit, not
// the pair's delay, holds it back.
func (t *throttle) wait(account, addr string) (d time.Duration, byAddress bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if a := t.addressFailures(addr, now); a != nil && len(a.times) >= t.cfg.AddressFailures {
		return a.times[0].Add(t.cfg.Window).Sub(now), true
	}
	if p := t.pair(pairKey(account, addr), now); p != nil && now.Before(p.until) {
		return p.until.Sub(now), false
	}
	return 0, false
}

// fail records a failed attempt of the pair and of its address.
func (t *throttle) fail(account, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	k := pairKey(account, addr)
	p := t.pair(k, now)
	if p == nil {
		p = &failures{}
		t.insert(t.pairs, k, p, now)
	}
	p.count++
	p.last = now
	if extra := p.count - t.cfg.FreeFailures; extra > 0 {
		d := t.cfg.MaxDelay
		if extra <= 30 && t.cfg.Delay<<(extra-1) < t.cfg.MaxDelay {
			d = t.cfg.Delay << (extra - 1)
		}
		p.until = now.Add(d)
	}
	a := t.addressFailures(addr, now)
	if a == nil {
		a = &failures{}
		t.insert(t.addrs, addr, a, now)
	}
	a.last = now
	a.times = append(a.times, now)
	if len(a.times) > t.cfg.AddressFailures {
		a.times = a.times[len(a.times)-t.cfg.AddressFailures:]
	}
}

// succeed forgets the pair's failures.
func (t *throttle) succeed(account, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.pairs, pairKey(account, addr))
}

// pair returns the pair's record, dropping it when its last failure is
// older than the window.
func (t *throttle) pair(k string, now time.Time) *failures {
	p := t.pairs[k]
	if p != nil && now.Sub(p.last) >= t.cfg.Window && !now.Before(p.until) {
		delete(t.pairs, k)
		return nil
	}
	return p
}

// addressFailures returns the address's record with failures older than
// the window dropped.
func (t *throttle) addressFailures(addr string, now time.Time) *failures {
	a := t.addrs[addr]
	if a == nil {
		return nil
	}
	i := 0
	for i < len(a.times) && now.Sub(a.times[i]) >= t.cfg.Window {
		i++
	}
	a.times = a.times[i:]
	if len(a.times) == 0 {
		delete(t.addrs, addr)
		return nil
	}
	return a
}

// insert adds a record, first making room when the map is full: expired
// records go, then the stalest.
func (t *throttle) insert(m map[string]*failures, k string, f *failures, now time.Time) {
	if len(m) >= t.cfg.MaxKeys {
		for key, v := range m {
			if now.Sub(v.last) >= t.cfg.Window && !now.Before(v.until) {
				delete(m, key)
			}
		}
		for len(m) >= t.cfg.MaxKeys {
			var oldest string
			var at time.Time
			for key, v := range m {
				if oldest == "" || v.last.Before(at) {
					oldest, at = key, v.last
				}
			}
			delete(m, oldest)
		}
	}
	m[k] = f
}

// size is the number of records held (for tests).
func (t *throttle) size() (pairs, addrs int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.pairs), len(t.addrs)
}

// clientAddress is the address a request came from. The connection's
// peer is the client unless it is one of the trusted proxies; then the
// client is the nearest address in X-Forwarded-For that is not a trusted
// proxy, read from the right (the entries a client wrote itself come
// first and are not believed). Without trusted proxies the header is
// ignored.
func clientAddress(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !isTrusted(peer.Unmap(), trusted) {
		return host
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			// A hop the proxies did not write: trust nothing left of it.
			break
		}
		if a = a.Unmap(); !isTrusted(a, trusted) {
			return a.String()
		}
	}
	return host
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ParseTrustedProxies reads proxy addresses given as CIDR blocks or single
// addresses ("10.0.0.0/8", "192.0.2.7"), separated by commas.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, &proxyError{f}
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

type proxyError struct{ value string }

func (e *proxyError) Error() string {
	return "受信任的代理地址“" + e.value + "”无法识别：应为 IP 地址或 CIDR 网段（如 10.0.0.0/8）"
}
