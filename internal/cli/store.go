package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/input"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workbook"
)

// dbFlag adds --db to a command: a SQLite path, sqlite:PATH or a
// postgres:// URL; default JIXIAO_DB, else ./jixiao.db.
func dbFlag(fs interface {
	String(name, value, usage string) *string
}) *string {
	return fs.String("db", "", "数据库：SQLite 文件路径、sqlite:PATH 或 postgres://…（默认取环境变量 JIXIAO_DB，否则为 ./jixiao.db）")
}

func openStore(ctx context.Context, flagValue string) (*store.Store, error) {
	dsn := flagValue
	if dsn == "" {
		dsn = os.Getenv("JIXIAO_DB")
	}
	rs, err := cliRules()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	st.SetRules(rs)
	return st, nil
}

// rulesDir is the user rules directory (datafile.LoadRules): JIXIAO_RULES,
// else the user config directory's jixiao/rules.
func rulesDir() string {
	if v := os.Getenv("JIXIAO_RULES"); v != "" {
		return v
	}
	if dir, err := os.UserConfigDir(); err == nil {
		return filepath.Join(dir, "jixiao", "rules")
	}
	return ""
}

// cliRules reads the rules files a command works with: the built-in ones,
// each replaced by a file of its kind in the rules directory.
func cliRules() (*datafile.RuleSet, error) {
	return datafile.LoadRules(rulesDir())
}

// codeYear reads "CODE YEAR" positional arguments.
func codeYear(pos []string) (string, int, bool) {
	if len(pos) != 2 {
		return "", 0, false
	}
	y, err := strconv.Atoi(pos[1])
	if err != nil || y < 2000 || y > 2100 {
		return "", 0, false
	}
	return pos[0], y, true
}

// loadStored reads a department-year from the store and assesses it in
// its stage with the framework versions it was stored with, so a later
// change to a framework never silently rescores an old year. Before the
// evaluation stage it is checked, not scored (res is nil).
func loadStored(ctx context.Context, e *env, db, code string, year int) (*scored, error) {
	st, err := openStore(ctx, db)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	rec, err := st.Get(ctx, code, year)
	if err != nil {
		return nil, err
	}
	lib, err := rec.Library()
	if err != nil {
		return nil, err
	}
	a := assess.Assess(rec.Evaluation, lib, rec.AssessOptions())
	isScored := assess.Scored(rec.Stage)
	if a.Err() != nil || (isScored && a.Result == nil) {
		return nil, &exitError{code: 1, msg: a.Findings.Errors().Error()}
	}
	fw := a.Weighted
	noteNewerFramework(e, fw)
	return &scored{ev: rec.Evaluation, res: a.Result, fw: fw, review: a.Review, scored: isScored, cycle: rec.Cycle}, nil
}

// noteNewerFramework tells the user when the current framework of the same
// id differs from the stored one.
func noteNewerFramework(e *env, stored *framework.Framework) {
	if stored == nil {
		return
	}
	cur, _ := datafile.LoadLibrary(frameworkDirs("")...)
	if f, ok := cur.Framework(stored.ID); ok && string(f.Source) != string(stored.Source) {
		fmt.Fprintf(e.stderr, "提示：指标框架 %s 已更新为版本 %s，本年度仍按入库时的版本 %s 计分。\n", stored.ID, f.Version, stored.Version)
	}
}

// readEntry reads one data file or workbook and runs the assessment
// pipeline on it, as a year in the stage given (a declaration is checked,
// not scored: its entry has no result).
func readEntry(path string, lib *datafile.Library, stage string) (*store.Entry, diag.List, error) {
	data, err := readInput(path)
	if err != nil {
		return nil, nil, err
	}
	opts := assessOptions()
	opts.Stage = stage
	_, a, ds := input.Assess(path, data, lib, opts)
	if a == nil || ds.Err() != nil {
		return nil, ds, nil
	}
	return &store.Entry{Source: path, Evaluation: a.Evaluation, Result: a.Result, Framework: a.Framework, ProjectFramework: a.ProjectFramework}, ds, nil
}

