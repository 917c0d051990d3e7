// Package notify e-mails each user a digest of their tasks due soon or
// overdue (issue 13 part 5, docs/cycle.md §6), through an SMTP server the
// operator configures (off by default). Each (user, task, due date) is
// sent once: the store records the decision to send with the claim
// (Store.ClaimNotifications) and forgets it if the send failed.
package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/store"
)

// TLS modes of the connection to the SMTP server.
const (
	// StartTLS: a plain connection upgraded with STARTTLS, which the
	// server must offer (port 587; the default).
	StartTLS = "starttls"
	// ImplicitTLS: TLS from the first byte (port 465).
	ImplicitTLS = "tls"
	// NoTLS: no encryption (a relay on the same host or network); a
	// password is then refused unless the server is on localhost.
	NoTLS = "none"
)

// DefaultWithin is how many days ahead a task's due date brings it into
// the digest (configurable: JIXIAO_NOTIFY_DAYS).
const DefaultWithin = 3

// Config is the operator's mail configuration. Read it with FromEnv.
type Config struct {
	Host string
	Port int
	// From is the sender, an address with an optional name
	// ("绩效管理系统 <jixiao@czj.example.gov.cn>").
	From string
	TLS  string
	// Username and Password log in to the server (PLAIN), when set.
	Username, Password string
	// Within: tasks due within this many days (or overdue) are sent.
	Within int
	// BaseURL is the web application's address, for links
	// ("https://jixiao.example.gov.cn"); without it links are paths.
	BaseURL string
	// Timeout bounds one message's whole SMTP exchange.
	Timeout time.Duration
}

// Enabled says whether mail is configured (a host is set).
func (c *Config) Enabled() bool { return c.Host != "" }

// Environment variables read by FromEnv.
const (
	EnvHost     = "JIXIAO_SMTP_HOST"
	EnvPort     = "JIXIAO_SMTP_PORT"
	EnvFrom     = "JIXIAO_SMTP_FROM"
	EnvTLS      = "JIXIAO_SMTP_TLS"
	EnvUser     = "JIXIAO_SMTP_USER"
	EnvPassword = "JIXIAO_SMTP_PASSWORD"
	EnvDays     = "JIXIAO_NOTIFY_DAYS"
	EnvBaseURL  = "JIXIAO_BASE_URL"
)

// FromEnv reads the configuration from the environment (getenv, e.g.
// os.Getenv). Without JIXIAO_SMTP_HOST mail is off and the rest is not
// read. Every problem is listed at once, in Chinese.
func FromEnv(getenv func(string) string) (Config, error) {
	c := Config{Host: strings.TrimSpace(getenv(EnvHost)), Within: DefaultWithin, Timeout: 30 * time.Second}
	if c.Host == "" {
		return c, nil
	}
	var probs []string
	c.TLS = strings.TrimSpace(getenv(EnvTLS))
	if c.TLS == "" {
		c.TLS = StartTLS
	}
	port := map[string]int{StartTLS: 587, ImplicitTLS: 465, NoTLS: 25}[c.TLS]
	if port == 0 {
		probs = append(probs, fmt.Sprintf("%s=%q 无效：应为 starttls、tls 或 none", EnvTLS, c.TLS))
	}
	c.Port = port
	if v := strings.TrimSpace(getenv(EnvPort)); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 65535 {
			probs = append(probs, fmt.Sprintf("%s=%q 无效：应为 1 至 65535 之间的端口号", EnvPort, v))
		}
		c.Port = p
	}
	c.From = strings.TrimSpace(getenv(EnvFrom))
	if a, err := mail.ParseAddress(c.From); c.From == "" || err != nil {
		probs = append(probs, fmt.Sprintf("%s=%q 无效：应为发件地址，如 jixiao@czj.example.gov.cn 或 绩效管理系统 <jixiao@czj.example.gov.cn>", EnvFrom, c.From))
	} else if store.CheckEmail(a.Address) != nil {
		probs = append(probs, fmt.Sprintf("%s 的地址 %q 无效", EnvFrom, a.Address))
	}
	c.Username, c.Password = getenv(EnvUser), getenv(EnvPassword)
	if (c.Username == "") != (c.Password == "") {
		probs = append(probs, fmt.Sprintf("%s 与 %s 须同时设置或同时不设", EnvUser, EnvPassword))
	}
	if v := strings.TrimSpace(getenv(EnvDays)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 60 {
			probs = append(probs, fmt.Sprintf("%s=%q 无效：应为 0 至 60 之间的天数", EnvDays, v))
		}
		c.Within = n
	}
	c.BaseURL = strings.TrimRight(strings.TrimSpace(getenv(EnvBaseURL)), "/")
	if c.BaseURL != "" && !strings.HasPrefix(c.BaseURL, "https://") && !strings.HasPrefix(c.BaseURL, "http://") {
		probs = append(probs, fmt.Sprintf("%s=%q 无效：应以 https:// 开头", EnvBaseURL, c.BaseURL))
	}
	if len(probs) > 0 {
		return Config{}, fmt.Errorf("邮件提醒配置有误：%s", strings.Join(probs, "；"))
	}
	return c, nil
}

