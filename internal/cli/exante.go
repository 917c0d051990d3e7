package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/exante"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/input"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/render"
	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/store"
)

const exanteUsage = `用法：
  jixiao exante check FILE [--format text|json]        校验事前绩效评估记录
  jixiao exante score FILE [--format text|json]        评分，输出得分树、评分轨迹和评估结论
  jixiao exante report FILE -o OUT.docx [--format F]   生成事前绩效评估报告（docx、pdf、html、md、xlsx）
  jixiao exante need --kind new|policy|continuing --amount 金额
                                                       判断是否需要开展事前绩效评估、由谁评估
  jixiao exante import CODE YEAR FILE [--db DB] [--actor 操作人] [--reason 原因] [--conclude]
                                                       将评估记录存入部门年度（已有同一项目的记录则替换）；
                                                       --conclude 同时出具评估结论
通用参数：--frameworks DIR；--department-from 金额（部门评估起点）；--finance-from 金额（财政评估起点）。
  两者默认取内置的事前绩效评估规则文件（100万元、500万元，默认标准，各地规定不同）。
  金额可写作 1000000、1,000,000.00 或 100万元。`

func cmdExante(e *env, args []string) error {
	if len(args) == 0 {
		return usageErr("%s", exanteUsage)
	}
	switch args[0] {
	case "check":
		return exanteCheck(e, args[1:])
	case "score":
		return exanteScore(e, args[1:])
	case "report":
		return exanteReport(e, args[1:])
	case "need":
		return exanteNeed(e, args[1:])
	case "import":
		return exanteImport(e, args[1:])
	case "-h", "--help", "help":
		return &exitError{code: 0, msg: exanteUsage, stdout: true}
	}
	return usageErr("未知的子命令 %q\n%s", args[0], exanteUsage)
}

// amountFlag is an amount typed as officials write it (money.Parse).
type amountFlag struct{ v *money.Fen }

func (a amountFlag) String() string {
	if a.v == nil || *a.v == 0 {
		return ""
	}
	return exante.WanText(*a.v) + "万元"
}

func (a amountFlag) Set(s string) error {
	f, err := money.Parse(s)
	if err != nil {
		return err
	}
	*a.v = f
	return nil
}

// thresholdFlags adds --department-from and --finance-from, overriding
// the built-in ex-ante rules file (datafile.DefaultExante).
func thresholdFlags(fs *flag.FlagSet) *exante.Thresholds {
	th := defaultThresholds()
	fs.Var(amountFlag{&th.Department}, "department-from", "从该金额起由预算部门开展事前绩效评估")
	fs.Var(amountFlag{&th.Finance}, "finance-from", "从该金额起由财政部门开展事前绩效评估")
	return &th
}

// exanteRun is an assessed record with the findings located in its file.
type exanteRun struct {
	a        *exante.Assessment
	findings diag.List
}

// exanteFlags are the flags every subcommand reading a record takes.
type exanteFlags struct {
	fs     *flag.FlagSet
	fwDirs *string
	th     *exante.Thresholds
}

func newExanteFlags(name string, e *env) exanteFlags {
	fs := newFlags("exante "+name, e)
	return exanteFlags{fs: fs, fwDirs: fs.String("frameworks", "", "用户指标框架目录"), th: thresholdFlags(fs)}
}

// assess reads the one record named and assesses it.
func (f exanteFlags) assess(pos []string) (*exanteRun, error) {
	if msg := f.th.Check(); msg != "" {
		return nil, usageErr("%s", msg)
	}
	path, err := oneFile(pos, "事前绩效评估记录文件")
	if err != nil {
		return nil, err
	}
	data, err := readInput(path)
	if err != nil {
		return nil, err
	}
	lib, ds := datafile.LoadLibrary(frameworkDirs(*f.fwDirs)...)
	l, rds := input.Exante(path, data)
	ds = append(ds, rds...)
	if l == nil {
		ds.Sort()
		return &exanteRun{findings: ds}, nil
	}
	a := exante.Assess(l.Value, lib, exante.Options{Thresholds: *f.th, ReadErrors: rds.Err() != nil})
	// A value the reader could not read is left empty; the checks would
	// say again, less precisely, that it is missing.
	bad := map[string]bool{}
	for _, d := range rds.Errors() {
		bad[d.Path] = true
	}
	for _, d := range l.Locate(a.Findings) {
		if !bad[d.Path] {
			ds = append(ds, d)
		}
	}
	ds.Sort()
	return &exanteRun{a: a, findings: ds}, nil
}