func cmdImport(e *env, args []string) error {
	fs := newFlags("import", e)
	db := dbFlag(fs)
	fwDirs := fs.String("frameworks", "", "用户指标框架目录")
	actor := fs.String("actor", "", "操作人（默认为当前系统用户）")
	reason := fs.String("reason", "导入", "变更原因，记入历史")
	// The operator running import on the server is trusted with master
	// data only when asking for it: without the flag a department already
	// registered keeps its name, parent and region (each file's data
	// carries them, with a warning where the file differs); departments
	// not registered yet are created from the files either way.
	updateDepts := fs.Bool("update-departments", false, "按文件更新已登记部门的名称、主管部门和所属地区（记入部门修改记录）；默认保留系统登记信息")
	stage := stageFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageErr("用法：jixiao import FILE…（YAML、JSON 或 .xlsx 填报表）")
	}
	if err := checkStage(*stage); err != nil {
		return err
	}
	// The frameworks are read once for every file: the entries share
	// them (and the store pins each once).
	lib, all := datafile.LoadLibrary(frameworkDirs(*fwDirs)...)
	var entries []store.Entry
	for _, path := range pos {
		en, ds, err := readEntry(path, lib, *stage)
		if err != nil {
			return err
		}
		all = append(all, ds...)
		if en != nil && ds.Err() == nil {
			entries = append(entries, *en)
		}
	}
	for _, f := range all {
		if f.Severity != diag.Info {
			fmt.Fprintln(e.stderr, f)
		}
	}
	if n := len(all.Errors()); n > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("✗ %d 个错误，未导入任何数据", n)}
	}
	ctx := context.Background()
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	sum, kept, err := st.ImportWith(ctx, entries, store.ImportOptions{Actor: actorName(*actor), Reason: *reason, UpdateDepartments: *updateDepts})
	if err != nil {
		return err
	}
	for _, f := range kept {
		fmt.Fprintln(e.stderr, f)
	}
	if len(kept) > 0 {
		fmt.Fprintln(e.stderr, "提示：如需按文件更新部门登记信息，请使用 --update-departments 重新导入")
	}
	fmt.Fprintf(e.stdout, "✓ 导入 %d 个文件：新增 %d，更新 %d，未变 %d\n", len(entries), sum.Created, sum.Replaced, sum.Unchanged)
	return nil
}

func actorName(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	for _, v := range []string{"JIXIAO_USER", "USER", "USERNAME"} {
		if u := os.Getenv(v); u != "" {
			return u
		}
	}
	return "jixiao"
}

func cmdList(e *env, args []string) error {
	fs := newFlags("list", e)
	db := dbFlag(fs)
	format := fs.String("format", "text", "输出格式：text 或 json")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	ctx := context.Background()
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	ls, err := st.List(ctx)
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		type row struct {
			DepartmentCode string  `json:"department_code"`
			Department     string  `json:"department"`
			Year           int     `json:"year"`
			Stage          string  `json:"stage"`
			Status         string  `json:"status"`
			Total          float64 `json:"total"`
			Grade          string  `json:"grade"`
		}
		rows := make([]row, len(ls))
		for i, l := range ls {
			t, _ := l.Total.Rat().Float64()
			rows[i] = row{l.DepartmentCode, l.Department, l.Year, l.Stage, l.Status, t, l.Grade}
		}
		return writeJSON(e, rows)
	case "text":
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "编码\t部门\t年度\t阶段\t状态\t总分\t等级\t版本")
		for _, l := range ls {
			// Before the evaluation stage a year has no score: the
			// stage says why.
			total := l.Total.String()
			if !l.Scored() {
				total = "—"
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%d\n", l.DepartmentCode, l.Department, l.Year, l.StageName(), l.StatusName(), total, l.Grade, l.Version)
		}
		return tw.Flush()
	}
	return usageErr("未知输出格式 %q，可用：text、json", *format)
}

