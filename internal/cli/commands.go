package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/input"
	"github.com/jixiao/jixiao/internal/render"
	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/workflow"
)

// scored is a loaded, checked and scored data file.
type scored struct {
	ev  *evaluation.Evaluation
	res *scoring.Result
	// fw is the weighted department framework the report describes.
	fw *framework.Framework
	// review is the finance bureau's review of a stored year (nil
	// without review scores), shown beside the self-scores.
	review   *assess.Review
	findings diag.List
	// scored says the year is in a stage that is scored: res is then its
	// result; before the evaluation stage res is nil.
	scored bool
	// cycle are the records kept beside a stored year; nil for a file.
	cycle *evaluation.Cycle
}

// stageFlag is --stage: the stage a data file is checked in.
func stageFlag(fs *flag.FlagSet) *string {
	return fs.String("stage", workflow.Evaluation, "数据文件按哪个阶段检查：declaration（目标申报，不填年终数据）、execution（执行监控）或 evaluation（年终自评）")
}

func checkStage(stage string) error {
	if workflow.StageNames[stage] == "" {
		return usageErr("未知阶段 %q，可用：declaration、execution、evaluation", stage)
	}
	return nil
}

// errNotScored refuses what needs a self-evaluation score for a year that
// has none yet.
func errNotScored(ev *evaluation.Evaluation) error {
	return &exitError{code: 1, msg: fmt.Sprintf("错误：部门 %s %d 年度尚未进入年终自评阶段，没有自评得分；绩效目标申报表请用 jixiao report --kind declaration", ev.Department.Code, ev.Year)}
}

// load reads a data file and runs the assessment pipeline on it, checking
// it as a department-year in the stage given (workflow.Declaration,
// Execution or Evaluation; "" is Evaluation): before the evaluation stage
// it is checked but not scored. The findings hold everything found; the
// caller decides whether errors stop it.
func load(path, fwDirs, stage string) (*scored, error) {
	data, err := readInput(path)
	if err != nil {
		return nil, err
	}
	lib, libFindings := datafile.LoadLibrary(frameworkDirs(fwDirs)...)
	// Any input any command takes: YAML, JSON or a workbook, by content.
	opts := assessOptions()
	opts.Stage = stage
	_, a, ds := input.Assess(path, data, lib, opts)
	ds = append(libFindings, ds...)
	ds.Sort()
	s := &scored{findings: ds}
	if a != nil && ds.Err() == nil {
		s.ev, s.res, s.fw, s.scored = a.Evaluation, a.Result, a.Weighted, assess.Scored(stage)
	}
	return s, nil
}

// assessOptions are the pipeline's options on the command line: the
// official working-day calendar, which register checks count their
// deadlines on, and the built-in target-quality rules.
func assessOptions() assess.Options {
	return assess.Options{Calendar: calendar.ScoringOptions().Calendar, Quality: datafile.DefaultQuality()}
}

// mustScore loads a file and fails, listing every error, unless it has
// none and, in the evaluation stage, scores.
func mustScore(e *env, path, fwDirs, stage string) (*scored, error) {
	s, err := load(path, fwDirs, stage)
	if err != nil {
		return nil, err
	}
	if errs := s.findings.Errors(); len(errs) > 0 || s.ev == nil || (s.scored && s.res == nil) {
		return nil, &exitError{code: 1, msg: s.findings.Errors().Error()}
	}
	for _, f := range s.findings {
		if f.Severity == diag.Warning {
			fmt.Fprintln(e.stderr, f)
		}
	}
	return s, nil
}

// source assesses what the positional arguments name: a data file (FILE),
// checked as a year in fileStage, or a stored department-year (CODE YEAR)
// in the stage it is in.
func source(e *env, pos []string, fwDirs, db, fileStage string) (*scored, error) {
	if code, year, ok := codeYear(pos); ok {
		return loadStored(context.Background(), e, db, code, year)
	}
	path, err := oneFile(pos, "数据文件（或 部门编码 年度）")
	if err != nil {
		return nil, err
	}
	return mustScore(e, path, fwDirs, fileStage)
}

func cmdScore(e *env, args []string) error {
	fs := newFlags("score", e)
	format := fs.String("format", "text", "输出格式：text 或 json")
	fwDirs := fs.String("frameworks", "", "用户指标框架目录")
	db := dbFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	s, err := source(e, pos, *fwDirs, *db, workflow.Evaluation)
	if err != nil {
		return err
	}
	if s.res == nil {
		return errNotScored(s.ev)
	}
	switch *format {
	case "json":
		return writeJSON(e, s.res)
	case "text":
		writeScoreText(e.stdout, s.ev, s.res)
		return nil
	}
	return usageErr("未知输出格式 %q，可用：text、json", *format)
}

