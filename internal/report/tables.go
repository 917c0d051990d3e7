package report

import (
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/scoring"
)

// The self-evaluation tables have eight columns: 一级指标, 二级指标, 三级指标,
// 年度指标值, 实际完成值, 分值, 得分, and the reason for lost points.
var tableColumns = []Column{{Width: 8}, {Width: 12}, {Width: 15}, {Width: 11}, {Width: 11}, {Width: 8}, {Width: 9}, {Width: 26}}

// reviewedColumns are the tables' columns when a review score counts in
// them: 复核得分 after 得分.
var reviewedColumns = []Column{{Width: 6}, {Width: 9}, {Width: 12}, {Width: 10}, {Width: 10}, {Width: 6}, {Width: 7}, {Width: 7}, {Width: 33}}

// tableReview is what a table shows of the finance bureau's review: the
// scores after review of the nodes it changed, the review lines by the
// code of the row they are told on, and the total and grade after review.
type tableReview struct {
	scores map[string]num.Points
	lines  map[string][]assess.Line
	total  num.Points
	grade  string
}

// newTableReview is the review of one tree, nil when no review score
// counts in it.
func newTableReview(nodes []*scoring.Node, scores map[string]num.Points, counted int, lines []assess.Line, scope string, total num.Points, grade string) *tableReview {
	if counted == 0 {
		return nil
	}
	r := &tableReview{scores: scores, lines: map[string][]assess.Line{}, total: total, grade: grade}
	// A checklist item's line is told on its indicator's row.
	itemOf := map[string]string{}
	var walk func([]*scoring.Node)
	walk = func(ns []*scoring.Node) {
		for _, n := range ns {
			for _, it := range n.Items {
				itemOf[it.Code] = n.Code
			}
			walk(n.Children)
		}
	}
	walk(nodes)
	for _, l := range lines {
		if l.Scope != scope {
			continue
		}
		row := l.Code
		if c, ok := itemOf[l.Code]; ok {
			row = c
		}
		r.lines[row] = append(r.lines[row], l)
	}
	return r
}

// departmentReview is the department table's review, nil without one.
func departmentReview(in Input) *tableReview {
	r := in.Review
	if r == nil {
		return nil
	}
	return newTableReview(in.Result.Indicators, r.Scores, r.Counted, r.Lines, assess.ScopeDepartment, r.Total, r.Grade)
}

// projectReview is the i-th project table's review, nil without one.
func projectReview(in Input, i int) *tableReview {
	r := in.Review
	if r == nil || i >= len(r.Projects) {
		return nil
	}
	pr := r.Projects[i]
	return newTableReview(in.Result.Projects[i].Indicators, pr.Scores, pr.Counted, r.Lines, pr.Scope, pr.ReviewTotal, pr.Grade)
}

// widen adds the review column to rows that have no cell of their own in
// it: their last cell spans one more column.
func widen(rows []Row) {
	for i := range rows {
		c := &rows[i].Cells[len(rows[i].Cells)-1]
		if c.ColSpan == 0 {
			c.ColSpan = 1
		}
		c.ColSpan++
	}
}

// reviewCell is a row's 复核得分: its score after review, which is its
// self-score when the review did not change it.
func (nf numbers) reviewCell(n *scoring.Node) Cell {
	if p, ok := nf.rv.scores[n.Code]; ok {
		c := nf.scoreCell(p)
		c.Bold = true
		return c
	}
	return nf.scoreCell(n.Score)
}

// reviewWhy is what a row's reason says of the review scores told on it.
func (nf numbers) reviewWhy(n *scoring.Node) string {
	var out []string
	for _, l := range nf.rv.lines[n.Code] {
		what := ""
		if l.Code != n.Code {
			what = l.Code + " "
		}
		out = append(out, fmt.Sprintf("复核%s由%s分调整为%s分：%s", what, nf.score(l.Self), nf.score(l.Review), strings.TrimRight(l.Reason, "。")))
	}
	return strings.Join(out, "；")
}