func cmdExport(e *env, args []string) error {
	fs := newFlags("export", e)
	db := dbFlag(fs)
	format := fs.String("format", "", "导出格式：yaml 或 xlsx（默认按输出文件扩展名）")
	out := fs.String("o", "", "输出文件（- 表示标准输出，仅限 yaml）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	code, year, ok := codeYear(pos)
	if !ok {
		return usageErr("用法：jixiao export CODE YEAR --format yaml|xlsx -o OUT")
	}
	if *out == "" {
		return usageErr("需要用 -o 指定输出文件")
	}
	f := *format
	if f == "" {
		f = strings.TrimPrefix(strings.ToLower(filepath.Ext(*out)), ".")
	}
	if f == "yml" {
		f = "yaml"
	}
	if f != "yaml" && f != "xlsx" {
		return usageErr("未知导出格式 %q，可用：yaml、xlsx", f)
	}
	ctx := context.Background()
	s, err := loadStored(ctx, e, *db, code, year)
	if err != nil {
		return err
	}
	var data []byte
	switch f {
	case "yaml":
		if data, err = datafile.MarshalEvaluation(s.ev); err != nil {
			return err
		}
	case "xlsx":
		var buf strings.Builder
		pfw := projectFrameworkOf(s)
		if err := workbook.Write(&buf, s.ev, s.fw, pfw); err != nil {
			return err
		}
		data = []byte(buf.String())
	}
	if *out == "-" {
		_, err := e.stdout.Write(data)
		return err
	}
	return writeFileAtomic(*out, data)
}

// projectFrameworkOf returns the project framework a stored evaluation
// was scored with, from its result.
func projectFrameworkOf(s *scored) *framework.Framework {
	lib, _ := datafile.LoadLibrary()
	f, _ := lib.Framework(s.ev.ProjectFrameworkID())
	return f
}

func cmdHistory(e *env, args []string) error {
	fs := newFlags("history", e)
	db := dbFlag(fs)
	format := fs.String("format", "text", "输出格式：text 或 json")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	code, year, ok := codeYear(pos)
	if !ok {
		return usageErr("用法：jixiao history CODE YEAR")
	}
	ctx := context.Background()
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	hs, err := st.History(ctx, code, year)
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeJSON(e, hs)
	}
	// Fields are named as the current data names them; times are in the
	// configured zone (Beijing time unless JIXIAO_TZ says otherwise).
	var current *evaluation.Evaluation
	if rec, err := st.Get(ctx, code, year); err == nil {
		current = rec.Evaluation
	}
	zone := displayZone()
	var header store.Change
	for _, h := range hs {
		if h.Path == "" {
			header = h
			fmt.Fprintf(e.stdout, "版本 %d  %s  %s  %s", h.Version, h.At.In(zone).Format("2006-01-02 15:04:05"), h.ActorName, actionName(h.Action))
			if h.Reason != "" {
				fmt.Fprintf(e.stdout, "（%s）", h.Reason)
			}
			fmt.Fprintln(e.stdout)
			continue
		}
		fmt.Fprintf(e.stdout, "    %s：%q → %q", h.Field(current), h.ValueName(h.Old), h.ValueName(h.New))
		// A row written apart from its version's header (a track such as
		// an ex-ante evaluation, which leaves the year's version alone)
		// names its own time, person and reason.
		if h.Actor != header.Actor || !h.At.Equal(header.At) {
			fmt.Fprintf(e.stdout, "  （%s %s", h.At.In(zone).Format("2006-01-02 15:04:05"), h.ActorName)
			if h.Reason != "" {
				fmt.Fprintf(e.stdout, "：%s", h.Reason)
			}
			fmt.Fprint(e.stdout, "）")
		}
		fmt.Fprintln(e.stdout)
	}
	return nil
}

func actionName(a string) string {
	switch a {
	case "create":
		return "新建"
	case "replace":
		return "导入更新"
	case "update":
		return "修改"
	case "status":
		return "状态变更"
	}
	return a
}

func cmdMigrate(e *env, args []string) error {
	fs := newFlags("migrate", e)
	db := dbFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	ctx := context.Background()
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "✓ 数据库结构已是最新（%s）\n", st.Dialect())
	n, err := st.FillPendingDues(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(e.stdout, "✓ 已按新收录的节假日安排确定整改期限 %d 个\n", n)
	}
	return nil
}

func cmdTemplate(e *env, args []string) error {
	fs := newFlags("template", e)
	id := fs.String("framework", "gz-dept-2023", "部门指标框架编号")
	pid := fs.String("project-framework", "cn-project-2020", "项目指标框架编号")
	fwDirs := fs.String("frameworks", "", "用户指标框架目录")
	out := fs.String("o", "", "输出的 .xlsx 文件")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageErr("需要用 -o 指定输出文件")
	}
	lib, _ := datafile.LoadLibrary(frameworkDirs(*fwDirs)...)
	fw, ok := lib.Framework(*id)
	if !ok {
		return usageErr("未找到指标框架 %q（jixiao frameworks 列出可用框架）", *id)
	}
	pfw, ok := lib.Framework(*pid)
	if !ok {
		return usageErr("未找到项目指标框架 %q", *pid)
	}
	var buf strings.Builder
	if err := workbook.WriteTemplate(&buf, fw, pfw); err != nil {
		return err
	}
	return writeFileAtomic(*out, []byte(buf.String()))
}