// mustAssess is assess that fails, listing every error, unless the record
// scores cleanly; warnings and notes go to standard error.
func (f exanteFlags) mustAssess(e *env, pos []string) (*exanteRun, error) {
	r, err := f.assess(pos)
	if err != nil {
		return nil, err
	}
	if r.findings.Err() != nil || r.a == nil || r.a.Result == nil {
		return nil, &exitError{code: 1, msg: r.findings.Errors().Error()}
	}
	for _, f := range r.findings {
		fmt.Fprintln(e.stderr, f)
	}
	return r, nil
}

func exanteCheck(e *env, args []string) error {
	f := newExanteFlags("check", e)
	format := f.fs.String("format", "text", "输出格式：text 或 json")
	pos, err := parse(f.fs, args)
	if err != nil {
		return err
	}
	r, err := f.assess(pos)
	if err != nil {
		return err
	}
	perr := printFindings(e, r.findings, *format)
	if *format == "text" && r.a != nil && r.a.Result != nil {
		fmt.Fprintf(e.stdout, "综合得分 %s 分，评估结论：%s\n", r.a.Result.Total, framework.ConclusionName(r.a.Conclusion))
	}
	return perr
}

func exanteScore(e *env, args []string) error {
	f := newExanteFlags("score", e)
	format := f.fs.String("format", "text", "输出格式：text 或 json")
	pos, err := parse(f.fs, args)
	if err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageErr("未知输出格式 %q，可用：text、json", *format)
	}
	r, err := f.mustAssess(e, pos)
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeJSON(e, exanteJSON(r.a))
	}
	writeExanteText(e.stdout, r.a)
	return nil
}

// exanteResult is the JSON form of a scored record.
type exanteResult struct {
	Project        string          `json:"project"`
	ProjectCode    string          `json:"project_code"`
	Amount         money.Fen       `json:"amount"`
	Assessor       string          `json:"assessor"`
	Needed         bool            `json:"needed"`
	Required       string          `json:"required_assessor,omitempty"`
	Requirement    string          `json:"requirement"`
	Framework      string          `json:"framework"`
	Points         string          `json:"points"`
	Total          string          `json:"total"`
	Scored         string          `json:"scored_conclusion"`
	Conclusion     string          `json:"conclusion"`
	ConclusionName string          `json:"conclusion_name"`
	Indicators     []*scoring.Node `json:"indicators"`
}

func exanteJSON(a *exante.Assessment) exanteResult {
	ev, res := a.Evaluation, a.Result
	return exanteResult{
		Project: ev.Project.Name, ProjectCode: ev.Project.Code, Amount: ev.Project.Amount, Assessor: ev.Assessor,
		Needed: a.Requirement.Needed, Required: a.Requirement.Assessor, Requirement: a.Requirement.Reason,
		Framework: res.Framework, Points: res.Points.String(), Total: res.Total.String(),
		Scored: a.Scored, Conclusion: a.Conclusion, ConclusionName: framework.ConclusionName(a.Conclusion),
		Indicators: res.Indicators,
	}
}

func writeExanteText(w io.Writer, a *exante.Assessment) {
	ev, res := a.Evaluation, a.Result
	fmt.Fprintf(w, "%s（%s）事前绩效评估 · 指标框架 %s（%s）\n", ev.Project.Name, ev.Project.Code, a.Framework.Name, a.Framework.ID)
	fmt.Fprintf(w, "%s · %s · 申请金额 %s 万元 · 评估主体 %s\n", ev.Department.Name, exante.KindNames[ev.Project.Kind], exante.WanText(ev.Project.Amount), exante.AssessorNames[ev.Assessor])
	fmt.Fprintf(w, "评估要求：%s\n", a.Requirement.Reason)
	fmt.Fprintf(w, "综合得分 %s / %s  评估结论 %s", res.Total, res.Points, framework.ConclusionName(a.Conclusion))
	if a.Conclusion != a.Scored {
		fmt.Fprintf(w, "（按得分为%s，评估组调整）", framework.ConclusionName(a.Scored))
	}
	fmt.Fprint(w, "\n\n")
	writeNodes(w, res.Indicators, 0)
}

