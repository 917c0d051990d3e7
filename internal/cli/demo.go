package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/jixiao/jixiao/internal/demo"
	"github.com/jixiao/jixiao/internal/render/pdf"
	"github.com/jixiao/jixiao/internal/web"
	"github.com/jixiao/jixiao/internal/workflow"
)

// cmdDemo starts the web application on a fresh embedded database holding
// the bundled examples and a synthetic district in every workflow state.
func cmdDemo(e *env, args []string) error {
	fs := newFlags("demo", e)
	addr := fs.String("addr", "127.0.0.1:8080", "监听地址")
	n := fs.Int("departments", 24, "模拟区的部门数")
	keep := fs.String("db", "", "演示数据库文件（默认在临时目录新建，退出时删除）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *n < 1 || *n > 500 {
		return usageErr("用法：jixiao demo [--addr 127.0.0.1:8080] [--departments 1-500] [--db 新数据库文件]")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	path := *keep
	if path == "" {
		dir, err := os.MkdirTemp("", "jixiao-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "demo.db")
	} else if _, err := os.Stat(path); err == nil {
		return usageErr("演示数据库 %s 已存在：demo 只在新数据库中生成演示数据", path)
	}
	st, err := openStore(ctx, path)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintln(e.stdout, "正在生成演示数据……")
	accounts, err := demo.Seed(ctx, st, demo.Options{Departments: *n, Seed: 1})
	if err != nil {
		return err
	}
	return runServer(ctx, e, st, *addr, web.Options{}, pdf.Options{}, func() {
		fmt.Fprintf(e.stdout, "演示账号（密码均为 %s）：\n", demo.Password)
		for _, a := range accounts {
			dept := ""
			if a.Department != "" {
				dept = "，部门 " + a.Department
			}
			fmt.Fprintf(e.stdout, "  %-10s %s%s\n", a.Username, workflow.RoleNames[a.Role], dept)
		}
		fmt.Fprintln(e.stdout, "公众可不登录访问 /public 查看已公开的报告。")
	})
}
