package notify

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/base64"
	"io"
	"mime"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/cycle"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// sink is a small SMTP server for the tests: it accepts every message on
// 127.0.0.1, or refuses DATA with 554 while reject is set.
type sink struct {
	ln     net.Listener
	mu     sync.Mutex
	msgs   []sunk
	reject bool
	tls    bool // offer STARTTLS (and fail it)
}

type sunk struct {
	from, to string
	data     string
}

func newSink(t *testing.T) *sink {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &sink{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *sink) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *sink) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	say := func(line string) { io.WriteString(c, line+"\r\n") }
	say("220 sink ESMTP")
	var m sunk
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			if s.tls {
				say("250-sink")
				say("250 STARTTLS")
			} else {
				say("250 sink")
			}
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			m = sunk{from: strings.Trim(strings.TrimSpace(line)[10:], "<>")}
			say("250 OK")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			m.to = strings.Trim(strings.TrimSpace(line)[8:], "<>")
			say("250 OK")
		case cmd == "DATA":
			s.mu.Lock()
			reject := s.reject
			s.mu.Unlock()
			if reject {
				say("554 rejected for the test")
				continue
			}
			say("354 go ahead")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			m.data = b.String()
			s.mu.Lock()
			s.msgs = append(s.msgs, m)
			s.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 OK")
		}
	}
}

func (s *sink) take() []sunk {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.msgs
	s.msgs = nil
	return out
}

// backends are the databases to test on: SQLite, and PostgreSQL when
// JIXIAO_TEST_POSTGRES names a server.
func backends(t *testing.T) map[string]func(t *testing.T) string {
	out := map[string]func(t *testing.T) string{"sqlite": func(t *testing.T) string { return filepath.Join(t.TempDir(), "j.db") }}
	admin := os.Getenv("JIXIAO_TEST_POSTGRES")
	if admin == "" {
		return out
	}
	out["postgres"] = func(t *testing.T) string {
		db, err := sql.Open("pgx", admin)
		if err != nil {
			t.Fatal(err)
		}
		name := "jx_notify_" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "_")
		if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			db.Close()
		})
		u, _ := url.Parse(admin)
		u.Path = "/" + name
		return u.String()
	}
	return out
}

