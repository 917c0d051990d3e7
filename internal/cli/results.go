package cli

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jixiao/jixiao/internal/bulk"
	"github.com/jixiao/jixiao/internal/results"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// cmdResults is `jixiao results YEAR [--format text|json|xlsx] [-o OUT]`:
// every department and project of the year's accepted or published
// department-years with the grade after review, project type, rule,
// suggestion, the amount it implies and the decision (结果应用).
func cmdResults(e *env, args []string) error {
	fs := newFlags("results", e)
	db := dbFlag(fs)
	format := fs.String("format", "text", "输出格式：text、json 或 xlsx")
	out := fs.String("o", "", "输出文件（xlsx 必须指定；text、json 默认输出到屏幕）")
	region := fs.String("region", "", "只列出该地区的部门")
	grade := fs.String("grade", "", "只列出部门复核后等级为该等级的部门（优、良、中、差）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("用法：jixiao results YEAR [--format text|json|xlsx] [-o OUT] [--region 地区] [--grade 等级]")
	}
	var year int
	var probs []string
	if _, err := fmt.Sscan(pos[0], &year); err != nil || year < 2000 || year > 2100 || fmt.Sprint(year) != pos[0] {
		probs = append(probs, fmt.Sprintf("年度 %q 无效：应为 2000 至 2100 之间的整数", pos[0]))
	}
	switch *format {
	case "text", "json":
	case "xlsx":
		if *out == "" {
			probs = append(probs, "xlsx 格式须用 -o 指定输出文件")
		}
	default:
		probs = append(probs, fmt.Sprintf("未知输出格式 %q，可用：text、json、xlsx", *format))
	}
	if len(probs) > 0 {
		return usageErr("%s", strings.Join(probs, "\n"))
	}
	ctx := context.Background()
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	rules := st.Rules().Results
	ys, total, err := st.Suggestions(ctx, store.ResultsFilter{Year: year, Region: *region, Grade: *grade}, rules)
	if err != nil {
		return err
	}
	if total > len(ys) {
		return fmt.Errorf("%d 年度有 %d 个部门年度，超过一次可输出的 %d 个；请用 --region 或 --grade 分批输出", year, total, store.MaxResultsYears)
	}
	var buf bytes.Buffer
	switch *format {
	case "xlsx":
		if err := bulk.WriteResults(&buf, year, ys, rules); err != nil {
			return fmt.Errorf("生成结果应用表失败：%w", err)
		}
		if err := writeFileAtomic(*out, buf.Bytes()); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "已写入 %s：%d 个部门年度\n", *out, len(ys))
		return nil
	case "json":
		return writeOut(e, *out, func(w *bytes.Buffer) error {
			sub := &env{stdout: w, stderr: e.stderr}
			return writeJSON(sub, resultsJSON(ys, rules))
		})
	}
	return writeOut(e, *out, func(w *bytes.Buffer) error {
		w.WriteString(resultsText(year, ys, rules))
		return nil
	})
}

// writeOut writes what fill makes to out, or to standard output.
func writeOut(e *env, out string, fill func(*bytes.Buffer) error) error {
	var buf bytes.Buffer
	if err := fill(&buf); err != nil {
		return err
	}
	if out == "" {
		_, err := e.stdout.Write(buf.Bytes())
		return err
	}
	return writeFileAtomic(out, buf.Bytes())
}

