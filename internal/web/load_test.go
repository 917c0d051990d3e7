package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jixiao/jixiao/internal/cputime"
	"github.com/jixiao/jixiao/internal/demo"
	"github.com/jixiao/jixiao/internal/store"
)

// The load benchmarks drive 64 concurrent signed-in sessions (a reviewer's
// view, which sees every department) over the home page, the department
// list, the finance dashboard and the workspaces of a 100-department
// database, through a real loopback server. One op is one request. The
// goal: p99 ≤ 50 ms and ≥ 1,000 requests per second on two cores, no
// errors.
//
//	go test -run '^$' -bench 'BenchmarkLoad' -benchtime 5000x ./internal/web/
//
// BenchmarkLoad runs the sessions without pause (a closed loop): it finds
// the most the server can answer, and its latency is mostly queueing (64
// requests are always waiting). BenchmarkLoadAt1000 offers a steady 1,000
// requests per second, each session sending one every 64 ms, and measures
// each request from the moment it was due, so that a slow server cannot
// hide its backlog (no coordinated omission).
func BenchmarkLoad(b *testing.B) { runLoad(b, 0) }

func BenchmarkLoadAt1000(b *testing.B) { runLoad(b, 1000) }

const loadSessions = 64

// loadKinds names the kinds of page requested, for latency by kind.
var loadKinds = []string{"home", "departments", "dashboard", "workspace"}

type loadTarget struct{ path, kind string }

// runLoad runs the load; rate is the requests per second offered in all,
// 0 for as many as the server answers.
func runLoad(b *testing.B, rate int) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "load.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := demo.Seed(ctx, st, demo.Options{Departments: 98, Seed: 5}); err != nil {
		b.Fatal(err)
	}
	ls, err := st.List(ctx)
	if err != nil {
		b.Fatal(err)
	}
	targets := []loadTarget{{"/", "home"}, {"/departments", "departments"}, {"/dashboard", "dashboard"}}
	for _, l := range ls {
		targets = append(targets, loadTarget{fmt.Sprintf("/evaluations/%s/%d", l.DepartmentCode, l.Year), "workspace"})
	}
	srv := httptest.NewServer(New(st, Options{}))
	defer srv.Close()
	clients := loadClients(b, st, srv.URL)

	type sample struct {
		kind string
		d    time.Duration
	}
	var (
		mu       sync.Mutex
		samples  []sample
		failures int
		next     int
	)
	// take hands out the next request; false when b.N are out.
	take := func() (loadTarget, int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if next >= b.N {
			return loadTarget{}, 0, false
		}
		n := next
		next++
		return targets[n%len(targets)], n, true
	}
	b.ResetTimer()
	cpu0 := cputime.Used()
	start := time.Now()
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// With a rate, session i sends at start + phase + k·interval.
			interval := time.Duration(0)
			due := start
			if rate > 0 {
				interval = time.Duration(loadSessions) * time.Second / time.Duration(rate)
				due = start.Add(interval * time.Duration(i) / loadSessions)
			}
			for {
				t, _, ok := take()
				if !ok {
					return
				}
				if rate > 0 {
					time.Sleep(time.Until(due))
				} else {
					due = time.Now()
				}
				resp, err := c.Get(srv.URL + t.path)
				good := err == nil && resp.StatusCode == http.StatusOK
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				d := time.Since(due)
				due = due.Add(interval)
				mu.Lock()
				samples = append(samples, sample{t.kind, d})
				if !good {
					failures++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cputime.Used() - cpu0
	b.StopTimer()
	if failures > 0 {
		b.Errorf("%d of %d requests failed", failures, len(samples))
	}
	all := make([]time.Duration, len(samples))
	byKind := map[string][]time.Duration{}
	for i, s := range samples {
		all[i] = s.d
		byKind[s.kind] = append(byKind[s.kind], s.d)
	}
	b.ReportMetric(float64(len(samples))/elapsed.Seconds(), "req/s")
	b.ReportMetric(percentile(all, 0.50), "p50-ms")
	b.ReportMetric(percentile(all, 0.99), "p99-ms")
	for _, k := range loadKinds {
		if len(byKind[k]) > 0 {
			b.ReportMetric(percentile(byKind[k], 0.99), k+"-p99-ms")
		}
	}
	// CPU time of the whole process (server and client) per request: a
	// figure that other work on the machine disturbs less than latency.
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(len(samples)), "cpu-ms/req")
}

// loadClients opens one reviewer session per client. The sessions are
// made in the store, as a sign-in makes them, without hashing the
// password 64 times.
func loadClients(b *testing.B, st *store.Store, base string) []*http.Client {
	ctx := context.Background()
	users, err := st.ListUsers(ctx)
	if err != nil {
		b.Fatal(err)
	}
	i := slices.IndexFunc(users, func(u store.User) bool { return u.Username == "reviewer" })
	if i < 0 {
		b.Fatal("no reviewer account")
	}
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	clients := make([]*http.Client, loadSessions)
	for k := range clients {
		token, err := st.CreateSession(ctx, users[i].ID, SessionTTL)
		if err != nil {
			b.Fatal(err)
		}
		jar, _ := cookiejar.New(nil)
		jar.SetCookies(u, []*http.Cookie{{Name: SessionCookie, Value: token, Path: "/"}})
		clients[k] = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	}
	return clients
}

// percentile returns the p-quantile of ds in milliseconds (nearest rank).
func percentile(ds []time.Duration, p float64) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	return float64(s[int(float64(len(s)-1)*p)].Microseconds()) / 1000
}