// gradeText is the total row's grade cell: the self-evaluation's grade,
// and the grade after review when the table shows one.
func (nf numbers) gradeText(self string) string {
	if nf.rv == nil {
		return "自评等级：" + self
	}
	return "自评等级：" + self + "；复核后等级：" + nf.rv.grade
}

func head(texts ...string) Row {
	r := Row{Header: true}
	for _, t := range texts {
		r.Cells = append(r.Cells, Cell{Text: t, Align: AlignCenter, Bold: true})
	}
	return r
}

func label(text string, colspan, rowspan int) Cell {
	return Cell{Text: text, ColSpan: colspan, RowSpan: rowspan, Align: AlignCenter, Bold: true}
}

func text(t string, colspan int) Cell { return Cell{Text: t, ColSpan: colspan} }

// quotient is the float64 nearest to n ÷ d (d > 0), as big.Rat's Float64
// gives it: when both are exact in a float64 (below 2^53), IEEE division
// rounds the exact quotient to nearest, ties to even, as Float64 does.
func quotient(n, d int64) float64 {
	const exact = 1 << 53
	if n > -exact && n < exact && d > 0 && d < exact {
		return float64(n) / float64(d)
	}
	v, _ := big.NewRat(n, d).Float64()
	return v
}

func wanCell(f money.Fen) Cell {
	v := quotient(int64(f), 1_000_000)
	return Cell{Text: f.Wan(), Number: &v, Format: "#,##0.00", Align: AlignRight}
}

func (n numbers) rateCell(part, whole money.Fen) Cell {
	sh, ok := n.share(part, whole)
	if !ok {
		return Cell{Text: "—", Align: AlignCenter}
	}
	r, _ := money.Ratio(part, whole)
	v, _ := money.Round(r, 4).Float64()
	return Cell{Text: sh + "%", Number: &v, Format: "0.00%", Align: AlignRight}
}

