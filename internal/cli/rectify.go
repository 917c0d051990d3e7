package cli

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/rectify"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

const rectifyUsage = `用法：
  jixiao rectify list [CODE YEAR] [--format text|json] [--status S] [--overdue] [--limit N]
      列出整改事项，逾期的在前（不给 CODE YEAR 时列出全部部门的，按 --year 筛选）
  jixiao rectify suggest CODE YEAR [--format text|json]
      列出该年度失分的指标和检查项，以及“存在的主要问题”与之对应的情况
  jixiao rectify issue CODE YEAR --from-problems | --problem 问题 [--measure 措施] [--unit 责任单位] [--person 责任人] [--due YYYY-MM-DD]
      以财政审核人身份下达整改事项（--from-problems：按该年度存在的主要问题逐条下达，并关联对应的失分）
  jixiao rectify move CODE YEAR N ACTION [--comment 意见] [--measure 措施] [--evidence 说明[|文件名[|文号]]]…
      ACTION：file 报送整改措施、done 报告整改完成（部门填报人）；confirm 确认销号、reject 退回重新整改、waive 免于整改并销号（财政审核人）
通用参数：--db DB  --actor 操作人（默认为当前系统用户）  --reason 原因`

// cmdRectify works on rectification items (整改事项, docs/cycle.md §2):
// the operator's path to the track the web pages also serve. The
// operator acts in the role the action needs (store.Operator).
func cmdRectify(e *env, args []string) error {
	if len(args) == 0 {
		return usageErr("%s", rectifyUsage)
	}
	switch args[0] {
	case "list":
		return rectifyList(e, args[1:])
	case "suggest":
		return rectifySuggest(e, args[1:])
	case "issue":
		return rectifyIssue(e, args[1:])
	case "move":
		return rectifyMove(e, args[1:])
	case "-h", "--help", "help":
		return &exitError{code: 0, msg: rectifyUsage, stdout: true}
	}
	return usageErr("未知的子命令 %q\n%s", args[0], rectifyUsage)
}

// rectifyCodeYear reads CODE YEAR from the first two positional arguments, saying what is wrong.
func rectifyCodeYear(pos []string) (string, int, error) {
	if len(pos) < 2 {
		return "", 0, usageErr("缺少部门编码和年度\n%s", rectifyUsage)
	}
	year, err := strconv.Atoi(pos[1])
	if err != nil || year < 2000 || year > 2100 {
		return "", 0, usageErr("年度 %q 无效：应为 2000 至 2100 之间的整数", pos[1])
	}
	return pos[0], year, nil
}

func withStore(db string, fn func(ctx context.Context, st *store.Store) error) error {
	ctx := context.Background()
	st, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(ctx, st)
}

// rectifyJSON is an item as the command line writes it in JSON: the
// item, its status in Chinese and whether it is overdue today.
type rectifyJSON struct {
	rectify.Item
	StatusName string `json:"status_name"`
	Overdue    bool   `json:"overdue"`
	NextDue    string `json:"next_due,omitempty"`
}

func rectifyList(e *env, args []string) error {
	fs := newFlags("rectify list", e)
	db := dbFlag(fs)
	format := fs.String("format", "text", "输出格式：text 或 json")
	status := fs.String("status", "", "只列出该状态：open、in_progress、done 或 closed")
	overdue := fs.Bool("overdue", false, "只列出逾期的")
	year := fs.Int("year", 0, "整改事项所属年度（不给 CODE YEAR 时）")
	limit := fs.Int("limit", store.DefaultRectificationPage, fmt.Sprintf("最多列出多少项（不超过 %d）", store.MaxRectificationPage))
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageErr("未知输出格式 %q，可用：text、json", *format)
	}
	f := store.RectificationFilter{Status: *status, Overdue: *overdue, Year: *year, Limit: *limit}
	switch len(pos) {
	case 0:
	case 2:
		code, y, err := rectifyCodeYear(pos)
		if err != nil {
			return err
		}
		if *year != 0 && *year != y {
			return usageErr("--year %d 与 YEAR %d 不一致", *year, y)
		}
		f.Department, f.Year = code, y
	default:
		return usageErr("%s", rectifyUsage)
	}
	return withStore(*db, func(ctx context.Context, st *store.Store) error {
		if len(pos) == 2 {
			// The year must exist: an unknown one is an error, not an
			// empty list.
			if _, err := st.Rectifications(ctx, f.Department, f.Year); err != nil {
				return err
			}
		}
		items, total, err := st.BureauRectifications(ctx, f)
		if err != nil {
			return err
		}
		today := st.Today()
		if *format == "json" {
			out := make([]rectifyJSON, len(items))
			for i, it := range items {
				out[i] = rectifyJSON{Item: it, StatusName: it.StatusName(), Overdue: it.Overdue(today), NextDue: it.NextDue().Text()}
			}
			return writeJSON(e, struct {
				Today civil.Date    `json:"today"`
				Total int           `json:"total"`
				Items []rectifyJSON `json:"items"`
			}{today, total, out})
		}
		writeRectifyTable(e, items, today, len(pos) == 0)
		switch {
		case total == 0:
			fmt.Fprintln(e.stdout, "没有整改事项。")
		case total > len(items):
			fmt.Fprintf(e.stdout, "共 %d 项，列出前 %d 项（--limit 调整）；截至%s。\n", total, len(items), today.Chinese())
		default:
			fmt.Fprintf(e.stdout, "共 %d 项；截至%s。\n", total, today.Chinese())
		}
		return nil
	})
}

