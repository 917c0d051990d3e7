package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/ledger"
	"github.com/jixiao/jixiao/internal/monitor"
	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

func cmdMonitor(e *env, args []string) error {
	switch {
	case len(args) > 0 && args[0] == "import":
		return cmdMonitorImport(e, args[1:])
	case len(args) > 0 && args[0] == "status":
		return cmdMonitorStatus(e, args[1:])
	case len(args) > 0 && args[0] == "budget":
		return cmdMonitorBudget(e, args[1:])
	case len(args) > 0 && args[0] == "report":
		return cmdMonitorReport(e, args[1:])
	case len(args) > 0 && args[0] == "warnings":
		return cmdMonitorWarnings(e, args[1:])
	}
	return usageErr("用法：jixiao monitor import FILE… [--db DB] [--actor 操作人]（国库集中支付明细，CSV 或 .xlsx）\n" +
		"      jixiao monitor budget FILE… [--db DB] [--actor 操作人]（年度中的预算调整：追加、调减）\n" +
		"      jixiao monitor status CODE YEAR --month M [--format text|json]（预算执行与序时进度）\n" +
		"      jixiao monitor report CODE YEAR --month M --format md|docx|xlsx|json -o OUT（绩效目标执行监控表）\n" +
		"      jixiao monitor warnings YEAR --month M [--refresh] [--level 等级] [--state 状态] [--format text|json]（预警）")
}

// cmdMonitorImport imports treasury payment ledgers, each file in one
// transaction: a file with any bad row or unknown code adds nothing, and
// the other files are still tried, so one run lists every problem.
func cmdMonitorImport(e *env, args []string) error {
	return importFiles(e, "monitor import", args, "用法：jixiao monitor import FILE…（国库集中支付明细，CSV 或 .xlsx；表头可用中文或英文列名）", importLedger)
}

// importFiles runs a monitor import command: each file imported by one in
// its own transaction, every file tried, the failures counted.
func importFiles(e *env, name string, args []string, usage string, one func(context.Context, *env, *store.Store, string, string) error) error {
	fs := newFlags(name, e)
	db := dbFlag(fs)
	actor := fs.String("actor", "", "操作人（默认为当前系统用户）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageErr("%s", usage)
	}
	ctx := context.Background()
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	failed := 0
	for _, path := range pos {
		if err := one(ctx, e, st, path, actorName(*actor)); err != nil {
			fmt.Fprintln(e.stderr, err)
			failed++
		}
	}
	if failed > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("✗ %d 个文件中 %d 个未导入（每个文件全部成功才写入）", len(pos), failed)}
	}
	return nil
}

// openFile opens a file to read, refusing a directory.
func openFile(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	if info, err := f.Stat(); err == nil && info.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s：是目录，不是文件", path)
	}
	return f, nil
}

