package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/notify"
	"github.com/jixiao/jixiao/internal/store"
)

const notifyUsage = "用法：jixiao notify [--send] [--today YYYY-MM-DD] [--days N] [--db DB]\n" +
	"不加 --send 时只列出将要发送的提醒；邮件服务器由环境变量 JIXIAO_SMTP_HOST、JIXIAO_SMTP_PORT、JIXIAO_SMTP_FROM、\n" +
	"JIXIAO_SMTP_TLS（starttls、tls 或 none）、JIXIAO_SMTP_USER、JIXIAO_SMTP_PASSWORD、JIXIAO_NOTIFY_DAYS、JIXIAO_BASE_URL 配置"

// today is the day in the display zone (Beijing time by default).
func today() civil.Date { return civil.DateOf(time.Now().In(displayZone())) }

// cmdNotify e-mails each user with an address one digest of the tasks
// due within N days or overdue, once per (user, task, due date); without
// --send it lists what would be sent.
func cmdNotify(e *env, args []string) error {
	fs := newFlags("notify", e)
	db := dbFlag(fs)
	send := fs.Bool("send", false, "发送邮件（不加时只列出将要发送的提醒）")
	on := fs.String("today", "", "按哪一天计算到期和逾期（默认今天，北京时间）")
	days := fs.Int("days", -1, "提醒几日内到期的事项（默认取 JIXIAO_NOTIFY_DAYS，否则 3）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *days > 60 {
		return usageErr("%s", notifyUsage)
	}
	cfg, err := notify.FromEnv(os.Getenv)
	if err != nil {
		return err
	}
	if *days >= 0 {
		cfg.Within = *days
	}
	day := today()
	if *on != "" {
		if day, err = civil.ParseDate(*on); err != nil {
			return usageErr("--today %q 无效：%v\n%s", *on, err, notifyUsage)
		}
	}
	if *send && !cfg.Enabled() {
		return fmt.Errorf("未配置邮件服务器（环境变量 %s），未发送任何邮件", notify.EnvHost)
	}
	ctx := context.Background()
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if *send {
		res, err := notify.Run(ctx, st, cfg, day, notify.SMTP{Config: cfg})
		fmt.Fprintf(e.stdout, "✓ 已发送提醒邮件 %d 封，共 %d 项待办事项（%s，%d 日内到期或已逾期）\n", res.Messages, res.Tasks, day.Chinese(), cfg.Within)
		return err
	}
	us, err := st.Recipients(ctx)
	if err != nil {
		return err
	}
	n := 0
	for _, u := range us {
		l, err := st.Tasks(ctx, u, day)
		if err != nil {
			return err
		}
		due, err := st.Unsent(ctx, u.ID, notify.Due(l.Tasks, day, cfg.Within))
		if err != nil {
			return err
		}
		if len(due) == 0 {
			continue
		}
		n++
		fmt.Fprintf(e.stdout, "%s（%s）%d 项：\n", u.Username, u.Email, len(due))
		for _, t := range due {
			late := ""
			if t.Overdue {
				late = "【已逾期】"
			}
			fmt.Fprintf(e.stdout, "  %s%s %s %s 截止 %s\n", late, t.Department, t.Title, t.Link, t.Due)
		}
	}
	fmt.Fprintf(e.stdout, "共 %d 位用户有待发送的提醒（%s，%d 日内到期或已逾期；加 --send 发送）\n", n, day.Chinese(), cfg.Within)
	return nil
}

// notifyLoop runs the e-mail digest inside jixiao serve when mail is
// configured: a minute after start, then once an hour. Failures are
// logged and tried again at the next run.
func notifyLoop(ctx context.Context, st *store.Store, cfg notify.Config, logger *slog.Logger) {
	timer := time.NewTimer(time.Minute)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		res, err := notify.Run(ctx, st, cfg, today(), notify.SMTP{Config: cfg})
		if err != nil {
			logger.Warn("提醒邮件发送未全部成功", "err", err, "sent", res.Messages)
		} else if res.Messages > 0 {
			logger.Info("已发送提醒邮件", "messages", res.Messages, "tasks", res.Tasks)
		}
		timer.Reset(time.Hour)
	}
}