// Due are the tasks of ts with a due date that is past or within days of
// today: what a digest lists. Tasks without a date are never mailed.
func Due(ts []store.Task, today civil.Date, within int) []store.Task {
	limit := today.AddDays(within)
	var out []store.Task
	for _, t := range ts {
		if !t.Due.IsZero() && !t.Due.After(limit) {
			out = append(out, t)
		}
	}
	return out
}

// Sender sends one message to one recipient.
type Sender interface {
	Send(ctx context.Context, from, to string, msg []byte) error
}

// Result is what a run did.
type Result struct {
	// Users is how many recipients had tasks due; Messages how many
	// digests were sent, listing Tasks tasks in all.
	Users, Messages, Tasks int
	// Failed names each recipient whose digest could not be sent (it is
	// tried again at the next run).
	Failed []string
}

// Run sends each user with an e-mail address one digest of the tasks due
// within cfg.Within days of today or overdue that were not sent before.
// A send that fails leaves nothing recorded for that user, and the run
// goes on with the others; the error then names them.
func Run(ctx context.Context, st *store.Store, cfg Config, today civil.Date, s Sender) (Result, error) {
	var res Result
	us, err := st.Recipients(ctx)
	if err != nil {
		return res, err
	}
	for _, u := range us {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		l, err := st.Tasks(ctx, u, today)
		if err != nil {
			return res, err
		}
		due := Due(l.Tasks, today, cfg.Within)
		if len(due) == 0 {
			continue
		}
		res.Users++
		claimed, err := st.ClaimNotifications(ctx, u.ID, due)
		if err != nil {
			return res, err
		}
		if len(claimed) == 0 {
			continue
		}
		msg, err := Compose(cfg, u, claimed, l, today)
		if err == nil {
			err = s.Send(ctx, cfg.From, u.Email, msg)
		}
		if ferr := st.FinishNotifications(ctx, u.ID, claimed, err == nil); ferr != nil {
			return res, ferr
		}
		if err != nil {
			res.Failed = append(res.Failed, fmt.Sprintf("%s（%s）：%v", u.Username, u.Email, err))
			continue
		}
		res.Messages++
		res.Tasks += len(claimed)
	}
	if len(res.Failed) > 0 {
		return res, fmt.Errorf("%d 位用户的提醒邮件未能发送（下次运行时重试）：%s", len(res.Failed), strings.Join(res.Failed, "；"))
	}
	return res, nil
}

// Subject is the digest's subject line (before encoding).
func Subject(ts []store.Task) string {
	late := 0
	for _, t := range ts {
		if t.Overdue {
			late++
		}
	}
	if late > 0 {
		return fmt.Sprintf("【预算绩效管理】您有 %d 项待办事项已逾期或即将到期", len(ts))
	}
	return fmt.Sprintf("【预算绩效管理】您有 %d 项待办事项即将到期", len(ts))
}