func writeScoreText(w io.Writer, ev *evaluation.Evaluation, r *scoring.Result) {
	fmt.Fprintf(w, "%s %d年度 · 指标框架 %s（%s）\n", ev.Department.Name, ev.Year, r.FrameworkName, r.Framework)
	fmt.Fprintf(w, "总分 %s / %s  等级 %s\n\n", r.Total, r.Points, r.Grade)
	writeNodes(w, r.Indicators, 0)
	for _, p := range r.Projects {
		fmt.Fprintf(w, "\n项目 %s：%s / %s  等级 %s\n", p.Name, p.Total, p.Points, p.Grade)
		writeNodes(w, p.Indicators, 1)
	}
}

func writeNodes(w io.Writer, ns []*scoring.Node, depth int) {
	pad := strings.Repeat("  ", depth)
	for _, n := range ns {
		if n.NotApplicable != "" {
			fmt.Fprintf(w, "%s%s %s  不适用（%s）\n", pad, n.Code, n.Name, n.NotApplicable)
			continue
		}
		fmt.Fprintf(w, "%s%s %s  %s / %s\n", pad, n.Code, n.Name, n.Score, n.Points)
		for _, in := range n.Trace.Inputs {
			fmt.Fprintf(w, "%s    · %s：%s\n", pad, in.Name, in.Value)
		}
		if n.Trace.Formula != "" {
			fmt.Fprintf(w, "%s    = %s\n", pad, n.Trace.Formula)
		}
		for _, note := range n.Trace.Notes {
			fmt.Fprintf(w, "%s    注：%s\n", pad, note)
		}
		for _, d := range n.Trace.Deductions {
			item := ""
			if d.Item != "" {
				item = "【" + d.Item + "】"
			}
			fmt.Fprintf(w, "%s    − %s 分 %s%s", pad, d.Points, item, d.Reason)
			if len(d.Evidence) > 0 {
				fmt.Fprintf(w, "（佐证：%s）", strings.Join(d.Evidence, "；"))
			}
			fmt.Fprintln(w)
		}
		writeNodes(w, n.Children, depth+1)
	}
}

func cmdReport(e *env, args []string) error {
	fs := newFlags("report", e)
	format := fs.String("format", "", "报告格式："+strings.Join(render.Exts(), "、")+"（默认按输出文件扩展名）")
	out := fs.String("o", "", "输出文件（- 表示标准输出）")
	kind := fs.String("kind", "evaluation", "报告种类：evaluation（绩效自评报告）或 declaration（绩效目标申报表）")
	stage := stageFlag(fs)
	fwDirs := fs.String("frameworks", "", "用户指标框架目录")
	db := dbFlag(fs)
	all := fs.Bool("all", false, "生成 --year 年度全部部门的报告，连同汇总表打包为一个 .zip 文件")
	year := fs.Int("year", 0, "年度（与 --all 同用）")
	status := fs.String("status", "", "只包括这些状态的年度，以逗号分隔，如 accepted,published（与 --all 同用；默认年终自评阶段的全部年度）")
	prog := progressFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *all {
		return reportAll(e, pos, *format, *out, *kind, *db, *year, *status, *prog)
	}
	if *year != 0 || *status != "" {
		return usageErr("--year 和 --status 只与 --all 同用")
	}
	if *kind != "evaluation" && *kind != "declaration" {
		return usageErr("未知报告种类 %q，可用：evaluation（绩效自评报告）、declaration（绩效目标申报表）", *kind)
	}
	if err := checkStage(*stage); err != nil {
		return err
	}
	rf, err := reportFormat(*format, *out)
	if err != nil {
		return err
	}
	// A data file is checked as a year in the stage --stage names (a
	// declaration not yet evaluated has no year-end values); a stored year
	// is in its own stage.
	s, err := source(e, pos, *fwDirs, *db, *stage)
	if err != nil {
		return err
	}
	if *kind == "declaration" {
		return writeReport(e, rf, *out, report.BuildDeclaration(s.ev))
	}
	if s.res == nil {
		return errNotScored(s.ev)
	}
	return writeReport(e, rf, *out, report.Build(report.Input{Evaluation: s.ev, Result: s.res, Framework: s.fw, Review: s.review, Cycle: s.cycle}))
}