// DepartmentTable is 部门整体支出绩效自评表: the department, its budget
// execution, its overall goal, then every indicator with points, score and
// the reason for each lost point.
func DepartmentTable(in Input) *Table {
	ev, res := in.Evaluation, in.Result
	nf := newNumbers(ev, res)
	nf.rv = departmentReview(in)
	t := &Table{
		Title:    "部门整体支出绩效自评表",
		Sheet:    "部门整体支出绩效自评表",
		Subtitle: fmt.Sprintf("（%d年度）", ev.Year),
		Columns:  tableColumns,
	}
	if nf.rv != nil {
		t.Columns = reviewedColumns
	}
	f := ev.Finance
	exec := scoring.Find(res.Indicators, executionCode(in.Framework))
	execPoints, execScore := Cell{Text: "—"}, Cell{Text: "—"}
	if exec != nil {
		execPoints, execScore = nf.pointsCell(exec.Points), nf.scoreCell(exec.Score)
	}
	execHead := Row{Cells: []Cell{label("预算执行情况（万元）", 2, 2), label("年初预算数", 1, 1), label("全年预算数", 1, 1), label("全年执行数", 1, 1), label("分值", 1, 1), label("执行率", 1, 1), label("得分", 1, 1)}}
	execRow := Row{Cells: []Cell{wanCell(f.Budget.Initial), wanCell(f.Budget.Adjusted), wanCell(f.Expenditure.Total()), execPoints, nf.rateCell(f.Expenditure.Total(), f.Budget.Adjusted), execScore}}
	top := []Row{
		{Cells: []Cell{label("部门名称", 2, 1), text(ev.Department.Name, 3), label("预算单位编码", 2, 1), text(ev.Department.Code, 1)}},
		{Cells: []Cell{label("年度总体目标", 2, 2), label("预期目标", 3, 1), label("实际完成情况", 3, 1)}},
		{Cells: []Cell{text(ev.OverallGoal, 3), text(nf.achievedSummary(ev, res), 3)}},
	}
	header := head("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "扣分原因及改进措施")
	if nf.rv != nil {
		widen(top)
		execHead.Cells = append(execHead.Cells, label("复核得分", 1, 1))
		if exec != nil {
			execRow.Cells = append(execRow.Cells, nf.reviewCell(exec))
		} else {
			execRow.Cells = append(execRow.Cells, Cell{Text: "—"})
		}
		header = head("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "复核得分", "扣分原因及改进措施")
	}
	t.Rows = append(t.Rows, top[0], execHead, execRow, top[1], top[2], header)
	for _, top := range res.Indicators {
		rows := nf.indicatorRows(top)
		if len(rows) == 0 {
			continue
		}
		rows[0].Cells = append([]Cell{label(top.Name, 1, len(rows))}, rows[0].Cells...)
		t.Rows = append(t.Rows, rows...)
	}
	t.Rows = append(t.Rows, nf.totalRow(res.Points, res.Total, res.Grade))
	t.Notes = []string{"注：金额单位为万元。"}
	if nf.rv != nil {
		t.Notes = append(t.Notes, "复核得分为财政部门复核后的得分，未调整的指标与自评得分相同；调整的理由见最后一列。")
	}
	// The illustrative-data notice is said once, under the first table.
	if ev.Illustrative != "" {
		t.Notes = append(t.Notes, "说明："+ev.Illustrative)
	}
	return t
}

// totalRow is a table's 总分 row: points, self-score, the total after
// review when the table shows one, and the grades.
func (nf numbers) totalRow(points, total num.Points, grade string) Row {
	cells := []Cell{label("总分", 5, 1), nf.pointsCell(points), nf.scoreCell(total)}
	if nf.rv != nil {
		c := nf.scoreCell(nf.rv.total)
		c.Bold = true
		cells = append(cells, c)
	}
	return Row{KeepWithPrevious: true, Cells: append(cells, label(nf.gradeText(grade), 1, 1))}
}

// executionCode finds the framework's execution-rate indicator.
func executionCode(fw *framework.Framework) string {
	code := ""
	if fw == nil {
		return code
	}
	fw.Walk(func(in *framework.Indicator, _ int) {
		if code == "" && in.Rule != nil && in.Rule.Kind == framework.KindExecutionRate {
			code = in.Code
		}
	})
	return code
}

// achievedSummary states, from the data, what the year achieved against
// the overall goal: spending, execution, targets met, score.
func (n numbers) achievedSummary(ev *evaluation.Evaluation, res *scoring.Result) string {
	var s strings.Builder
	fmt.Fprintf(&s, "全年决算支出%s万元", ev.Finance.Expenditure.Total().Wan())
	if r, ok := ExecutionRate(ev); ok {
		fmt.Fprintf(&s, "，预算执行率%s%%", r)
	}
	total, met := 0, 0
	var walk func([]*scoring.Node)
	walk = func(ns []*scoring.Node) {
		for _, n := range ns {
			if n.Target != nil {
				total++
				if n.Met {
					met++
				}
			}
			walk(n.Children)
		}
	}
	walk(res.Indicators)
	if total > 0 {
		fmt.Fprintf(&s, "；设立整体绩效指标%d个，全部达成%d个", total, met)
	}
	fmt.Fprintf(&s, "；部门整体支出绩效自评%s分，等级“%s”。", n.score(res.Total), res.Grade)
	return s.String()
}

// indicatorRows lays out one level-1 indicator's subtree as rows of seven
// cells (二级 onwards); the caller prepends the level-1 cell.
func (nf numbers) indicatorRows(top *scoring.Node) []Row {
	var rows []Row
	for _, n := range top.Children {
		switch {
		case len(n.Children) == 0:
			rows = append(rows, Row{Cells: append([]Cell{text(n.Name, 2)}, nf.valueCells(n)...)})
		default:
			var sub []Row
			for _, c := range n.Children {
				sub = append(sub, Row{Cells: append([]Cell{text(c.Name, 1)}, nf.valueCells(c)...)})
			}
			sub[0].Cells = append([]Cell{text(n.Name, 1)}, sub[0].Cells...)
			sub[0].Cells[0].RowSpan = len(sub)
			rows = append(rows, sub...)
		}
	}
	return rows
}

// valueCells are 年度指标值, 实际完成值, 分值, 得分 and the reason.
func (nf numbers) valueCells(n *scoring.Node) []Cell {
	target, actual := "—", "—"
	if t := n.Target; t != nil {
		target = TargetText(t)
		actual = t.Actual + t.Unit
	}
	if n.Rule == framework.KindExecutionRate && len(n.Trace.Inputs) == 2 {
		target = "100%"
		actual = ""
		if f := n.Trace.Formula; f != "" {
			// "执行率 = a ÷ b = x%；…": show x%.
			if _, after, ok := strings.Cut(f, " = "); ok {
				if _, rate, ok := strings.Cut(after, " = "); ok {
					actual, _, _ = strings.Cut(rate, "%；")
					actual = money.Percent(actual) + "%"
				}
			}
		}
	}
	why := ""
	switch {
	case n.NotApplicable != "":
		why = "不适用：" + n.NotApplicable
		cells := []Cell{{Text: target, Align: AlignCenter}, {Text: actual, Align: AlignCenter}, {Text: "—", Align: AlignCenter}, {Text: "—", Align: AlignCenter}}
		if nf.rv != nil {
			cells = append(cells, Cell{Text: "—", Align: AlignCenter})
		}
		return append(cells, text(why, 1))
	case n.Score < n.Points:
		var rs []string
		for _, d := range n.AllDeductions() {
			rs = append(rs, fmt.Sprintf("扣%s分：%s", nf.score(d.Points), strings.TrimRight(d.Text(), "。")))
		}
		why = strings.Join(rs, "；")
	}
	cells := []Cell{{Text: target, Align: AlignCenter}, {Text: actual, Align: AlignCenter}, nf.pointsCell(n.Points), nf.scoreCell(n.Score)}
	if nf.rv != nil {
		cells = append(cells, nf.reviewCell(n))
		if r := nf.reviewWhy(n); r != "" {
			why = strings.Join(slices.DeleteFunc([]string{why, r}, func(s string) bool { return s == "" }), "；")
		}
	}
	return append(cells, text(why, 1))
}

// ProjectTable is 项目支出绩效自评表 in the national layout (财预〔2020〕10号
// 附件2): project, funds, goal, then the indicators by category.
func ProjectTable(in Input, i int) *Table {
	ev, p, r, n := in.Evaluation, &in.Evaluation.Projects[i], &in.Result.Projects[i], i+1
	nf := newNumbers(ev, in.Result).forProject(r)
	nf.rv = projectReview(in, i)
	t := &Table{
		Title:    "项目支出绩效自评表",
		Sheet:    fmt.Sprintf("项目%d", n),
		Subtitle: fmt.Sprintf("（%d年度）", ev.Year),
		Columns:  tableColumns,
	}
	if nf.rv != nil {
		t.Columns = reviewedColumns
	}
	unit := p.Unit
	if unit == "" {
		unit = ev.Department.Name
	}
	var exec *scoring.Node
	var rest []*scoring.Node
	for _, ind := range r.Indicators {
		if ind.Rule == framework.KindExecutionRate && exec == nil {
			exec = ind
		} else {
			rest = append(rest, ind)
		}
	}
	execPoints, execScore := Cell{Text: "—"}, Cell{Text: "—"}
	if exec != nil {
		execPoints, execScore = nf.pointsCell(exec.Points), nf.scoreCell(exec.Score)
	}
	dash := Cell{Text: "—", Align: AlignCenter}
	fund := func(name string, v money.Fen) Row {
		return Row{Cells: []Cell{text(name, 1), dash, wanCell(v), dash, dash, dash, dash}}
	}
	names := []Row{
		{Cells: []Cell{label("项目名称", 2, 1), text(p.Name, 3), label("项目编码", 2, 1), text(p.Code, 1)}},
		{Cells: []Cell{label("主管部门", 2, 1), text(ev.Department.Name, 3), label("实施单位", 2, 1), text(unit, 1)}},
	}
	fundRows := 2
	if p.Funding != nil {
		fundRows = 5
	}
	fundHead := Row{Cells: []Cell{label("项目资金（万元）", 1, fundRows), label("", 1, 1), label("年初预算数", 1, 1), label("全年预算数", 1, 1), label("全年执行数", 1, 1), label("分值", 1, 1), label("执行率", 1, 1), label("得分", 1, 1)}}
	fundTotal := Row{Cells: []Cell{text("年度资金总额", 1), wanCell(p.Initial), wanCell(p.Adjusted), wanCell(p.Executed), execPoints, nf.rateCell(p.Executed, p.Adjusted), execScore}}
	var funds []Row
	if p.Funding != nil {
		funds = append(funds, fund("其中：当年财政拨款", p.Funding.Appropriation), fund("上年结转资金", p.Funding.CarriedOver), fund("其他资金", p.Funding.Other))
	}
	goals := []Row{
		{Cells: []Cell{label("年度总体目标", 2, 2), label("预期目标", 3, 1), label("实际完成情况", 3, 1)}},
		{Cells: []Cell{text(p.Goal, 3), text(p.Achieved, 3)}},
	}
	header := head("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施")
	if nf.rv != nil {
		widen(names)
		widen(funds)
		widen(goals)
		fundHead.Cells = append(fundHead.Cells, label("复核得分", 1, 1))
		if exec != nil {
			fundTotal.Cells = append(fundTotal.Cells, nf.reviewCell(exec))
		} else {
			fundTotal.Cells = append(fundTotal.Cells, Cell{Text: "—"})
		}
		header = head("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "复核得分", "偏差原因分析及改进措施")
	}
	t.Rows = append(t.Rows, names...)
	t.Rows = append(t.Rows, fundHead, fundTotal)
	t.Rows = append(t.Rows, funds...)
	t.Rows = append(t.Rows, goals...)
	t.Rows = append(t.Rows, header)
	for _, ind := range rest {
		t.Rows = append(t.Rows, nf.projectIndicatorRows(ind)...)
	}
	t.Rows = append(t.Rows, nf.totalRow(r.Points, r.Total, r.Grade))
	t.Notes = []string{"注：金额单位为万元。"}
	if nf.rv != nil {
		t.Notes = append(t.Notes, "复核得分为财政部门复核后的得分，未调整的指标与自评得分相同；调整的理由见最后一列。")
		if exec != nil {
			if why := nf.reviewWhy(exec); why != "" {
				t.Notes = append(t.Notes, exec.Name+"："+why+"。")
			}
		}
	}
	return t
}

// projectIndicatorRows lays out one category (产出, 效益, 满意度): its
// targets grouped by subcategory.
func (nf numbers) projectIndicatorRows(ind *scoring.Node) []Row {
	if ind.NotApplicable != "" || len(ind.Children) == 0 {
		why := ind.NotApplicable
		if why != "" {
			why = "不适用：" + why
		}
		cells := []Cell{label(ind.Name, 1, 1), text("—", 2), {Text: "—", Align: AlignCenter}, {Text: "—", Align: AlignCenter}, {Text: "—", Align: AlignCenter}, {Text: "—", Align: AlignCenter}}
		if nf.rv != nil {
			cells = append(cells, Cell{Text: "—", Align: AlignCenter})
		}
		return []Row{{Cells: append(cells, text(why, 1))}}
	}
	var rows []Row
	// Group consecutive targets with the same subcategory.
	i := 0
	for i < len(ind.Children) {
		sub := subcategory(ind.Children[i])
		j := i + 1
		for j < len(ind.Children) && subcategory(ind.Children[j]) == sub {
			j++
		}
		for k := i; k < j; k++ {
			c := ind.Children[k]
			cells := append([]Cell{text(c.Name, 1)}, nf.valueCells(c)...)
			if k == i {
				cells = append([]Cell{{Text: sub, RowSpan: j - i}}, cells...)
			}
			rows = append(rows, Row{Cells: cells})
		}
		i = j
	}
	rows[0].Cells = append([]Cell{label(ind.Name, 1, len(rows))}, rows[0].Cells...)
	return rows
}

func subcategory(n *scoring.Node) string {
	if n.Target != nil && n.Target.Subcategory != "" {
		return n.Target.Subcategory
	}
	return "—"
}
