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
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jixiao/jixiao/internal/demo"
	"github.com/jixiao/jixiao/internal/store"
)

// BenchmarkLoad drives 64 concurrent signed-in sessions over the home page,
// the department list and the workspaces of a 100-department database
// through a real loopback server, and reports requests per second and the
// p50 and p99 latency. One op is one request. The goal: p99 ≤ 50 ms and
// ≥ 1,000 requests per second on two cores, no errors.
//
//	go test -run '^$' -bench BenchmarkLoad -benchtime 5000x ./internal/web/
func BenchmarkLoad(b *testing.B) {
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
	paths := []string{"/", "/departments"}
	for _, l := range ls {
		paths = append(paths, fmt.Sprintf("/evaluations/%s/%d", l.DepartmentCode, l.Year))
	}
	srv := httptest.NewServer(New(st, Options{}))
	defer srv.Close()

	const sessions = 64
	clients := make([]*http.Client, sessions)
	for i := range clients {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
		req, _ := http.NewRequest("POST", srv.URL+"/login", strings.NewReader(url.Values{"username": {"reviewer"}, "password": {demo.Password}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", srv.URL)
		resp, err := c.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			b.Fatalf("sign-in: %d", resp.StatusCode)
		}
		clients[i] = c
	}
	var (
		mu        sync.Mutex
		latencies []time.Duration
		failures  int
		next      int
	)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for i := range sessions {
		wg.Add(1)
		go func(c *http.Client) {
			defer wg.Done()
			for {
				mu.Lock()
				if next >= b.N {
					mu.Unlock()
					return
				}
				p := paths[next%len(paths)]
				next++
				mu.Unlock()
				t0 := time.Now()
				resp, err := c.Get(srv.URL + p)
				ok := err == nil && resp.StatusCode == http.StatusOK
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				d := time.Since(t0)
				mu.Lock()
				latencies = append(latencies, d)
				if !ok {
					failures++
				}
				mu.Unlock()
			}
		}(clients[i])
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if failures > 0 {
		b.Errorf("%d of %d requests failed", failures, len(latencies))
	}
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	pct := func(p float64) float64 {
		return float64(latencies[int(float64(len(latencies)-1)*p)].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