// Body is the digest's text: each task with its department, due date and
// link, overdue first, and how many tasks the user has in all.
func Body(cfg Config, u store.User, ts []store.Task, all *store.TaskList, today civil.Date) string {
	var b strings.Builder
	name := u.DisplayName
	if name == "" {
		name = u.Username
	}
	fmt.Fprintf(&b, "%s：\n\n截至 %s，以下待办事项已逾期或将在 %d 日内到期：\n\n", name, today.Chinese(), cfg.Within)
	for i, t := range ts {
		state := "截止日期"
		if t.Overdue {
			state = "已逾期，截止日期"
		}
		fmt.Fprintf(&b, "%d. %s\n   部门：%s（%s）\n   %s：%s", i+1, t.Title, t.Department, t.DepartmentCode, state, t.Due.Chinese())
		if t.DueBasis != "" {
			fmt.Fprintf(&b, "（%s）", t.DueBasis)
		}
		fmt.Fprintf(&b, "\n   办理：%s%s\n\n", cfg.BaseURL, t.Link)
	}
	if all != nil && all.Total > len(ts) {
		fmt.Fprintf(&b, "您共有 %d 项待办事项，请登录系统查看全部：%s/tasks\n\n", all.Total, cfg.BaseURL)
	}
	b.WriteString("同一事项在截止日期不变时只提醒一次。本邮件由预算绩效管理系统自动发送，请勿回复。\n")
	return b.String()
}

// Compose writes the digest as an RFC 5322 message: UTF-8 text in
// base64, the subject and the sender's name encoded by RFC 2047.
func Compose(cfg Config, u store.User, ts []store.Task, all *store.TaskList, today civil.Date) ([]byte, error) {
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("发件地址 %q 无效：%w", cfg.From, err)
	}
	to := mail.Address{Address: u.Email}
	id := make([]byte, 12)
	rand.Read(id)
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", from.String())
	header("To", to.String())
	header("Subject", mime.BEncoding.Encode("UTF-8", Subject(ts)))
	header("Date", time.Now().Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id)+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "base64")
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(Body(cfg, u, ts, all, today)))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes(), nil
}

// SMTP sends through the configured server with net/smtp.
type SMTP struct{ Config Config }

// Send delivers one message: connects (TLS from the start, or STARTTLS,
// which the server must then offer), logs in when a user is configured,
// and hands the message over, all within the configured timeout.
func (m SMTP) Send(ctx context.Context, from, to string, msg []byte) error {
	c := m.Config
	sender, err := mail.ParseAddress(from)
	if err != nil {
		return fmt.Errorf("发件地址 %q 无效：%w", from, err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	addr := net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
	tlsConf := &tls.Config{ServerName: c.Host, MinVersion: tls.VersionTLS12}
	var conn net.Conn
	if c.TLS == ImplicitTLS {
		conn, err = (&tls.Dialer{Config: tlsConf}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("无法连接邮件服务器 %s：%w", addr, err)
	}
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	cl, err := smtp.NewClient(conn, c.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("邮件服务器 %s 应答异常：%w", addr, err)
	}
	defer cl.Close()
	if c.TLS == StartTLS {
		if ok, _ := cl.Extension("STARTTLS"); !ok {
			return fmt.Errorf("邮件服务器 %s 不支持 STARTTLS：未发送（如确需明文发送，设置 %s=none）", addr, EnvTLS)
		}
		if err := cl.StartTLS(tlsConf); err != nil {
			return fmt.Errorf("与邮件服务器 %s 建立加密连接失败：%w", addr, err)
		}
	}
	if c.Username != "" {
		if err := cl.Auth(smtp.PlainAuth("", c.Username, c.Password, c.Host)); err != nil {
			return fmt.Errorf("邮件服务器 %s 登录失败：%w", addr, err)
		}
	}
	if err := cl.Mail(sender.Address); err != nil {
		return fmt.Errorf("邮件服务器拒绝发件地址 %s：%w", sender.Address, err)
	}
	if err := cl.Rcpt(to); err != nil {
		return fmt.Errorf("邮件服务器拒绝收件地址 %s：%w", to, err)
	}
	w, err := cl.Data()
	if err != nil {
		return fmt.Errorf("邮件服务器拒绝接收邮件：%w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("发送邮件内容失败：%w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("邮件服务器未接收邮件：%w", err)
	}
	// The message was accepted at the end of DATA: a failed QUIT does not
	// unsend it.
	cl.Quit()
	return nil
}