// reportFormat is the format a report command writes: --format, else the
// output file's extension. -o is required.
func reportFormat(format, out string) (render.Format, error) {
	if out == "" {
		return render.Format{}, usageErr("需要用 -o 指定输出文件")
	}
	if format == "" {
		format = strings.TrimPrefix(strings.ToLower(filepath.Ext(out)), ".")
	}
	rf, ok := render.Lookup(format)
	if !ok {
		return render.Format{}, usageErr("未知报告格式 %q，可用：%s", format, strings.Join(render.Exts(), "、"))
	}
	return rf, nil
}

// writeReport renders doc and writes it to out atomically, or to standard
// output for "-".
func writeReport(e *env, rf render.Format, out string, doc *report.Document) error {
	var buf bytes.Buffer
	if err := rf.Render(context.Background(), &buf, doc, nil); err != nil {
		return err
	}
	if out == "-" {
		_, err := e.stdout.Write(buf.Bytes())
		return err
	}
	return writeFileAtomic(out, buf.Bytes())
}

// writeFileAtomic writes to a temporary file beside the target and renames
// it, so a failed run never leaves half a report.
func writeFileAtomic(path string, data []byte) error {
	if err := writeAtomic(path, data); err != nil {
		return fileError(path, err)
	}
	return nil
}

func writeAtomic(path string, data []byte) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return syscall.EISDIR
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".jixiao-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func cmdCheck(e *env, args []string) error {
	fs := newFlags("check", e)
	format := fs.String("format", "text", "输出格式：text 或 json")
	fwDirs := fs.String("frameworks", "", "用户指标框架目录")
	stage := stageFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := checkStage(*stage); err != nil {
		return err
	}
	path, err := oneFile(pos, "数据文件")
	if err != nil {
		return err
	}
	s, err := load(path, *fwDirs, *stage)
	if err != nil {
		return err
	}
	return printFindings(e, s.findings, *format)
}

func printFindings(e *env, ds diag.List, format string) error {
	counts := map[diag.Severity]int{}
	for _, f := range ds {
		counts[f.Severity]++
	}
	switch format {
	case "json":
		if ds == nil {
			ds = diag.List{}
		}
		if err := writeJSON(e, ds); err != nil {
			return err
		}
	case "text":
		for _, f := range ds {
			fmt.Fprintln(e.stdout, f)
		}
		mark := "✓"
		if counts[diag.Error] > 0 {
			mark = "✗"
		}
		fmt.Fprintf(e.stdout, "%s %d 个错误，%d 个警告，%d 条提示\n", mark, counts[diag.Error], counts[diag.Warning], counts[diag.Info])
	default:
		return usageErr("未知输出格式 %q，可用：text、json", format)
	}
	if counts[diag.Error] > 0 {
		return &exitError{code: 1}
	}
	return nil
}

func cmdFrameworks(e *env, args []string) error {
	fs := newFlags("frameworks", e)
	fwDirs := fs.String("frameworks", "", "用户指标框架目录")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	lib, ds := datafile.LoadLibrary(frameworkDirs(*fwDirs)...)
	for _, f := range lib.All() {
		scope := framework.ScopeName(f.Scope)
		fmt.Fprintf(e.stdout, "%-20s %-8s %-10s %s  [%s]\n", f.ID, f.Version, scope, f.Name, f.Origin)
	}
	if len(ds) > 0 {
		fmt.Fprintln(e.stderr, "以下框架文件有误，未载入：")
		for _, f := range ds {
			fmt.Fprintln(e.stderr, f)
		}
		return &exitError{code: 1}
	}
	return nil
}

func cmdFramework(e *env, args []string) error {
	if len(args) == 0 || args[0] != "check" {
		return usageErr("用法：jixiao framework check FILE")
	}
	fs := newFlags("framework check", e)
	format := fs.String("format", "text", "输出格式：text 或 json")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	path, err := oneFile(pos, "框架文件")
	if err != nil {
		return err
	}
	data, err := readInput(path)
	if err != nil {
		return err
	}
	f, ds := datafile.Framework(path, data)
	ds.Sort()
	if err := printFindings(e, ds, *format); err != nil {
		return err
	}
	if *format == "text" && f != nil {
		fmt.Fprintf(e.stdout, "框架 %s（%s）版本 %s，共 %d 个指标，总分 %s\n", f.ID, f.Name, f.Version, len(f.Codes()), f.Total)
	}
	return nil
}

// writeJSON prints v as indented JSON with Chinese and symbols unescaped.
func writeJSON(e *env, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
