package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/jixiao/jixiao/internal/notify"
	"github.com/jixiao/jixiao/internal/render/pdf"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/web"
)

// cmdServe runs the web application until SIGINT or SIGTERM, then lets
// requests in flight finish.
func cmdServe(e *env, args []string) error {
	fs := newFlags("serve", e)
	addr := fs.String("addr", "127.0.0.1:8080", "监听地址")
	db := dbFlag(fs)
	secure := fs.Bool("secure-cookies", false, "会话 Cookie 仅经 HTTPS 发送，并发送 HSTS 头（通过 HTTPS 访问时应开启）")
	proxies := fs.String("trusted-proxy", "", "前置反向代理的地址或网段（CIDR，多个用逗号分隔）；仅来自这些地址的请求按 X-Forwarded-For 确定客户端地址")
	pages := fs.Int("pdf-pages", pdf.DefaultPages, "同时生成 PDF 的份数（共用一个 Chromium 进程）")
	queue := fs.Int("pdf-queue", pdf.DefaultQueue, "排队等待生成 PDF 的最多份数，超出时答复 503 请稍后重试")
	timeout := fs.Duration("pdf-timeout", pdf.DefaultTimeout, "生成一份 PDF 的最长时间")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *pages < 1 || *queue < 1 || *timeout <= 0 {
		return usageErr("用法：jixiao serve [--addr 127.0.0.1:8080] [--db DB] [--secure-cookies] [--trusted-proxy CIDR,…] [--pdf-pages 2] [--pdf-queue 8] [--pdf-timeout 60s]（PDF 份数至少为 1，时间须大于 0）")
	}
	trusted, err := web.ParseTrustedProxies(*proxies)
	if err != nil {
		return usageErr("%s", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if n, err := st.FillPendingDues(ctx); err != nil {
		return err
	} else if n > 0 {
		fmt.Fprintf(e.stderr, "已按新收录的节假日安排确定整改期限 %d 个\n", n)
	}
	mail, err := notify.FromEnv(os.Getenv)
	if err != nil {
		return err
	}
	if mail.Enabled() {
		go notifyLoop(ctx, st, mail, slog.New(slog.NewTextHandler(e.stderr, nil)))
		fmt.Fprintf(e.stdout, "已开启邮件提醒：每小时向有电子邮箱的用户发送 %d 日内到期或已逾期的待办事项（经 %s）\n", mail.Within, mail.Host)
	}
	return runServer(ctx, e, st, *addr, web.Options{Secure: *secure, TrustedProxies: trusted}, pdf.Options{Pages: *pages, Queue: *queue, Timeout: *timeout}, nil)
}

// runServer serves the web application on addr until ctx ends, printing
// the address and then whatever banner adds. The logger, framework
// directories and PDF service of opts are set here: PDFs are printed by
// one Chromium with the limits of pdfOpts, stopped with the server.
func runServer(ctx context.Context, e *env, st *store.Store, addr string, opts web.Options, pdfOpts pdf.Options, banner func()) error {
	logger := slog.New(slog.NewTextHandler(e.stderr, nil))
	printer := pdf.New(pdfOpts)
	defer printer.Close()
	opts.Logger, opts.FrameworkDirs, opts.PDF = logger, frameworkDirs(""), printer
	srv := &http.Server{
		Handler:           web.New(st, opts),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		// A PDF may wait in the queue and then print: leave it the time.
		WriteTimeout:   max(2*time.Minute, printer.Options().QueueWait+printer.Options().Timeout+30*time.Second),
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("无法监听 %s：%w", addr, err)
	}
	fmt.Fprintf(e.stdout, "jixiao 网页服务已启动：http://%s/（按 Ctrl+C 停止）\n", ln.Addr())
	if banner != nil {
		banner()
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	go sweepSessions(ctx, st)
	select {
	case err := <-done:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	case <-ctx.Done():
	}
	fmt.Fprintln(e.stdout, "正在停止……")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("停止服务失败：%w", err)
	}
	return nil
}

// sweepSessions deletes expired sessions once an hour.
func sweepSessions(ctx context.Context, st interface {
	DeleteExpiredSessions(context.Context) (int64, error)
}) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		st.DeleteExpiredSessions(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
