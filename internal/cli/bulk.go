package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/jixiao/jixiao/internal/bulk"
	"github.com/jixiao/jixiao/internal/render"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// reportAll writes every department's report of a year, with the summary
// workbook, into one zip file (jixiao report --all --year YEAR -o OUT.zip).
// The zip is written beside the target and renamed when complete.
func reportAll(e *env, pos []string, format, out, kind, db string, year int, status, progressMode string) error {
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
	statuses, err := parseStatuses(status)
	if err != nil {
		return err
	}
	prog, err := newProgress(e.stderr, progressMode)
	if err != nil {
		return err
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
	progress := func(p bulk.Progress) { prog.show(p.Done, p.Total, p.Rate()) }
	defer batchGC()()
	sum, err := bulk.Write(ctx, st, bulk.Options{Year: year, Status: statuses, Format: rf, Progress: progress}, tmp)
	prog.end()
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
	fmt.Fprintf(e.stderr, "已写入 %s：%d 份报告（其中 %d 份为已公开的文件）、%s和%s，用时 %.1f 秒\n",
		out, sum.Written, sum.Reused, bulk.SummaryFile, bulk.BulletinFile, sum.Elapsed.Seconds())
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

// parseStatuses reads --status: statuses separated by commas.
func parseStatuses(status string) ([]string, error) {
	var statuses []string
	for s := range strings.SplitSeq(status, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !slices.Contains(workflow.Statuses, s) {
			return nil, usageErr("未知状态 %q，可用：%s", s, strings.Join(workflow.Statuses, "、"))
		}
		statuses = append(statuses, s)
	}
	return statuses, nil
}

const bulletinUsage = "用法：jixiao bulletin --year YEAR -o FILE.docx [--status S,…] [--format docx|pdf|md|html|xlsx] [--issuer 发文单位] [--date 日期] [--db DB]"

// cmdBulletin writes the results bulletin (绩效评价结果通报) of a year: the
// one the bundle holds, without making every report.
func cmdBulletin(e *env, args []string) error {
	fs := newFlags("bulletin", e)
	db := dbFlag(fs)
	year := fs.Int("year", 0, "年度")
	out := fs.String("o", "", "输出文件（- 表示标准输出）")
	format := fs.String("format", "", "格式："+strings.Join(render.Exts(), "、")+"（默认按输出文件扩展名）")
	status := fs.String("status", "", "只包括这些状态的年度，以逗号分隔，如 accepted,published（默认年终自评阶段的全部年度）")
	issuer := fs.String("issuer", "", "落款的发文单位（选填）")
	date := fs.String("date", "", "落款日期（选填，如 2024年6月30日）")
	prog := progressFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr("多余的参数 %s\n%s", strings.Join(pos, " "), bulletinUsage)
	}
	if *year < 2000 || *year > 2100 {
		return usageErr("需要用 --year 指定年度（如 --year 2024）\n%s", bulletinUsage)
	}
	rf, err := reportFormat(*format, *out)
	if err != nil {
		return err
	}
	statuses, err := parseStatuses(*status)
	if err != nil {
		return err
	}
	p, err := newProgress(e.stderr, *prog)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	doc, sum, err := bulk.Bulletin(ctx, st, bulk.Options{Year: *year, Status: statuses, Issuer: *issuer, Date: *date,
		Progress: func(x bulk.Progress) { p.show(x.Done, x.Total, 0) }})
	p.end()
	if errors.Is(err, bulk.ErrNone) {
		return &exitError{code: 1, msg: fmt.Sprintf("%d 年度没有处于年终自评阶段%s的部门年度，未生成通报", *year, statusWords(statuses))}
	}
	if err != nil {
		return err
	}
	if err := writeReport(e, rf, *out, doc); err != nil {
		return err
	}
	if *out != "-" {
		fmt.Fprintf(e.stderr, "已写入 %s：%d 年度 %d 个部门的绩效评价结果通报\n", *out, *year, len(sum.Rows))
	}
	return nil
}

const publishUsage = "用法：jixiao publish --all --year YEAR [--region 地区] [--dry-run] [--actor 财政审核人账号] [--reason 说明] [--db DB]"

// cmdPublish publishes every accepted department-year of a year (or of a
// region) at once, as a reviewer account: all or nothing
// (store.PublishAll). --dry-run lists what would be published.
func cmdPublish(e *env, args []string) error {
	fs := newFlags("publish", e)
	db := dbFlag(fs)
	all := fs.Bool("all", false, "公开该年度全部“已通过”的部门年度（必填，以免误操作）")
	year := fs.Int("year", 0, "年度")
	region := fs.String("region", "", "只公开该地区的部门（按部门信息中的所属地区）")
	dry := fs.Bool("dry-run", false, "只列出将公开的部门年度，不写入")
	actor := fs.String("actor", "", "以哪个财政审核人账号公开（默认为 JIXIAO_USER 或当前系统用户名）")
	reason := fs.String("reason", "", "说明（选填），记入每个年度的历史")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if !*all || len(pos) > 0 {
		return usageErr("%s", publishUsage)
	}
	if *year < 2000 || *year > 2100 {
		return usageErr("需要用 --year 指定年度（如 --year 2024）\n%s", publishUsage)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	name := actorName(*actor)
	u, err := st.UserByName(ctx, name)
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("批量公开需要一个财政审核人账号：%v（用 --actor 指定，或用 jixiao user add --role reviewer 创建）", err)}
	}
	res, err := st.PublishAll(ctx, store.PublishRequest{Year: *year, Region: *region, Comment: *reason, DryRun: *dry}, u)
	if err != nil {
		return err
	}
	where := fmt.Sprintf("%d 年度", *year)
	if *region != "" {
		where += *region
	}
	if len(res.Years) == 0 {
		fmt.Fprintf(e.stdout, "%s没有“已通过”的部门年度，未公开任何年度\n", where)
		return nil
	}
	verb := "已公开"
	if res.DryRun {
		verb = "将公开（试运行，未写入）"
	}
	fmt.Fprintf(e.stdout, "%s%s %d 个部门年度：\n", where, verb, len(res.Years))
	for _, y := range res.Years {
		fmt.Fprintf(e.stdout, "  %s %s\n", y.Code, y.Department)
	}
	return nil
}

// batchGC lets a batch command (a year's bundle) collect garbage less
// often: the reports are made of many short-lived objects, and at the
// default GOGC=100 the collector took about a sixth of the CPU
// (BenchmarkBundle with GOGC=400: 369 against 319 department-years a
// second). A soft memory limit of batchMemory keeps the process within
// the bundle's memory goal (150 MB) whatever the heap does; an explicit
// GOGC or GOMEMLIMIT in the environment is left alone. The returned
// function restores the settings.
func batchGC() func() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	gc := debug.SetGCPercent(400)
	limit := debug.SetMemoryLimit(batchMemory)
	return func() {
		debug.SetGCPercent(gc)
		debug.SetMemoryLimit(limit)
	}
}

// batchMemory is the soft memory limit of a batch command.
const batchMemory = 120 << 20