// writeRectifyTable prints items as an aligned table.
func writeRectifyTable(e *env, items []rectify.Item, today civil.Date, withDept bool) {
	if len(items) == 0 {
		return
	}
	cols := []column{{head: "编号"}, {head: "问题"}, {head: "状态"}, {head: "下达日期"}, {head: "期限"}, {head: "来源"}}
	if withDept {
		cols = append([]column{{head: "部门"}}, cols...)
	}
	var rows [][]string
	for _, it := range items {
		due := ""
		if d := it.NextDue(); d.Text() != "" {
			label := "完成"
			if it.Status == rectify.Open {
				label = "报送措施"
			}
			due = label + " " + d.Text()
		}
		var src []string
		for _, l := range it.Links {
			src = append(src, l.Describe())
		}
		if len(src) == 0 {
			src = []string{"人工添加"}
		}
		row := []string{fmt.Sprintf("%d-%d", it.Year, it.Number), rectify.Truncate(it.Problem, 24), it.StatusText(today), it.IssuedOn.String(), due, strings.Join(src, "、")}
		if withDept {
			row = append([]string{it.DepartmentCode + " " + rectify.Truncate(it.Department, 10)}, row...)
		}
		rows = append(rows, row)
	}
	var b strings.Builder
	writeColumns(&b, cols, rows)
	fmt.Fprint(e.stdout, b.String())
}

func rectifySuggest(e *env, args []string) error {
	fs := newFlags("rectify suggest", e)
	db := dbFlag(fs)
	format := fs.String("format", "text", "输出格式：text 或 json")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageErr("%s", rectifyUsage)
	}
	code, year, err := rectifyCodeYear(pos)
	if err != nil {
		return err
	}
	return withStore(*db, func(ctx context.Context, st *store.Store) error {
		sg, err := st.RectificationSuggestions(ctx, code, year)
		if err != nil {
			return err
		}
		if *format == "json" {
			return writeJSON(e, sg)
		}
		w := e.stdout
		fmt.Fprintf(w, "部门 %s %d 年度失分的指标和检查项 %d 个，存在的主要问题 %d 条。\n", code, year, len(sg.Lost), len(sg.Problems))
		for i, p := range sg.Problems {
			fmt.Fprintf(w, "\n问题 %d：%s\n", i+1, p.Problem)
			if len(p.Lost) == 0 {
				fmt.Fprintln(w, "  对应失分：未能从文字判断，请人工关联")
			}
			for _, l := range p.Lost {
				fmt.Fprintf(w, "  对应失分：%s\n    %s\n", l.Describe(), l.Reason)
			}
			if p.Measure != "" {
				fmt.Fprintf(w, "  对应的改进措施：%s\n", p.Measure)
			}
		}
		if len(sg.Unmatched) > 0 {
			fmt.Fprintln(w, "\n未被存在的主要问题提及的失分（可另行下达整改事项）：")
			for _, l := range sg.Unmatched {
				fmt.Fprintf(w, "  %s\n    %s\n", l.Describe(), l.Reason)
			}
		}
		return nil
	})
}

// dateFlag is an optional date flag.
type dateFlag struct{ d *civil.Date }

func (f dateFlag) String() string {
	if f.d == nil || f.d.IsZero() {
		return ""
	}
	return f.d.String()
}

func (f dateFlag) Set(s string) error {
	d, err := civil.ParseDate(s)
	if err != nil {
		return fmt.Errorf("日期 %q 无效：应为 YYYY-MM-DD", s)
	}
	*f.d = d
	return nil
}

