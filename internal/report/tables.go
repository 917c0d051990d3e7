package report

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/scoring"
)

// The self-evaluation tables have eight columns: 一级指标, 二级指标, 三级指标,
// 年度指标值, 实际完成值, 分值, 得分, and the reason for lost points.
var tableColumns = []Column{{Width: 8}, {Width: 12}, {Width: 15}, {Width: 11}, {Width: 11}, {Width: 8}, {Width: 9}, {Width: 26}}

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

func wanCell(f money.Fen) Cell {
	v, _ := big.NewRat(int64(f), 1_000_000).Float64()
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
	t := &Table{
		Title:    "部门整体支出绩效自评表",
		Sheet:    "部门整体支出绩效自评表",
		Subtitle: fmt.Sprintf("（%d年度）", ev.Year),
		Columns:  tableColumns,
	}
	f := ev.Finance
	exec := scoring.Find(res.Indicators, executionCode(in.Framework))
	execPoints, execScore := Cell{Text: "—"}, Cell{Text: "—"}
	if exec != nil {
		execPoints, execScore = nf.pointsCell(exec.Points), nf.scoreCell(exec.Score)
	}
	t.Rows = append(t.Rows,
		Row{Cells: []Cell{label("部门名称", 2, 1), text(ev.Department.Name, 3), label("预算单位编码", 2, 1), text(ev.Department.Code, 1)}},
		Row{Cells: []Cell{label("预算执行情况（万元）", 2, 2), label("年初预算数", 1, 1), label("全年预算数", 1, 1), label("全年执行数", 1, 1), label("分值", 1, 1), label("执行率", 1, 1), label("得分", 1, 1)}},
		Row{Cells: []Cell{wanCell(f.Budget.Initial), wanCell(f.Budget.Adjusted), wanCell(f.Expenditure.Total()), execPoints, nf.rateCell(f.Expenditure.Total(), f.Budget.Adjusted), execScore}},
		Row{Cells: []Cell{label("年度总体目标", 2, 2), label("预期目标", 3, 1), label("实际完成情况", 3, 1)}},
		Row{Cells: []Cell{text(ev.OverallGoal, 3), text(nf.achievedSummary(ev, res), 3)}},
		head("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "扣分原因及改进措施"),
	)
	for _, top := range res.Indicators {
		rows := nf.indicatorRows(top)
		if len(rows) == 0 {
			continue
		}
		rows[0].Cells = append([]Cell{label(top.Name, 1, len(rows))}, rows[0].Cells...)
		t.Rows = append(t.Rows, rows...)
	}
	t.Rows = append(t.Rows, Row{KeepWithPrevious: true, Cells: []Cell{label("总分", 5, 1), nf.pointsCell(res.Points), nf.scoreCell(res.Total), label("自评等级："+res.Grade, 1, 1)}})
	t.Notes = []string{"注：金额单位为万元。"}
	// The illustrative-data notice is said once, under the first table.
	if ev.Illustrative != "" {
		t.Notes = append(t.Notes, "说明："+ev.Illustrative)
	}
	return t
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
		return []Cell{{Text: target, Align: AlignCenter}, {Text: actual, Align: AlignCenter}, {Text: "—", Align: AlignCenter}, {Text: "—", Align: AlignCenter}, text(why, 1)}
	case n.Score < n.Points:
		var rs []string
		for _, d := range n.AllDeductions() {
			rs = append(rs, fmt.Sprintf("扣%s分：%s", nf.score(d.Points), strings.TrimRight(d.Text(), "。")))
		}
		why = strings.Join(rs, "；")
	}
	return []Cell{{Text: target, Align: AlignCenter}, {Text: actual, Align: AlignCenter}, nf.pointsCell(n.Points), nf.scoreCell(n.Score), text(why, 1)}
}

// ProjectTable is 项目支出绩效自评表 in the national layout (财预〔2020〕10号
// 附件2): project, funds, goal, then the indicators by category.
func ProjectTable(in Input, i int) *Table {
	ev, p, r, n := in.Evaluation, &in.Evaluation.Projects[i], &in.Result.Projects[i], i+1
	nf := newNumbers(ev, in.Result).forProject(r)
	t := &Table{
		Title:    "项目支出绩效自评表",
		Sheet:    fmt.Sprintf("项目%d", n),
		Subtitle: fmt.Sprintf("（%d年度）", ev.Year),
		Columns:  tableColumns,
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
	t.Rows = append(t.Rows,
		Row{Cells: []Cell{label("项目名称", 2, 1), text(p.Name, 3), label("项目编码", 2, 1), text(p.Code, 1)}},
		Row{Cells: []Cell{label("主管部门", 2, 1), text(ev.Department.Name, 3), label("实施单位", 2, 1), text(unit, 1)}},
	)
	fundRows := 2
	if p.Funding != nil {
		fundRows = 5
	}
	t.Rows = append(t.Rows,
		Row{Cells: []Cell{label("项目资金（万元）", 1, fundRows), label("", 1, 1), label("年初预算数", 1, 1), label("全年预算数", 1, 1), label("全年执行数", 1, 1), label("分值", 1, 1), label("执行率", 1, 1), label("得分", 1, 1)}},
	)
	t.Rows = append(t.Rows, Row{Cells: []Cell{text("年度资金总额", 1), wanCell(p.Initial), wanCell(p.Adjusted), wanCell(p.Executed), execPoints, nf.rateCell(p.Executed, p.Adjusted), execScore}})
	if p.Funding != nil {
		t.Rows = append(t.Rows, fund("其中：当年财政拨款", p.Funding.Appropriation), fund("上年结转资金", p.Funding.CarriedOver), fund("其他资金", p.Funding.Other))
	}
	t.Rows = append(t.Rows,
		Row{Cells: []Cell{label("年度总体目标", 2, 2), label("预期目标", 3, 1), label("实际完成情况", 3, 1)}},
		Row{Cells: []Cell{text(p.Goal, 3), text(p.Achieved, 3)}},
		head("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"),
	)
	for _, ind := range rest {
		t.Rows = append(t.Rows, nf.projectIndicatorRows(ind)...)
	}
	t.Rows = append(t.Rows, Row{KeepWithPrevious: true, Cells: []Cell{label("总分", 5, 1), nf.pointsCell(r.Points), nf.scoreCell(r.Total), label("自评等级："+r.Grade, 1, 1)}})
	t.Notes = []string{"注：金额单位为万元。"}
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
		return []Row{{Cells: []Cell{label(ind.Name, 1, 1), text("—", 2), {Text: "—", Align: AlignCenter}, {Text: "—", Align: AlignCenter}, {Text: "—", Align: AlignCenter}, {Text: "—", Align: AlignCenter}, text(why, 1)}}}
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