func importLedger(ctx context.Context, e *env, st *store.Store, path, actor string) error {
	f, err := openFile(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := ledger.Open(path, f)
	if err != nil {
		return err
	}
	defer r.Close()
	if ig := r.Ignored(); len(ig) > 0 {
		fmt.Fprintf(e.stderr, "提示：%s 的列 %s 不属于支付明细，未读取\n", path, strings.Join(ig, "、"))
	}
	res, err := st.ImportPayments(ctx, path, r, actor)
	if err != nil {
		var pe *store.PaymentImportError
		if errors.As(err, &pe) {
			return err
		}
		return fmt.Errorf("%s：%w", path, err)
	}
	years := make([]string, len(res.Years))
	for i, y := range res.Years {
		years[i] = fmt.Sprint(y)
	}
	fmt.Fprintf(e.stdout, "✓ %s（%s）：读取 %d 条，新增 %d 条", path, r.Format(), res.Rows, res.Added)
	if len(years) > 0 {
		fmt.Fprintf(e.stdout, "，年度 %s", strings.Join(years, "、"))
	}
	fmt.Fprintln(e.stdout)
	if res.Skipped() > 0 {
		fmt.Fprintf(e.stdout, "  %d 条的支付凭证号已入库（或在文件中重复出现），未重复计入\n", res.Skipped())
	}
	if len(res.Earlier) > 0 {
		fmt.Fprintf(e.stdout, "  该文件内容与之前第 %d 次导入的文件相同\n", res.Earlier[len(res.Earlier)-1])
	}
	return nil
}

// cmdMonitorBudget imports budget change files (预算调整明细), each in one
// transaction, like payment ledgers.
func cmdMonitorBudget(e *env, args []string) error {
	return importFiles(e, "monitor budget", args, "用法：jixiao monitor budget FILE…（预算调整明细，CSV 或 .xlsx；列：调整日期、预算单位编码、项目编码、调整金额（元）、调整文号、调整原因）", importChanges)
}

func importChanges(ctx context.Context, e *env, st *store.Store, path, actor string) error {
	f, err := openFile(path)
	if err != nil {
		return err
	}
	defer f.Close()
	changes, err := ledger.ReadChanges(path, f)
	if err != nil {
		return err
	}
	res, err := st.ImportBudgetChanges(ctx, path, changes, actor)
	if err != nil {
		var pe *store.PaymentImportError
		if errors.As(err, &pe) {
			return err
		}
		return fmt.Errorf("%s：%w", path, err)
	}
	fmt.Fprintf(e.stdout, "✓ %s：读取预算调整 %d 条，新增 %d 条\n", path, res.Rows, res.Added)
	if n := res.Rows - res.Added; n > 0 {
		fmt.Fprintf(e.stdout, "  %d 条（同一文号、单位和项目）已入库，未重复计入\n", n)
	}
	return nil
}

// cmdMonitorStatus prints a department-year's budget execution at the end
// of a month against time progress: the department and each project,
// from the stored year's initial budgets and the imported payments.
func cmdMonitorStatus(e *env, args []string) error {
	fs := newFlags("monitor status", e)
	db := dbFlag(fs)
	month := fs.Int("month", 0, "截至月份（1–12）")
	format := fs.String("format", "text", "输出格式：text 或 json")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	code, year, ok := codeYear(pos)
	if !ok {
		return usageErr("用法：jixiao monitor status CODE YEAR --month M [--format text|json]")
	}
	if *month < 1 || *month > 12 {
		return usageErr("需要用 --month 指定截至月份（1–12），实际为 %d", *month)
	}
	if *format != "text" && *format != "json" {
		return usageErr("未知输出格式 %q，可用：text、json", *format)
	}
	ctx := context.Background()
	st, rec, err := openYear(ctx, *db, code, year)
	if err != nil {
		return err
	}
	defer st.Close()
	status, err := st.Execution(ctx, rec, *month, st.Rules().Schedule())
	if err != nil {
		return err
	}
	status.Warn(st.Rules().Warnings)
	if *format == "json" {
		return writeJSON(e, status)
	}
	writeStatusText(e.stdout, status, st.Rules().Warnings)
	return nil
}

// writeStatusText prints the status as a table with a sentence per line.
func writeStatusText(w io.Writer, s *monitor.Status, r *monitor.WarningRules) {
	fmt.Fprintf(w, "%s %d年度 预算执行监控（截至%d月末，序时进度按已过月数 ÷ 12）\n\n", s.Name, s.Year, s.Through)
	var rows [][]string
	line := func(name string, l monitor.Line) {
		m := l.Last()
		rate, gap, proj := "—", "—", "—"
		if m.HasRate {
			rate, gap = m.Rate.String()+"%", m.Gap.String()
			proj = m.Projection.Rate.String() + "%"
			if m.Projection.Banded {
				proj += fmt.Sprintf("（%s%%–%s%%）", m.Projection.LowRate, m.Projection.HighRate)
			}
		}
		level := "—"
		if l.Warning != nil {
			level = l.Warning.Name
		}
		rows = append(rows, []string{name, m.Initial.Wan(), m.PaidToDate.Wan(), rate, m.TimeProgress.String() + "%", gap, level, proj})
	}
	line("部门合计", s.Whole)
	for _, p := range s.Projects {
		line(p.Code, p)
	}
	var b strings.Builder
	writeColumns(&b, []column{{head: "项目"}, {head: "年初预算(万元)", right: true}, {head: "执行数(万元)", right: true},
		{head: "执行率", right: true}, {head: "序时进度", right: true}, {head: "落后(百分点)", right: true}, {head: "预警"},
		{head: "全年预计执行率（约90%区间）"}}, rows)
	fmt.Fprint(w, b.String())
	fmt.Fprintln(w)
	sentence := func(l monitor.Line) string {
		if l.Warning != nil {
			return l.Warning.Sentence + "；处理方式：" + l.Warning.Handling
		}
		return l.Sentence()
	}
	fmt.Fprintf(w, "部门：%s。\n", sentence(s.Whole))
	for _, p := range s.Projects {
		fmt.Fprintf(w, "%s %s：%s。\n", p.Code, p.Name, sentence(p))
	}
	for code, amt := range s.Unmatched {
		fmt.Fprintf(w, "提示：项目编码 %s 有支付 %s 万元，但本年度没有这个项目。\n", code, amt.Wan())
	}
	fmt.Fprintf(w, "\n预警规则：%s（版本 %s）", r.Name, r.Version)
	if r.Default {
		fmt.Fprint(w, "，为默认设置，可按本地规定调整")
	}
	fmt.Fprintf(w, "。\n预计方法：%s\n", monitor.ProjectionMethod)
}

// monitorReportUsage is the usage of jixiao monitor report.
const monitorReportUsage = "用法：jixiao monitor report CODE YEAR --month M --format md|docx|xlsx|json -o OUT（绩效目标执行监控表；-o - 写到标准输出）"

// MonitoringReport is what jixiao monitor report --format json writes:
// the checkpoint report as stored, the execution computed from the
// ledger, each declared indicator with the milestone due and whether it
// is behind, and the findings of the report checked as a submission.
type MonitoringReport struct {
	Code   string `json:"code"`
	Year   int    `json:"year"`
	Month  int    `json:"month"`
	Status string `json:"status"` // the report's status; "" when none is stored
	// Version and DueOn of the stored report.
	Version    int                 `json:"version,omitempty"`
	DueOn      string              `json:"due_on,omitempty"`
	Checkpoint *monitor.Checkpoint `json:"checkpoint"`
	Execution  *monitor.Status     `json:"execution"`
	Indicators []MonitoringRow     `json:"indicators"`
	Findings   diag.List           `json:"findings"`
}

// MonitoringRow is one declared indicator in the JSON report.
type MonitoringRow struct {
	Project   string           `json:"project,omitempty"`
	Code      string           `json:"code"`
	Name      string           `json:"name"`
	Direction string           `json:"direction"`
	Target    string           `json:"target"`
	Unit      string           `json:"unit,omitempty"`
	Milestone string           `json:"milestone,omitempty"`
	Quarter   int              `json:"quarter,omitempty"`
	Behind    bool             `json:"behind"`
	Entry     monitor.Progress `json:"entry"`
}

// cmdMonitorReport writes the monitoring tables of a checkpoint
// (绩效目标执行监控表) of a stored year: the department's report for the
// month with the execution the ledger gives. Without a stored report the
// tables have the figures and blank entries, to be filled in.
func cmdMonitorReport(e *env, args []string) error {
	fs := newFlags("monitor report", e)
	db := dbFlag(fs)
	month := fs.Int("month", 0, "监控月份（1–12）")
	format := fs.String("format", "", "输出格式：md、docx、xlsx、html、pdf 或 json（默认按输出文件扩展名）")
	out := fs.String("o", "", "输出文件（- 为标准输出）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	code, year, ok := codeYear(pos)
	if !ok {
		return usageErr(monitorReportUsage)
	}
	if *month < 1 || *month > 12 {
		return usageErr("需要用 --month 指定监控月份（1–12），实际为 %d", *month)
	}
	if *out == "" {
		*out = "-"
	}
	isJSON := *format == "json" || (*format == "" && strings.HasSuffix(strings.ToLower(*out), ".json"))
	if !isJSON && *format == "" && *out == "-" {
		return usageErr("写到标准输出时需要用 --format 指定格式（md、docx、xlsx、json 等）")
	}
	ctx := context.Background()
	st, rec, err := openYear(ctx, *db, code, year)
	if err != nil {
		return err
	}
	defer st.Close()
	res := &MonitoringReport{Code: code, Year: year, Month: *month, Checkpoint: &monitor.Checkpoint{Month: *month}}
	cp, err := st.Checkpoint(ctx, code, year, *month)
	switch {
	case err == nil:
		res.Checkpoint, res.Status, res.Version, res.DueOn = cp.Data, cp.Status, cp.Version, cp.DueOn.String()
	case apperr.Code(err) == apperr.ENOTFOUND:
		fmt.Fprintf(e.stderr, "提示：部门 %s %d 年度尚未填报 %d 月绩效监控表，表中只有执行数据\n", code, year, *month)
	default:
		return err
	}
	if res.Execution, err = st.Execution(ctx, rec, *month, st.Rules().Schedule()); err != nil {
		return err
	}
	if isJSON {
		for _, r := range monitor.Rows(rec.Evaluation, res.Checkpoint) {
			res.Indicators = append(res.Indicators, MonitoringRow{Project: r.Project, Code: r.Target.Code, Name: r.Target.Name, Direction: r.Target.Direction,
				Target: r.Target.Target, Unit: r.Target.Unit, Milestone: r.Milestone, Quarter: r.Quarter, Behind: r.Behind, Entry: r.Entry})
		}
		res.Findings = monitor.ValidateCheckpoint(rec.Evaluation, res.Checkpoint, true)
		if res.Findings == nil {
			res.Findings = diag.List{}
		}
		if *out == "-" {
			return writeJSON(e, res)
		}
		data, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		return writeFileAtomic(*out, append(data, '\n'))
	}
	rf, err := reportFormat(*format, *out)
	if err != nil {
		return err
	}
	return writeReport(e, rf, *out, report.BuildMonitoring(report.Monitoring{Evaluation: rec.Evaluation, Checkpoint: res.Checkpoint, Status: res.Execution}))
}

// openYear opens the store and reads a department-year from it; the
// caller closes the store.
func openYear(ctx context.Context, db, code string, year int) (*store.Store, *store.Record, error) {
	st, err := openStore(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	rec, err := st.Get(ctx, code, year)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, rec, nil
}

func cmdMonitorWarnings(e *env, args []string) error {
	fs := newFlags("monitor warnings", e)
	db := dbFlag(fs)
	month := fs.Int("month", 0, "截至月份（1–12）")
	refresh := fs.Bool("refresh", false, "先按支付明细和预算重新计算预警")
	level := fs.String("level", "", "只列出该等级：编码或名称（如 red 或 红色）")
	state := fs.String("state", "", "只列出该状态：编码或名称（如 open 或 待处理）")
	limit := fs.Int("limit", 100, fmt.Sprintf("最多列出条数（1–%d）", store.MaxWarningsPage))
	format := fs.String("format", "text", "输出格式：text 或 json")
	actor := fs.String("actor", "", "操作人（默认为当前系统用户）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	var year int
	if len(pos) != 1 {
		return usageErr("用法：jixiao monitor warnings YEAR --month M [--refresh] [--level 等级] [--state 状态]")
	}
	if _, err := fmt.Sscan(pos[0], &year); err != nil || year < 2000 || year > 2100 || fmt.Sprint(year) != pos[0] {
		return usageErr("年度 %q 无效：应为 2000 至 2100 之间的整数", pos[0])
	}
	var problems []string
	if *month < 1 || *month > 12 {
		problems = append(problems, fmt.Sprintf("需要用 --month 指定截至月份（1–12），实际为 %d", *month))
	}
	if *state != "" {
		i := slices.IndexFunc(workflow.WarningStates, func(s string) bool { return s == *state || workflow.WarningStateNames[s] == *state })
		if i < 0 {
			names := make([]string, len(workflow.WarningStates))
			for i, s := range workflow.WarningStates {
				names[i] = workflow.WarningStateNames[s] + "（" + s + "）"
			}
			problems = append(problems, fmt.Sprintf("未知预警状态 %q，可用：%s", *state, strings.Join(names, "、")))
		} else {
			*state = workflow.WarningStates[i]
		}
	}
	rules, err := cliRules()
	if err != nil {
		return err
	}
	warnRules := rules.Warnings
	if *level != "" {
		i := slices.IndexFunc(warnRules.Levels, func(l monitor.WarningLevel) bool { return l.Code == *level || l.Name == *level })
		if i < 0 {
			names := make([]string, len(warnRules.Levels))
			for i, l := range warnRules.Levels {
				names[i] = l.Name + "（" + l.Code + "）"
			}
			problems = append(problems, fmt.Sprintf("未知预警等级 %q，可用：%s", *level, strings.Join(names, "、")))
		} else {
			*level = warnRules.Levels[i].Code
		}
	}
	if *limit < 1 || *limit > store.MaxWarningsPage {
		problems = append(problems, fmt.Sprintf("--limit 应在 1 至 %d 之间，实际为 %d", store.MaxWarningsPage, *limit))
	}
	if *format != "text" && *format != "json" {
		problems = append(problems, fmt.Sprintf("未知输出格式 %q，可用：text、json", *format))
	}
	if len(problems) > 0 {
		return usageErr("%s", strings.Join(problems, "\n"))
	}
	ctx := context.Background()
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if *refresh {
		res, err := st.RefreshWarnings(ctx, year, *month, warnRules, actorName(*actor))
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "已计算 %d 个部门年度：新增预警 %d 条，数据更新 %d 条，重新待处理 %d 条，解除 %d 条，已处理保持 %d 条\n",
			res.Years, res.Raised, res.Updated, res.Reopened, res.Cleared, res.Kept)
	}
	ws, total, err := st.Warnings(ctx, store.WarningFilter{Year: year, Month: *month, Level: *level, State: *state, Limit: *limit})
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeJSON(e, ws)
	}
	fmt.Fprint(e.stdout, warningsText(year, *month, ws, total))
	return nil
}

func warningsText(year, month int, ws []store.Warning, total int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d 年度 截至%d月末 预算执行预警：共 %d 条", year, month, total)
	if len(ws) < total {
		fmt.Fprintf(&b, "，列出前 %d 条", len(ws))
	}
	b.WriteString("\n\n")
	if len(ws) == 0 {
		return b.String()
	}
	rows := make([][]string, len(ws))
	for i, w := range ws {
		rows[i] = []string{fmt.Sprint(w.ID), w.LevelName, w.StateName(), w.Region, w.DepartmentCode + " " + w.Department,
			w.ProjectCode, w.Budget.Wan(), w.Rate.String() + "%", w.TimeProgress.String() + "%", w.Gap.String(), w.Handling}
	}
	writeColumns(&b, []column{{head: "编号", right: true}, {head: "等级"}, {head: "状态"}, {head: "地区"}, {head: "部门"},
		{head: "项目编码"}, {head: "预算(万元)", right: true}, {head: "执行率", right: true}, {head: "序时进度", right: true},
		{head: "落后(百分点)", right: true}, {head: "处理方式"}}, rows)
	b.WriteString("\n")
	for _, w := range ws {
		fmt.Fprintf(&b, "%d %s %s：%s。\n", w.ID, w.Department, w.Scope(), w.Sentence)
	}
	return b.String()
}