func rectifyIssue(e *env, args []string) error {
	fs := newFlags("rectify issue", e)
	db := dbFlag(fs)
	actor := fs.String("actor", "", "操作人（默认为当前系统用户）")
	reason := fs.String("reason", "", "下达原因（选填），记入历史")
	fromProblems := fs.Bool("from-problems", false, "按该年度存在的主要问题逐条下达，并关联对应的失分")
	var d rectify.Draft
	fs.StringVar(&d.Problem, "problem", "", "问题描述（人工下达一项）")
	fs.StringVar(&d.Measure, "measure", "", "整改措施（选填）")
	fs.StringVar(&d.Unit, "unit", "", "责任单位（选填）")
	fs.StringVar(&d.Person, "person", "", "责任人（选填）")
	fs.Var(dateFlag{&d.CompleteDue}, "due", "整改完成期限 YYYY-MM-DD（选填；默认为报送整改措施后按周期规则计算）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageErr("%s", rectifyUsage)
	}
	code, year, err := rectifyCodeYear(pos)
	if err != nil {
		return err
	}
	if *fromProblems == (d.Problem != "") {
		return usageErr("须给出 --from-problems 或 --problem 之一\n%s", rectifyUsage)
	}
	if *fromProblems && (d.Measure != "" || d.Unit != "" || d.Person != "" || !d.CompleteDue.IsZero()) {
		return usageErr("--measure、--unit、--person、--due 只与 --problem 同用")
	}
	op := store.Operator(actorName(*actor), rectify.IssueRole)
	return withStore(*db, func(ctx context.Context, st *store.Store) error {
		var items []rectify.Item
		var err error
		if *fromProblems {
			items, err = st.IssueFromProblems(ctx, code, year, op, *reason)
		} else {
			items, err = st.IssueRectifications(ctx, code, year, []rectify.Draft{d}, op, *reason)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "✓ 已向部门 %s 下达 %d 年度整改事项 %d 项：\n", code, year, len(items))
		today := st.Today()
		writeRectifyTable(e, items, today, false)
		rules := st.CycleRules()
		for _, it := range items {
			fmt.Fprintf(e.stdout, "  %d-%d 整改措施报送期限：%s（%s）\n", it.Year, it.Number, it.MeasuresDue.Text(), it.MeasuresDue.Basis(rules))
		}
		return nil
	})
}

// evidenceFlag collects --evidence 说明|文件名|文号, repeatable.
type evidenceFlag struct{ list *[]rectify.Evidence }

func (f evidenceFlag) String() string { return "" }

func (f evidenceFlag) Set(s string) error {
	parts := strings.SplitN(s, "|", 3)
	ev := rectify.Evidence{Text: strings.TrimSpace(parts[0])}
	if len(parts) > 1 {
		ev.File = strings.TrimSpace(parts[1])
	}
	if len(parts) > 2 {
		ev.Ref = strings.TrimSpace(parts[2])
	}
	*f.list = append(*f.list, ev)
	return nil
}

var _ flag.Value = evidenceFlag{}

func rectifyMove(e *env, args []string) error {
	fs := newFlags("rectify move", e)
	db := dbFlag(fs)
	actor := fs.String("actor", "", "操作人（默认为当前系统用户）")
	var in store.RectificationMove
	fs.StringVar(&in.Comment, "comment", "", "意见或理由（退回、免于整改时必填）")
	fs.StringVar(&in.Measure, "measure", "", "整改措施（报送整改措施时；默认为已填写的措施）")
	fs.Var(evidenceFlag{&in.Evidence}, "evidence", "佐证材料：说明[|文件名[|文号或存放位置]]，可重复（报告整改完成时）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 4 {
		return usageErr("%s", rectifyUsage)
	}
	code, year, err := rectifyCodeYear(pos)
	if err != nil {
		return err
	}
	number, err := strconv.Atoi(pos[2])
	if err != nil || number < 1 {
		return usageErr("整改事项编号 %q 无效：应为正整数", pos[2])
	}
	action := pos[3]
	role := workflow.Reviewer
	if action == rectify.ActionFile || action == rectify.ActionDone {
		role = workflow.Editor
	}
	return withStore(*db, func(ctx context.Context, st *store.Store) error {
		it, err := st.Rectification(ctx, code, year, number)
		if err != nil {
			return err
		}
		it, err = st.MoveRectification(ctx, code, year, number, action, in, it.Version, store.Operator(actorName(*actor), role))
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "✓ 部门 %s %d 年度第 %d 号整改事项：%s，状态“%s”\n", code, year, number, rectify.ActionName(action), it.StatusText(st.Today()))
		if action == rectify.ActionFile {
			fmt.Fprintf(e.stdout, "  整改完成期限：%s（%s）\n", it.CompleteDue.Text(), it.CompleteDue.Basis(st.CycleRules()))
		}
		return nil
	})
}