// resultRowJSON is one row of `jixiao results --format json`.
type resultRowJSON struct {
	Department     string `json:"department_code"`
	DepartmentName string `json:"department_name"`
	Region         string `json:"region"`
	Year           int    `json:"year"`
	Scope          string `json:"scope"`
	ProjectCode    string `json:"project_code,omitempty"`
	ProjectName    string `json:"project_name,omitempty"`
	Kind           string `json:"kind,omitempty"`
	Type           string `json:"project_type,omitempty"`
	Grade          string `json:"grade"`
	GradeNote      string `json:"grade_note"`
	Rule           string `json:"rule,omitempty"`
	RuleSource     string `json:"rule_source,omitempty"`
	Suggestion     string `json:"suggestion,omitempty"`
	SuggestionName string `json:"suggestion_name,omitempty"`
	Base           string `json:"base"`
	BaseName       string `json:"base_name"`
	Suggested      string `json:"suggested_amount,omitempty"`
	Trace          string `json:"trace,omitempty"`
	Problem        string `json:"problem,omitempty"`
	Decision       string `json:"decision,omitempty"`
	DecisionName   string `json:"decision_name,omitempty"`
	Decided        string `json:"decided_amount,omitempty"`
	Reason         string `json:"reason,omitempty"`
	DecidedBy      string `json:"decided_by,omitempty"`
	DecidedAt      string `json:"decided_at,omitempty"`
	Stale          bool   `json:"stale,omitempty"`
}

func resultsJSON(ys []*store.ResultsYear, rules *results.Rules) []resultRowJSON {
	out := []resultRowJSON{}
	for _, y := range ys {
		for _, r := range y.Rows() {
			j := resultRowJSON{Department: y.DepartmentCode, DepartmentName: y.Department, Region: y.Region, Year: y.Year, Scope: r.Scope,
				ProjectCode: r.ProjectCode, ProjectName: r.ProjectName, Kind: r.Kind, Type: r.Type, Grade: r.Grade, GradeNote: r.GradeNote,
				Base: r.Base.String(), BaseName: store.BaseName, Problem: r.Problem, Stale: r.Stale()}
			if s := r.Suggestion; s != nil {
				j.Rule, j.RuleSource, j.Suggestion, j.SuggestionName, j.Suggested, j.Trace = s.Rule.ID, s.Rule.Source, s.Suggestion, s.Name, s.Amount.String(), s.Trace
			}
			if d := r.Decision; d != nil {
				j.Decision, j.DecisionName, j.Decided, j.Reason, j.DecidedBy = d.Decision, store.DecisionName(rules, d.Decision, d.Base, d.Decided), d.Decided.String(), d.Reason, d.DecidedBy
				j.DecidedAt = d.DecidedAt.Format(time.RFC3339)
			}
			out = append(out, j)
		}
	}
	return out
}

func resultsText(year int, ys []*store.ResultsYear, rules *results.Rules) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d 年度绩效评价结果应用：%d 个部门年度（已通过复核或已公开）；建议金额按%s计算\n\n", year, len(ys), store.BaseName)
	var rows [][]string
	for _, y := range ys {
		for _, r := range y.Rows() {
			name := r.Label()
			if r.ProjectCode != "" {
				name = r.ProjectCode + " " + name
			}
			row := []string{y.DepartmentCode + " " + y.Department, workflow.StatusName(workflow.Evaluation, y.Status), name, r.TypeName(), r.Grade, r.Base.YuanText()}
			if s := r.Suggestion; s != nil {
				row = append(row, s.Rule.ID, s.Name, s.Amount.YuanText())
			} else {
				row = append(row, "", r.Problem, "")
			}
			if d := r.Decision; d != nil {
				dec := store.DecisionName(rules, d.Decision, d.Base, d.Decided)
				if r.Stale() {
					dec += "（需复核）"
				}
				row = append(row, dec, d.Decided.YuanText())
			} else {
				row = append(row, "未决定", "")
			}
			rows = append(rows, row)
		}
	}
	writeColumns(&b, []column{{head: "部门"}, {head: "状态"}, {head: "范围"}, {head: "项目类型"}, {head: "等级"},
		{head: "年初预算数(元)", right: true}, {head: "适用规则"}, {head: "处理建议"}, {head: "建议金额(元)", right: true},
		{head: "决定"}, {head: "决定金额(元)", right: true}}, rows)
	return b.String()
}