// seeded opens a store holding the Tianhe example (2023, a draft in the
// evaluation stage) and its editor, approver and a reviewer.
func seeded(t *testing.T, dsn string) (*store.Store, map[string]store.User) {
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	lib, ds := datafile.LoadLibrary()
	if ds.Err() != nil {
		t.Fatal(ds)
	}
	p := "../../examples/tianhe-gov-office-2023.yaml"
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	l, ds := datafile.Evaluation(p, data)
	if ds.Err() != nil {
		t.Fatal(ds)
	}
	res, ds := scoring.ScoreWith(l.Value, lib, calendar.ScoringOptions())
	if ds.Err() != nil {
		t.Fatal(ds)
	}
	fw, _ := lib.Framework(l.Value.Framework)
	e := store.Entry{Source: p, Evaluation: l.Value, Result: res, Framework: fw}
	e.ProjectFramework, _ = lib.Framework(l.Value.ProjectFrameworkID())
	if _, err := st.Import(ctx, []store.Entry{e}, "test", "测试"); err != nil {
		t.Fatal(err)
	}
	users := map[string]store.User{}
	for _, u := range []store.User{
		{Username: "editor", DisplayName: "张填报", Role: workflow.Editor, DepartmentCode: "106001", Email: "editor@example.gov.cn"},
		{Username: "approver", DisplayName: "李审批", Role: workflow.Approver, DepartmentCode: "106001"},
		{Username: "reviewer", DisplayName: "王复核", Role: workflow.Reviewer, Email: "reviewer@example.gov.cn"},
	} {
		c, err := st.CreateUser(ctx, u, "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		users[u.Username] = c
	}
	return st, users
}

func day(s string) civil.Date {
	d, err := civil.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// decoded reads a sunk message: its headers, the subject decoded and the
// base64 body decoded.
func decoded(t *testing.T, m sunk) (*mail.Message, string, string) {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(m.data))
	if err != nil {
		t.Fatalf("message: %v\n%s", err, m.data)
	}
	raw := msg.Header.Get("Subject")
	if !strings.HasPrefix(raw, "=?UTF-8?b?") {
		t.Errorf("subject not RFC 2047 encoded: %q", raw)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(raw)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	return msg, subject, string(body)
}

// A digest goes to each user with an address and a task due soon, once
// per (task, due date): a second run sends nothing, a failed send records
// nothing and is sent at the next run, a moved due date is sent again.
func TestRunSendsDigestOnce(t *testing.T) {
	for name, dsn := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			st, users := seeded(t, dsn(t))
			sk := newSink(t)
			cfg := Config{Host: "127.0.0.1", Port: sk.port(), From: "预算绩效管理系统 <jixiao@czj.example.gov.cn>", TLS: NoTLS,
				Within: 3, BaseURL: "https://jixiao.example.gov.cn", Timeout: 5 * time.Second}
			snd := SMTP{Config: cfg}

			// No date set: nothing is due, nothing is sent.
			if res, err := Run(ctx, st, cfg, day("2024-03-27"), snd); err != nil || res.Messages != 0 {
				t.Fatalf("no dates: %+v, %v", res, err)
			}
			if _, err := st.SetCycleDateAs(ctx, store.CycleDate{Year: 2023, Key: cycle.EvaluationDue, Date: day("2024-03-29"), Reason: "通知"}, "op"); err != nil {
				t.Fatal(err)
			}
			// Too early: due in more than three days.
			if res, err := Run(ctx, st, cfg, day("2024-03-25"), snd); err != nil || res.Messages != 0 || len(sk.take()) != 0 {
				t.Fatalf("early: %+v, %v", res, err)
			}
			res, err := Run(ctx, st, cfg, day("2024-03-27"), snd)
			if err != nil || res.Messages != 1 || res.Tasks != 1 || res.Users != 1 {
				t.Fatalf("run: %+v, %v", res, err)
			}
			ms := sk.take()
			if len(ms) != 1 || ms[0].to != "editor@example.gov.cn" || ms[0].from != "jixiao@czj.example.gov.cn" {
				t.Fatalf("sent %+v", ms)
			}
			msg, subject, body := decoded(t, ms[0])
			if msg.Header.Get("To") != "<editor@example.gov.cn>" {
				t.Errorf("To %q", msg.Header.Get("To"))
			}
			if from, err := msg.Header.AddressList("From"); err != nil || from[0].Name != "预算绩效管理系统" {
				t.Errorf("From %q: %v", msg.Header.Get("From"), err)
			}
			if subject != "【预算绩效管理】您有 1 项待办事项即将到期" {
				t.Errorf("subject %q", subject)
			}
			for _, want := range []string{"张填报：", "提交 2023 年度绩效自评", "广州市天河区人民政府办公室（106001）", "截止日期：2024年3月29日（绩效自评报送截止日期）",
				"办理：https://jixiao.example.gov.cn/evaluations/106001/2023"} {
				if !strings.Contains(body, want) {
					t.Errorf("body lacks %q:\n%s", want, body)
				}
			}

			// Again: nothing new, nothing sent.
			if res, err := Run(ctx, st, cfg, day("2024-03-28"), snd); err != nil || res.Messages != 0 || len(sk.take()) != 0 {
				t.Fatalf("second run: %+v, %v", res, err)
			}

			// The date moves (overdue now): a new (task, due) — but the
			// server refuses it, and nothing is recorded.
			if _, err := st.SetCycleDateAs(ctx, store.CycleDate{Year: 2023, Key: cycle.EvaluationDue, Date: day("2024-03-28"), Reason: "更正"}, "op"); err != nil {
				t.Fatal(err)
			}
			sk.mu.Lock()
			sk.reject = true
			sk.mu.Unlock()
			res, err = Run(ctx, st, cfg, day("2024-04-01"), snd)
			if err == nil || res.Messages != 0 || len(res.Failed) != 1 || !strings.Contains(err.Error(), "editor") {
				t.Fatalf("refused: %+v, %v", res, err)
			}
			l, err := st.Tasks(ctx, users["editor"], day("2024-04-01"))
			if err != nil {
				t.Fatal(err)
			}
			if un, err := st.Unsent(ctx, users["editor"].ID, l.Tasks); err != nil || len(un) != 1 {
				t.Fatalf("after a failed send the task is still unsent: %v, %v", un, err)
			}
			sk.mu.Lock()
			sk.reject = false
			sk.mu.Unlock()
			if res, err := Run(ctx, st, cfg, day("2024-04-01"), snd); err != nil || res.Messages != 1 {
				t.Fatalf("retry: %+v, %v", res, err)
			}
			ms = sk.take()
			if len(ms) != 1 {
				t.Fatalf("retry sent %d", len(ms))
			}
			_, subject, body = decoded(t, ms[0])
			if !strings.Contains(subject, "已逾期") || !strings.Contains(body, "已逾期，截止日期：2024年3月28日") {
				t.Errorf("overdue digest: %q\n%s", subject, body)
			}
			if res, err := Run(ctx, st, cfg, day("2024-04-02"), snd); err != nil || res.Messages != 0 {
				t.Fatalf("after retry: %+v, %v", res, err)
			}
		})
	}
}