func exanteReport(e *env, args []string) error {
	f := newExanteFlags("report", e)
	format := f.fs.String("format", "", "报告格式："+strings.Join(render.Exts(), "、")+"（默认按输出文件扩展名）")
	out := f.fs.String("o", "", "输出文件（- 表示标准输出）")
	pos, err := parse(f.fs, args)
	if err != nil {
		return err
	}
	rf, err := reportFormat(*format, *out)
	if err != nil {
		return err
	}
	r, err := f.mustAssess(e, pos)
	if err != nil {
		return err
	}
	return writeReport(e, rf, *out, report.Exante(r.a))
}

func exanteNeed(e *env, args []string) error {
	fs := newFlags("exante need", e)
	kind := fs.String("kind", "", "项目类型：new（新增项目）、policy（新出台政策）或 continuing（延续项目）")
	var amount money.Fen
	fs.Var(amountFlag{&amount}, "amount", "申请预算金额")
	th := thresholdFlags(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr("多余的参数：%s", strings.Join(pos, " "))
	}
	if exante.KindNames[*kind] == "" {
		return usageErr("--kind 应为 new（新增项目）、policy（新出台政策）或 continuing（延续项目），实际为 %q", *kind)
	}
	if amount <= 0 {
		return usageErr("需要用 --amount 指定大于 0 的申请预算金额")
	}
	if msg := th.Check(); msg != "" {
		return usageErr("%s", msg)
	}
	r := th.Need(*kind, amount)
	if r.Needed {
		fmt.Fprintf(e.stdout, "需要开展事前绩效评估，评估主体：%s\n", exante.AssessorNames[r.Assessor])
	} else {
		fmt.Fprintln(e.stdout, "不需要开展事前绩效评估")
	}
	fmt.Fprintln(e.stdout, r.Reason)
	return nil
}

func exanteImport(e *env, args []string) error {
	f := newExanteFlags("import", e)
	db := dbFlag(f.fs)
	actor := f.fs.String("actor", "", "操作人（默认为当前系统用户）")
	reason := f.fs.String("reason", "导入事前绩效评估记录", "导入原因，记入历史")
	conclude := f.fs.Bool("conclude", false, "保存后出具评估结论")
	pos, err := parse(f.fs, args)
	if err != nil {
		return err
	}
	const usage = "用法：jixiao exante import CODE YEAR FILE [--db DB] [--actor 操作人] [--reason 原因] [--conclude]"
	if len(pos) != 3 {
		return usageErr("%s", usage)
	}
	code := pos[0]
	year, err := strconv.Atoi(pos[1])
	if err != nil || year < 2000 || year > 2100 {
		return usageErr("年度 %q 无效：应为 2000 至 2100 之间的整数\n%s", pos[1], usage)
	}
	r, err := f.assess(pos[2:])
	if err != nil {
		return err
	}
	if r.a == nil || r.findings.Err() != nil {
		return &exitError{code: 1, msg: r.findings.Errors().Error()}
	}
	for _, d := range r.findings {
		fmt.Fprintln(e.stderr, d)
	}
	ctx := context.Background()
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	who := actorName(*actor)
	pcode := r.a.Evaluation.Project.Code
	version := 0
	switch old, err := st.ExanteEvaluation(ctx, code, year, pcode); {
	case err == nil:
		version = old.Version
	case apperr.Code(err) != apperr.ENOTFOUND:
		return err
	}
	saved, err := st.SaveExante(ctx, code, year, store.ExanteSave{Assessment: r.a, Version: version}, who, *reason)
	if err != nil {
		return err
	}
	if *conclude {
		if saved, err = st.ConcludeExante(ctx, code, year, pcode, saved.Version, true, who, *reason); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stdout, "✓ 已存入部门 %s %d 年度：项目 %s（%s）事前绩效评估，第 %d 版，%s", code, year, saved.ProjectName, pcode, saved.Version, saved.StatusName())
	if saved.Scored {
		fmt.Fprintf(e.stdout, "，综合得分 %s 分，%s", saved.Total, framework.ConclusionName(saved.Conclusion))
	}
	fmt.Fprintln(e.stdout)
	return nil
}

// defaultThresholds are the ex-ante thresholds of the rules directory's
// file, else the built-in one; a rules directory that does not read is
// reported when the command opens the store.
func defaultThresholds() exante.Thresholds {
	if rs, err := cliRules(); err == nil {
		return rs.Exante.Thresholds()
	}
	return datafile.DefaultExante().Thresholds()
}
