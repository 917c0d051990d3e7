package store

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// crashEnv tells the test binary, run again as a child, to import a large
// batch into the database it names, so that the parent can kill it.
const crashEnv = "JIXIAO_STORE_CRASH_DSN"

// crashBatch is how many department-years the child imports.
const crashBatch = 300

// batch makes n department-years from the Tianhe example under department
// codes 8xxxxx; they share the example's projects, result and frameworks.
func batch(t testing.TB, n int) []Entry {
	t.Helper()
	base := exampleEntry(t, tianhePath)
	out := make([]Entry, n)
	for i := range out {
		ev := *base.Evaluation
		ev.Department.Code = fmt.Sprintf("8%05d", i)
		ev.Department.Name = fmt.Sprintf("测试单位%05d", i)
		e := base
		e.Evaluation, e.Source = &ev, fmt.Sprintf("batch/%05d.yaml", i)
		out[i] = e
	}
	return out
}

// TestCrashChild is the child of TestCrashDuringImport; it does nothing in
// a normal run.
func TestCrashChild(t *testing.T) {
	dsn := os.Getenv(crashEnv)
	if dsn == "" {
		t.Skip("run as a child by TestCrashDuringImport")
	}
	entries := batch(t, crashBatch)
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fmt.Println("importing")
	if _, err := s.Import(ctx, entries, "crash", ""); err != nil {
		t.Fatal(err)
	}
	fmt.Println("imported")
}

// TestCrashDuringImport kills a process in the middle of a large import
// (SIGKILL: no deferred code, no rollback by the process) and checks that
// the database holds all of the batch or none of it, and is not corrupt.
func TestCrashDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	if os.Getenv(crashEnv) != "" {
		t.Skip("already the child")
	}
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			// Kill as soon as the transaction writes, then after growing
			// random delays (the last ones normally after the commit).
			delays := []time.Duration{0, 0}
			for _, max := range []int{100, 300, 500, 2000} {
				delays = append(delays, time.Duration(50+rand.IntN(max-49))*time.Millisecond)
			}
			outcomes := map[string]int{}
			for _, delay := range delays {
				dsn := b.dsn(t)
				outcome := crashOnce(t, dsn, delay)
				outcomes[outcome]++
			}
			t.Logf("outcomes over %d kills: %v", len(delays), outcomes)
		})
	}
}

// crashOnce runs the child against dsn, kills it delay after it starts
// writing, and checks the database. It returns what was found.
func crashOnce(t *testing.T, dsn string, delay time.Duration) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+dsn)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	done := false
	select {
	case line := <-lines:
		if line != "importing" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child said %q", line)
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("child did not start importing")
	}
	// For SQLite wait until the transaction spills pages into the WAL
	// file, so that the kill hits a transaction that has written.
	isSQLite := !strings.HasPrefix(dsn, "postgres")
	if isSQLite {
		wal := dsn + "-wal"
		start := fileSize(wal)
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && fileSize(wal) == start; {
			time.Sleep(200 * time.Microsecond)
		}
	}
	time.Sleep(delay)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	for line := range lines {
		if line == "imported" {
			done = true
		}
	}
	cmd.Wait()

	s := open(t, dsn)
	n := count(t, s, "department_years")
	switch {
	case n != 0 && n != crashBatch:
		t.Fatalf("after a kill %v into the import: %d department-years, want 0 or %d", delay, n, crashBatch)
	case done && n != crashBatch:
		t.Fatalf("the child reported the import done, but %d department-years are stored", n)
	}
	if p := count(t, s, "projects"); (n == 0) != (p == 0) {
		t.Fatalf("%d department-years but %d projects", n, p)
	}
	if isSQLite {
		var res string
		if err := s.db.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
			t.Fatalf("integrity_check: %q %v", res, err)
		}
		rows, err := s.db.Query("PRAGMA foreign_key_check")
		if err != nil {
			t.Fatal(err)
		}
		if rows.Next() {
			t.Error("foreign_key_check reports violations")
		}
		rows.Close()
	}
	s.Close()
	outcome := "none"
	if n == crashBatch {
		outcome = "all"
	}
	if done {
		outcome += " (committed before the kill)"
	}
	t.Logf("kill after %v: %s", delay, outcome)
	return outcome
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return -1
	}
	return fi.Size()
}