// STARTTLS is required when configured: a server that does not offer it
// gets nothing.
func TestStartTLSRequired(t *testing.T) {
	sk := newSink(t)
	cfg := Config{Host: "127.0.0.1", Port: sk.port(), From: "jixiao@example.gov.cn", TLS: StartTLS, Timeout: 5 * time.Second}
	err := SMTP{Config: cfg}.Send(context.Background(), cfg.From, "a@example.gov.cn", []byte("Subject: x\r\n\r\nx\r\n"))
	if err == nil || !strings.Contains(err.Error(), "不支持 STARTTLS") || len(sk.take()) != 0 {
		t.Fatalf("plain server: %v", err)
	}
}

// The configuration is off without a host, and lists every problem.
func TestFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c, err := FromEnv(env(nil))
	if err != nil || c.Enabled() {
		t.Fatalf("off: %+v, %v", c, err)
	}
	c, err = FromEnv(env(map[string]string{EnvHost: "smtp.example.gov.cn", EnvFrom: "jixiao@example.gov.cn"}))
	if err != nil || c.Port != 587 || c.TLS != StartTLS || c.Within != 3 {
		t.Fatalf("defaults: %+v, %v", c, err)
	}
	_, err = FromEnv(env(map[string]string{EnvHost: "smtp", EnvTLS: "ssl", EnvPort: "70000", EnvFrom: "nobody", EnvUser: "u", EnvDays: "-1", EnvBaseURL: "ftp://x"}))
	for _, want := range []string{EnvTLS, EnvPort, EnvFrom, EnvPassword, EnvDays, EnvBaseURL} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %s", err, want)
		}
	}
}

// Due keeps dated tasks due by today + within, overdue ones included.
func TestDue(t *testing.T) {
	ts := []store.Task{{Key: "a"}, {Key: "b", Due: day("2024-03-10")}, {Key: "c", Due: day("2024-03-13")}, {Key: "d", Due: day("2024-03-14")}}
	var got []string
	for _, tk := range Due(ts, day("2024-03-10"), 3) {
		got = append(got, tk.Key)
	}
	if strings.Join(got, ",") != "b,c" {
		t.Errorf("due %v", got)
	}
}
