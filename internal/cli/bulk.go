package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jixiao/jixiao/internal/bulk"
	"github.com/jixiao/jixiao/internal/render"
	"github.com/jixiao/jixiao/internal/workflow"
)

// reportAll writes every department's report of a year, with the summary
// workbook, into one zip file (jixiao report --all --year YEAR -o OUT.zip).
// The zip is written beside the target and renamed when complete.
func reportAll(e *env, pos []string, format, out, kind, db string, year int, status string) error {
	if len(pos) > 0 {
		return usageErr("--all 生成全部部门的报告，不另指定数据文件或部门：多余的参数 %s", strings.Join(pos, " "))
	}
	if kind != "evaluation" {
		return usageErr("--all 只生成绩效自评报告（--kind evaluation）")
	}
	if year < 2000 || year > 2100 {
		return usageErr("--all 需要用 --year 指定年度（如 --year 2024）")
	}
	if out == "" || out == "-" || !strings.EqualFold(filepath.Ext(out), ".zip") {
		return usageErr("--all 需要用 -o 指定一个 .zip 输出文件")
	}
	if format == "" {
		format = "docx"
	}
	rf, ok := render.Lookup(format)
	if !ok {
		return usageErr("未知报告格式 %q，可用：%s", format, strings.Join(render.Exts(), "、"))
	}
	var statuses []string
	for s := range strings.SplitSeq(status, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !slices.Contains(workflow.Statuses, s) {
			return usageErr("未知状态 %q，可用：%s", s, strings.Join(workflow.Statuses, "、"))
		}
		statuses = append(statuses, s)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	st, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()

	tmp, err := os.CreateTemp(filepath.Dir(out), ".jixiao-*.zip")
	if err != nil {
		return fileError(out, err)
	}
	defer os.Remove(tmp.Name())
	var last time.Time
	progress := func(p bulk.Progress) {
		if p.Done < p.Total && time.Since(last) < time.Second {
			return
		}
		last = time.Now()
		fmt.Fprintf(e.stderr, "已完成 %d/%d 份（每秒 %.0f 份）\n", p.Done, p.Total, p.Rate())
	}
	sum, err := bulk.Write(ctx, st, bulk.Options{Year: year, Status: statuses, Format: rf, Progress: progress}, tmp)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if errors.Is(err, bulk.ErrNone) {
		return &exitError{code: 1, msg: fmt.Sprintf("%d 年度没有处于年终自评阶段%s的部门年度，未生成文件", year, statusWords(statuses))}
	}
	if err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fileError(out, err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return fileError(out, err)
	}
	fmt.Fprintf(e.stderr, "已写入 %s：%d 份报告（其中 %d 份为已公开的文件）和%s，用时 %.1f 秒\n",
		out, sum.Written, sum.Reused, bulk.SummaryFile, sum.Elapsed.Seconds())
	if n := sum.Failed(); n > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "%d 个部门年度的报告未能生成（汇总表中已注明）：", n)
		for _, r := range sum.Rows {
			if r.Problem != "" {
				fmt.Fprintf(&b, "\n  %s %s：%s", r.Code, r.Name, r.Problem)
			}
		}
		return &exitError{code: 1, msg: b.String()}
	}
	return nil
}

func statusWords(statuses []string) string {
	if len(statuses) == 0 {
		return ""
	}
	names := make([]string, len(statuses))
	for i, s := range statuses {
		names[i] = workflow.StatusNames[s]
	}
	return "、状态为" + strings.Join(names, "或")
}
